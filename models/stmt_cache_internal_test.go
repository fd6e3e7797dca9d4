package models

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"gorm.io/gorm"
)

// TestStmtPoolCaches: the SQLite pool keeps one prepared statement per
// query run outside a transaction and reuses it; a transaction that misses
// runs its query at once and has it prepared for later; savepoint commands
// (a new name each time) are never kept; past the bound, queries still
// run, unprepared.
func TestStmtPoolCaches(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "hearth.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pool, ok := st.db.ConnPool.(*stmtPool)
	if !ok {
		t.Fatalf("SQLite store runs on %T, want *stmtPool", st.db.ConnPool)
	}
	count := func(q string) int64 {
		t.Helper()
		var n int64
		if err := st.DB(ctx).Raw(q).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}

	const outside = "SELECT 1 + 1"
	if count(outside) != 2 {
		t.Fatal("wrong answer")
	}
	first := pool.cached(outside)
	if first == nil {
		t.Fatal("a query outside a transaction was not kept prepared")
	}
	count(outside)
	if pool.cached(outside) != first {
		t.Fatal("the second run prepared the query again")
	}

	const inside = "SELECT 2 + 2"
	err = st.WithTx(ctx, func(ctx context.Context) error {
		var n int64
		if err := st.DB(ctx).Raw(inside).Scan(&n).Error; err != nil || n != 4 {
			t.Fatalf("in a transaction: %d, %v", n, err)
		}
		// Nested gorm transactions use savepoints.
		return st.DB(ctx).Transaction(func(tx *gorm.DB) error { return tx.Exec("SELECT 3").Error })
	})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for pool.cached(inside) == nil || pool.pending() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("a query a transaction missed was never prepared for later")
		}
		time.Sleep(time.Millisecond)
	}
	pool.mu.Lock()
	for q := range pool.stmts {
		if !cacheable(q) {
			t.Errorf("kept a savepoint command: %q", q)
		}
	}
	kept := len(pool.stmts)
	pool.max = kept // full from now on
	pool.mu.Unlock()

	if count("SELECT 5 + 5") != 10 {
		t.Fatal("a query past the bound did not run")
	}
	if pool.cached("SELECT 5 + 5") != nil {
		t.Fatal("the cache grew past its bound")
	}
}
