package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hearth/hearth/models"
)

// Inbox processing limits.
const (
	inboxLease       = time.Minute
	inboxBatch       = 32
	inboxMaxAttempts = 3
	idlePoll         = time.Second // how often idle workers look for new rows
)

// Run processes the inbox and delivers queued activities until ctx ends,
// then returns once the workers have stopped. Both queues are tables, so
// several processes may run workers on one database, and whatever is
// queued when a process stops is picked up when one starts.
func (f *Federation) Run(ctx context.Context, workers int) {
	var wg sync.WaitGroup
	loop := func(name string, step func(context.Context) (int, error)) {
		defer wg.Done()
		for ctx.Err() == nil {
			n, err := step(ctx)
			if err != nil && ctx.Err() == nil {
				f.log.Error("federation worker", "queue", name, "error", err)
			}
			if n == 0 || err != nil {
				select {
				case <-ctx.Done():
				case <-time.After(idlePoll):
				}
			}
		}
	}
	for range max(1, workers) {
		wg.Add(1)
		go loop("inbox", f.processInbox)
	}
	// Remote media: trim the cache first (its bound may have been
	// lowered since the last run), then copy images as they arrive.
	if _, err := f.svc.EvictRemoteMedia(ctx); err != nil && ctx.Err() == nil {
		f.log.Error("federation worker", "queue", "remote media", "error", err)
	}
	wg.Add(1)
	go loop("remote media", f.fetchRemoteMedia)
	f.limiter.setTotal(max(1, workers) * deliveryParallel)
	wg.Add(2)
	go func() { defer wg.Done(); f.runDeliveries(ctx) }()
	go func() { defer wg.Done(); f.runPending(ctx) }()
	wg.Wait()
}

// runDeliveries is the delivery dispatcher: it claims jobs whenever a slot
// is free, so one slow attempt never holds back a batch (a black-hole peer
// keeps its slot for a request timeout, the others keep moving). It
// returns once ctx is done and the attempts in flight have stopped.
func (f *Federation) runDeliveries(ctx context.Context) {
	var inFlight sync.WaitGroup
	defer inFlight.Wait()
	for ctx.Err() == nil {
		n, err := f.dispatch(ctx, &inFlight)
		if err != nil && ctx.Err() == nil {
			f.log.Error("federation worker", "queue", "deliveries", "error", err)
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
		case <-f.limiter.freed: // a slot freed: jobs may be waiting for it
		case <-time.After(idlePoll):
		}
	}
}

// processInbox claims stored activities and processes each; it returns how
// many it claimed.
func (f *Federation) processInbox(ctx context.Context) (int, error) {
	rows, err := f.store.ClaimInbox(ctx, f.now(), inboxLease, inboxBatch)
	if err != nil {
		return 0, err
	}
	// Successes are marked done together at the end (one write instead
	// of one per row); a crash before that reprocesses them once the lease
	// ends, which processing tolerates (it is idempotent by object id).
	var done []int64
	errs := f.processRows(ctx, rows)
	for i := range rows {
		row, err := &rows[i], errs[i]
		if err == nil {
			done = append(done, row.ID)
			continue
		}
		state := models.QueuePending
		if row.Attempts >= inboxMaxAttempts || errors.Is(err, errIgnore) {
			state = models.QueueFailed
		}
		f.log.Info("inbox: processing failed", "activity", row.ActivityID, "state", state, "error", err)
		if err := f.store.FinishInbox(context.WithoutCancel(ctx), row.ID, state, err.Error()); err != nil {
			return i, err
		}
	}
	if err := f.store.FinishInboxDone(context.WithoutCancel(ctx), done); err != nil {
		return len(rows), err
	}
	return len(rows), nil
}

// errIgnore marks an activity that can never be processed (malformed, or
// about something Hearth does not have); it is not retried.
var errIgnore = errors.New("ignored")

// process applies one stored activity.
func (f *Federation) process(ctx context.Context, row *models.InboxActivity) error {
	act, err := parseActivity([]byte(row.Body))
	if err != nil {
		return fmt.Errorf("%w: %v", errIgnore, err)
	}
	switch act.Type {
	case "Follow":
		return f.onFollow(ctx, act, json.RawMessage(row.Body))
	case "Undo":
		return f.onUndo(ctx, act, row.Signer)
	case "Accept", "Reject":
		return f.onAcceptReject(ctx, act)
	case "Create":
		return f.onCreate(ctx, act, row.Signer)
	case "Update":
		return f.onUpdate(ctx, act, row.Signer)
	case "Delete":
		return f.onDelete(ctx, act, row.Signer)
	case "Flag":
		return f.onFlag(ctx, act, []byte(row.Body), row.Signer)
	case "Like":
		if err := signedByActor(act, row.Signer); err != nil {
			return err
		}
		return f.onLike(ctx, act.Actor, idOf(act.Object), true, act.Raw)
	case "Announce":
		return f.onAnnounce(ctx, act, row.Signer)
	case "Move":
		return f.onMove(ctx, act, []byte(row.Body), row.Signer)
	}
	// Other types (Announce…) arrive with the next slices; they are kept
	// in the table, marked done.
	return nil
}
