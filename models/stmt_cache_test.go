package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/hearth/hearth/models/modelstest"
)

// TestTransactionsNeverWaitForAStatementBeingPrepared is go-gorm/gorm#7465,
// the start-up stall of `hearth serve` (TestDeliverySurvivesKill's first
// API call timed out): the pool's connections belong to a transaction, a
// query outside any transaction starts preparing a new statement and waits
// for a connection, then the transaction runs that same query. gorm's
// PrepareStmt made the transaction wait for the preparation, which waited
// for the transaction's connection: a deadlock nothing ended (on SQLite a
// pool of 4 got out of it only when the other connections, queued behind
// the transaction's write lock, gave up after busy_timeout). One
// connection is the whole pool here: SQLite runs one write transaction at
// a time, so a second could not be holding one.
func TestTransactionsNeverWaitForAStatementBeingPrepared(t *testing.T) {
	st := modelstest.Open(t)
	const conns = 1
	if err := st.SetMaxConns(conns); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	query := "SELECT count(*) FROM users WHERE id > ?" // run by nothing else on this store

	holding := make(chan struct{}, conns)
	release := make(chan struct{})
	done := make(chan error, conns+1)
	for range conns {
		go func() {
			done <- st.WithTx(ctx, func(ctx context.Context) error {
				var n int64
				if err := st.DB(ctx).Raw("SELECT 1").Scan(&n).Error; err != nil {
					return err
				}
				holding <- struct{}{}
				<-release
				return st.DB(ctx).Raw(query, 0).Scan(&n).Error
			})
		}()
	}
	for range conns {
		select {
		case <-holding:
		case err := <-done:
			t.Fatalf("a transaction ended early: %v", err)
		case <-time.After(30 * time.Second):
			t.Fatal("the transactions did not start within 30 s")
		}
	}
	if got := st.PoolStats().InUse; got != conns {
		t.Fatalf("%d connections in use, want the transactions to hold all %d", got, conns)
	}
	waits := st.PoolStats().WaitCount
	go func() {
		var n int64
		done <- st.DB(ctx).Raw(query, 0).Scan(&n).Error
	}()
	// The outside query is waiting for a connection once the pool counts
	// one more wait; only then do the transactions run the query.
	deadline := time.Now().Add(30 * time.Second)
	for st.PoolStats().WaitCount == waits {
		if time.Now().After(deadline) {
			t.Fatal("the outside query never waited for a connection; the test proves nothing")
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	stuck := time.After(30 * time.Second)
	for range conns + 1 {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-stuck:
			t.Fatalf("deadlock: transactions and the outside query still waiting after 30 s (pool %+v)", st.PoolStats())
		}
	}
}
