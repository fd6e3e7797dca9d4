package models_test

import (
	"context"
	"sync"
	"testing"

	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
)

// TestConcurrentMigrate: several processes started together on one empty
// database (a rolling deploy, or three replicas) each run the migrations;
// all of them succeed and every migration is applied once. On PostgreSQL
// an advisory lock makes the later ones wait and then find nothing to do.
func TestConcurrentMigrate(t *testing.T) {
	dsn := modelstest.DSN(t)
	const procs = 3
	stores := make([]*models.Store, procs)
	for i := range stores {
		s, err := models.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		stores[i] = s
	}
	errs := make([]error, procs)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range stores {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			errs[i] = stores[i].Migrate()
		}()
	}
	start.Done()
	done.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("process %d: %v", i, err)
		}
	}
	var applied, distinct int64
	if err := stores[0].DB(context.Background()).Raw(`SELECT COUNT(*), COUNT(DISTINCT id) FROM schema_migrations`).Row().Scan(&applied, &distinct); err != nil {
		t.Fatal(err)
	}
	if applied == 0 || applied != distinct {
		t.Fatalf("schema_migrations: %d rows, %d distinct", applied, distinct)
	}
}
