package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"
)

// Queue states shared by the inbox and delivery tables.
const (
	QueuePending    = "pending"    // waiting for a worker (deliveries: from next_attempt_at)
	QueueProcessing = "processing" // claimed until locked_until; reclaimed after it
	QueueDone       = "done"
	QueueFailed     = "failed" // given up: dead
)

// claimRows marks up to limit due rows of table as claimed by a fresh
// token until now+lease and returns the token. The claim is one
// statement, so it is safe between processes: on PostgreSQL the rows are
// picked and locked once, skipping rows another claimer holds; on SQLite
// the statement runs under the database's one write lock. A worker that dies leaves its rows to be reclaimed once the
// lease ends (at-least-once).
func (s *Store) claimRows(ctx context.Context, table, due string, dueArgs []any, now time.Time, lease time.Duration, limit int) (string, error) {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	avail := "((" + due + ") OR (state = 'processing' AND locked_until < ?))"
	set := "UPDATE " + table + " SET state = 'processing', claimed_by = ?, locked_until = ?, attempts = attempts + 1, updated_at = ?"
	var sql string
	var args []any
	if s.Dialect() == "postgres" {
		// The rows are picked once, in a materialized CTE, and the UPDATE
		// joins them. As `WHERE id IN (SELECT ... LIMIT n FOR UPDATE SKIP
		// LOCKED)` the planner ran the subquery again for each row it
		// updated, and each run skipped the rows this statement had
		// already updated and took the next n: one claim of limit 2 took
		// all 40 pending rows (TestClaimNeverTakesMoreThanLimit). The
		// CTE's rows are locked until commit, so no other claimer can
		// change them between the pick and the update. Oban fetches jobs
		// in the same shape (oban-py, oban/queries/fetch_jobs.sql: WITH
		// locked_jobs AS (SELECT ... FOR UPDATE SKIP LOCKED) UPDATE ...
		// FROM locked_jobs).
		sql = "WITH picked AS MATERIALIZED (SELECT id FROM " + table + " WHERE " + avail +
			" ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED) " + set +
			" FROM picked WHERE " + table + ".id = picked.id"
		args = append(append(args, dueArgs...), now, limit, token, now.Add(lease), now)
	} else {
		// SQLite runs the statement under its one write lock and
		// evaluates the uncorrelated IN list once.
		sql = set + " WHERE id IN (SELECT id FROM " + table + " WHERE " + avail + " ORDER BY id LIMIT ?) AND " + avail
		args = append(append([]any{token, now.Add(lease), now}, dueArgs...), now, limit)
		args = append(append(args, dueArgs...), now)
	}
	return token, s.DB(ctx).Exec(sql, args...).Error
}
