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
// token until now+lease and returns the token. The claim is one UPDATE,
// so it is safe between processes: on PostgreSQL the subquery skips rows
// another claimer holds locked and the outer WHERE re-checks the state
// after any wait; on SQLite the statement runs under the database's one
// write lock. A worker that dies leaves its rows to be reclaimed once the
// lease ends (at-least-once).
func (s *Store) claimRows(ctx context.Context, table, due string, dueArgs []any, now time.Time, lease time.Duration, limit int) (string, error) {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	lock := ""
	if s.Dialect() == "postgres" {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	avail := "((" + due + ") OR (state = 'processing' AND locked_until < ?))"
	sql := "UPDATE " + table + " SET state = 'processing', claimed_by = ?, locked_until = ?, attempts = attempts + 1, updated_at = ?" +
		" WHERE id IN (SELECT id FROM " + table + " WHERE " + avail + " ORDER BY id LIMIT ?" + lock + ") AND " + avail
	args := []any{token, now.Add(lease), now}
	args = append(args, dueArgs...)
	args = append(args, now, limit)
	args = append(args, dueArgs...)
	args = append(args, now)
	return token, s.DB(ctx).Exec(sql, args...).Error
}
