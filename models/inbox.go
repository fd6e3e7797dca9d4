package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// InboxActivity is an inbound activity whose signature was verified,
// stored before the 202 and processed later by a worker. ActivityID is
// unique: a peer redelivering an activity (they retry on timeouts) finds
// it stored and it is not processed again.
type InboxActivity struct {
	ID          int64  `gorm:"primaryKey"`
	ActivityID  string `gorm:"size:2048;not null"`
	Signer      string `gorm:"size:2048;not null;default:''"` // ap_id of the verified signer
	Body        string `gorm:"type:text;not null"`
	State       string `gorm:"size:16;not null;default:pending"`
	Attempts    int    `gorm:"not null;default:0"`
	LockedUntil *time.Time
	ClaimedBy   string `gorm:"size:64;not null;default:''"`
	LastError   string `gorm:"size:2000;not null;default:''"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// EnqueueInbox stores a verified activity; inserted is false when one with
// the same activity id was already stored (nothing changes then).
func (s *Store) EnqueueInbox(ctx context.Context, a *InboxActivity) (inserted bool, err error) {
	a.State = QueuePending
	res := s.DB(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(a)
	return res.RowsAffected > 0, res.Error
}

// ClaimInbox claims up to limit pending activities for one worker for lease.
func (s *Store) ClaimInbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]InboxActivity, error) {
	token, err := s.claimRows(ctx, "inbox_activities", "state = 'pending'", nil, now, lease, limit)
	if err != nil {
		return nil, err
	}
	var rows []InboxActivity
	err = s.DB(ctx).Where("claimed_by = ? AND state = ?", token, QueueProcessing).Order("id").Find(&rows).Error
	return rows, err
}

// FinishInbox records the outcome of processing: done, back to pending for
// another try, or failed for good.
func (s *Store) FinishInbox(ctx context.Context, id int64, state, lastError string) error {
	return s.DB(ctx).Model(&InboxActivity{}).Where("id = ?", id).Updates(map[string]any{
		"state": state, "last_error": truncate(lastError, 2000), "locked_until": nil,
	}).Error
}

// InboxByActivityID loads a stored activity, or ErrNotFound.
func (s *Store) InboxByActivityID(ctx context.Context, activityID string) (*InboxActivity, error) {
	var a InboxActivity
	err := s.DB(ctx).Where("activity_id = ?", activityID).First(&a).Error
	return &a, notFound(err)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// EnqueueInboxBatch stores several verified activities in one statement
// (one transaction): the inbox groups concurrent requests so a burst costs
// one commit per batch, not per activity. Rows whose activity id is
// already stored are skipped, as in EnqueueInbox. Row ids are not set.
func (s *Store) EnqueueInboxBatch(ctx context.Context, rows []*InboxActivity) error {
	if len(rows) == 0 {
		return nil
	}
	for _, a := range rows {
		a.State = QueuePending
	}
	if s.Dialect() == "postgres" {
		return s.enqueueInboxArrays(ctx, rows)
	}
	return s.DB(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(rows).Error
}

// enqueueInboxSQL inserts a batch passed as three arrays: the statement
// text is the same whatever the batch size, so each connection prepares
// it once. A multi-row VALUES list is new SQL for every batch size (one
// more round trip to prepare it, and a cache entry per size), and gorm's
// Create adds BEGIN, RETURNING and COMMIT: four round trips per batch
// where this is one, which is what kept inbox requests waiting on
// PostgreSQL (docs/BENCHMARKS.md, PostgreSQL inbox). One statement is
// atomic on its own.
const enqueueInboxSQL = `INSERT INTO inbox_activities
	(activity_id, signer, body, state, attempts, claimed_by, last_error, created_at, updated_at)
	SELECT a, s, b, 'pending', 0, '', '', $4, $4
	FROM unnest($1::text[], $2::text[], $3::text[]) AS r(a, s, b)
	ON CONFLICT (activity_id) DO NOTHING`

func (s *Store) enqueueInboxArrays(ctx context.Context, rows []*InboxActivity) error {
	ids := make([]string, len(rows))
	signers := make([]string, len(rows))
	bodies := make([]string, len(rows))
	for i, a := range rows {
		ids[i], signers[i], bodies[i] = a.ActivityID, a.Signer, a.Body
	}
	now := s.db.NowFunc()
	// Straight to the connection: gorm would expand each slice into a
	// list of parameters; pgx sends a []string as one text[].
	_, err := s.DB(ctx).Statement.ConnPool.ExecContext(ctx, enqueueInboxSQL, ids, signers, bodies, now)
	return err
}
