package federation

import (
	"context"
	"sync"

	"github.com/hearth/hearth/models"
)

// inboxParallelPG is how many activities of one claimed batch a worker
// processes at once on PostgreSQL. Processing an activity is a few dozen
// short queries, each a round trip to the server: one at a time, a worker
// spent most of its time waiting for answers (368 activities/s with two
// workers against 500 wanted; docs/BENCHMARKS.md, PostgreSQL inbox). On
// SQLite writes take turns on one lock and queries cost no round trip, so
// a worker there keeps processing one at a time.
const inboxParallelPG = 4

// processRows applies each claimed row and returns its outcome by index.
// Rows signed by the same actor are applied one after another in claim
// order (a Create before the Update or Delete of the same object, a Like
// before its Undo); different actors' rows may run at the same time, as
// they already may in two workers.
func (f *Federation) processRows(ctx context.Context, rows []models.InboxActivity) []error {
	errs := make([]error, len(rows))
	parallel := 1
	if f.store.Dialect() == "postgres" {
		parallel = inboxParallelPG
	}
	if parallel == 1 || len(rows) < 2 {
		for i := range rows {
			errs[i] = f.process(ctx, &rows[i])
		}
		return errs
	}
	var groups [][]int
	bySigner := map[string]int{}
	for i := range rows {
		g, ok := bySigner[rows[i].Signer]
		if !ok {
			g = len(groups)
			bySigner[rows[i].Signer] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	next := make(chan []int)
	var wg sync.WaitGroup
	for range min(parallel, len(groups)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for g := range next {
				for _, i := range g {
					errs[i] = f.process(ctx, &rows[i])
				}
			}
		}()
	}
	for _, g := range groups {
		next <- g
	}
	close(next)
	wg.Wait()
	return errs
}
