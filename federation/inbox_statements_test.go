package federation

import (
	"context"
	"os"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"github.com/hearth/hearth/models"
)

// statementCounter counts the statements the store sends (queries and
// writes, hand-scanned ones included: they go through gorm's Raw and Row),
// with callbacks on the store's shared gorm callback chains. BEGIN and
// COMMIT are not counted.
type statementCounter struct {
	n atomic.Int64

	mu  sync.Mutex
	sql []string // with HEARTH_TEST_SQL set: each statement, to print
}

// countStatements registers a counter on the store's callback chains.
func countStatements(t testing.TB, store *models.Store) *statementCounter {
	c := &statementCounter{}
	db := store.DB(context.Background())
	record := func(tx *gorm.DB) {
		c.n.Add(1)
		if os.Getenv("HEARTH_TEST_SQL") != "" {
			s := tx.Dialector.Explain(tx.Statement.SQL.String(), tx.Statement.Vars...)
			c.mu.Lock()
			c.sql = append(c.sql, s)
			c.mu.Unlock()
		}
	}
	const name = "hearth_test:count"
	cb := db.Callback()
	must(t, cb.Create().After("*").Register(name, record))
	must(t, cb.Query().After("*").Register(name, record))
	must(t, cb.Update().After("*").Register(name, record))
	must(t, cb.Delete().After("*").Register(name, record))
	must(t, cb.Row().After("*").Register(name, record))
	must(t, cb.Raw().After("*").Register(name, record))
	t.Cleanup(func() {
		_ = cb.Create().Remove(name)
		_ = cb.Query().Remove(name)
		_ = cb.Update().Remove(name)
		_ = cb.Delete().Remove(name)
		_ = cb.Row().Remove(name)
		_ = cb.Raw().Remove(name)
	})
	return c
}

// Inbox processing on PostgreSQL is bound by round trips
// (docs/BENCHMARKS.md, inbox-pg): this pins how many statements a Like
// and a reply Create cost in steady state (author known, caches warm), so
// a change that reads a row twice again shows here.
func TestInboxStatementsPerActivity(t *testing.T) {
	ib := newInboxBench(t)
	ctx := context.Background()
	// Warm up: each actor's users row exists and each cache is filled, as
	// in a running server.
	ib.processAll(t, "warm", 2*benchActors)
	c := countStatements(t, ib.store)
	for _, tc := range []struct {
		name string
		kind int // 0: Like, 1: Create
		// Half a statement of slack: the block lists' per-process
		// cache reloads (two queries) once a second.
		max float64
	}{
		{"Like", 0, 3.5},
		{"Create", 1, 13.5},
	} {
		const n = 20
		run := "count-" + tc.name
		for i := range n {
			actor, body := ib.activity(run, 2*i+tc.kind)
			act, err := parseActivity(body)
			must(t, err)
			_, err = ib.store.EnqueueInbox(ctx, &models.InboxActivity{ActivityID: act.ID, Signer: ib.actors[actor], Body: string(body)})
			must(t, err)
		}
		rows, err := ib.store.ClaimInbox(ctx, ib.fed.now(), inboxLease, n)
		must(t, err)
		if len(rows) != n {
			t.Fatalf("claimed %d of %d", len(rows), n)
		}
		before := c.n.Load()
		for i := range rows {
			must(t, ib.fed.process(ctx, &rows[i]))
		}
		per := float64(c.n.Load()-before) / n
		c.mu.Lock()
		for _, s := range c.sql[max(0, len(c.sql)-int(c.n.Load()-before)/n):] {
			t.Log(s)
		}
		c.sql = nil
		c.mu.Unlock()
		t.Logf("%s: %.1f statements per activity", tc.name, per)
		if per > tc.max {
			t.Errorf("%s costs %.1f statements per activity, want at most %.1f", tc.name, per, tc.max)
		}
		must(t, ib.store.FinishInboxDone(ctx, ids(rows)))
	}
}

func ids(rows []models.InboxActivity) []int64 {
	out := make([]int64, len(rows))
	for i := range rows {
		out[i] = rows[i].ID
	}
	return out
}

// processAll stores and processes n activities of run.
func (ib *inboxBench) processAll(t testing.TB, run string, n int) {
	ctx := context.Background()
	for i := range n {
		actor, body := ib.activity(run, i)
		act, err := parseActivity(body)
		must(t, err)
		_, err = ib.store.EnqueueInbox(ctx, &models.InboxActivity{ActivityID: act.ID, Signer: ib.actors[actor], Body: string(body)})
		must(t, err)
	}
	for {
		k, err := ib.fed.processInbox(ctx)
		must(t, err)
		if k == 0 {
			break
		}
	}
}

// The joined read of a remote author and its users row returns the row
// as stored, and a row out of date with the actor is refreshed.
func TestRemoteUserJoinedRead(t *testing.T) {
	ib := newInboxBench(t)
	ctx := context.Background()
	ib.processAll(t, "warm", 2)
	a, err := ib.store.RemoteActorByAPID(ctx, ib.actors[1])
	must(t, err)
	want, err := ib.store.UserByRemoteActorID(ctx, a.ID)
	must(t, err)
	got, err := ib.fed.remoteUser(ctx, ib.actors[1])
	must(t, err)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("joined read:\n got %+v\nwant %+v", got, want)
	}
	a.Name = "A new name"
	_, err = ib.store.UpsertRemoteActor(ctx, a)
	must(t, err)
	got, err = ib.fed.remoteUser(ctx, ib.actors[1])
	must(t, err)
	if got.ID != want.ID || got.DisplayName != "A new name" {
		t.Fatalf("after a rename: %+v", got)
	}
	if _, err := ib.fed.remoteUser(ctx, "http://remote.test/users/nobody"); err == nil {
		t.Fatal("an actor that is neither stored nor fetchable gave a user")
	}
}
