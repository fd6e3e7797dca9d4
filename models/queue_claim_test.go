package models_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hearth/hearth/clock"
	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
)

// TestClaimNeverTakesMoreThanLimit: claimers racing on one queue, while
// claimed rows go back to pending (a failed attempt) and new rows arrive,
// each get at most the limit they asked for, and never a row another
// claimer holds. On PostgreSQL the claim was one UPDATE whose
// `id IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)` the executor may run
// more than once in one statement (a rescan of the subquery, or its
// re-check of a row another transaction changed meanwhile), each run free
// to pick other rows: more than n claimed.
func TestClaimNeverTakesMoreThanLimit(t *testing.T) {
	st := modelstest.Open(t)
	ctx := context.Background()
	const (
		claimers = 6
		rounds   = 60
		limit    = 2
	)
	add := func(prefix string, n int) {
		t.Helper()
		rows := make([]*models.InboxActivity, n)
		for i := range rows {
			rows[i] = &models.InboxActivity{ActivityID: fmt.Sprintf("https://peer.test/%s/%d", prefix, i), Body: "{}"}
		}
		if err := st.EnqueueInboxBatch(ctx, rows); err != nil {
			t.Fatal(err)
		}
	}
	add("start", 40)

	var (
		mu      sync.Mutex
		holder  = map[int64]int{} // row id -> claimer holding it
		over    []string
		wg      sync.WaitGroup
		errc    = make(chan error, claimers+1)
		stopped = make(chan struct{})
	)
	for c := range claimers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				rows, err := st.ClaimInbox(ctx, clock.Now(), time.Hour, limit)
				if err != nil {
					errc <- err
					return
				}
				mu.Lock()
				if len(rows) > limit {
					over = append(over, fmt.Sprintf("claimer %d got %d rows, limit %d", c, len(rows), limit))
				}
				for _, r := range rows {
					if h, ok := holder[r.ID]; ok {
						over = append(over, fmt.Sprintf("row %d claimed by %d while %d held it", r.ID, c, h))
					}
					holder[r.ID] = c
				}
				mu.Unlock()
				// Give every row back as a failed attempt: pending again,
				// for the others to race for while they claim.
				for _, r := range rows {
					mu.Lock()
					delete(holder, r.ID)
					mu.Unlock()
					if err := st.FinishInbox(ctx, r.ID, models.QueuePending, "again"); err != nil {
						errc <- err
						return
					}
				}
			}
		}()
	}
	// New rows keep arriving, as from the inbox.
	go func() {
		defer close(stopped)
		for i := 0; ; i++ {
			select {
			case <-errc:
				return
			default:
			}
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
			add(fmt.Sprintf("more%d", i), 1)
		}
	}()
	wg.Wait()
	<-stopped
	select {
	case err := <-errc:
		t.Fatal(err)
	default:
	}
	if len(over) > 0 {
		t.Fatalf("%d over-claims, first: %v", len(over), over[:min(5, len(over))])
	}
}
