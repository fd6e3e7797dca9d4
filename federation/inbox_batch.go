package federation

import (
	"context"
	"sync"

	"github.com/hearth/hearth/models"
)

// inboxBatcher stores verified activities in groups. Each inbox request
// waits until its row is committed before answering 202, so nothing is
// acknowledged that is not in the database; what changes is that requests
// arriving while a write is under way share the next one. On SQLite every
// write transaction takes the database's single write lock, and 32 peers
// each committing their own row spent most of their time waiting for it
// (busy_timeout sleeps): 275 activities/s with p99 over 400 ms in
// BenchmarkInbox before, see docs/BENCHMARKS.md for after. No goroutine
// outlives its batches, and no state survives a request.
//
// On SQLite one batch is written at a time (there is one write lock). On
// PostgreSQL inserts of different rows do not wait for each other, and
// with one writer every request queued behind the batch in flight: up to
// maxFlushersPG batches are written at once, so a slow round trip holds
// back only the requests in its own batch.
type inboxBatcher struct {
	store *models.Store

	mu       sync.Mutex
	pending  []*inboxWrite
	flushing int // batches being written now
}

const maxFlushersPG = 4

// maxFlushers is how many batches may be written at once.
func (b *inboxBatcher) maxFlushers() int {
	if b.store.Dialect() == "postgres" {
		return maxFlushersPG
	}
	return 1
}

// maxInboxBatch bounds one statement (SQLite allows 32,766 parameters;
// a row has 10 columns).
const maxInboxBatch = 500

type inboxWrite struct {
	row  *models.InboxActivity
	done chan error
}

// store writes row, in a batch with whatever else is waiting, and returns
// once it is committed (or failed).
func (b *inboxBatcher) storeRow(ctx context.Context, row *models.InboxActivity) error {
	w := &inboxWrite{row: row, done: make(chan error, 1)}
	b.mu.Lock()
	b.pending = append(b.pending, w)
	if b.flushing < b.maxFlushers() {
		b.flushing++
		go b.flush(context.WithoutCancel(ctx))
	}
	b.mu.Unlock()
	select {
	case err := <-w.done:
		return err
	case <-ctx.Done():
		return ctx.Err() // the row may still be written: redelivery is idempotent
	}
}

// flush writes batches until none is waiting.
func (b *inboxBatcher) flush(ctx context.Context) {
	for {
		b.mu.Lock()
		batch := b.pending
		if len(batch) > maxInboxBatch {
			batch = batch[:maxInboxBatch]
		}
		b.pending = b.pending[len(batch):]
		if len(batch) == 0 {
			b.flushing--
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		rows := make([]*models.InboxActivity, len(batch))
		for i, w := range batch {
			rows[i] = w.row
		}
		err := b.store.EnqueueInboxBatch(ctx, rows)
		for _, w := range batch {
			w.done <- err
		}
	}
}
