package models

import (
	"context"
	"time"
)

// BackfillRequest asks the federation workers to fetch a thread's missed
// fediverse replies (migration 0451). At most one per thread waits at a
// time; done rows stay as a record of what was imported.
type BackfillRequest struct {
	ID          int64  `gorm:"primaryKey"`
	ThreadID    int64  `gorm:"not null;index"`
	RequestedBy *int64 // the moderator who asked; nil when Hearth queued it
	State       string `gorm:"size:16;not null;default:pending"`
	Attempts    int    `gorm:"not null;default:0"`
	ClaimedBy   string `gorm:"size:64;not null;default:''"`
	LockedUntil *time.Time
	Imported    int    `gorm:"not null;default:0"`
	LastError   string `gorm:"size:2000;not null;default:''"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// QueueBackfill asks for a thread's backfill unless one is already
// waiting or running; queued is false then. One statement, so two
// requests at once queue one.
func (s *Store) QueueBackfill(ctx context.Context, threadID int64, requestedBy *int64, now time.Time) (queued bool, err error) {
	res := s.DB(ctx).Exec(`INSERT INTO backfill_requests (thread_id, requested_by, state, attempts, claimed_by, imported, last_error, created_at, updated_at)
		SELECT ?, ?, 'pending', 0, '', 0, '', ?, ?
		WHERE NOT EXISTS (SELECT 1 FROM backfill_requests WHERE thread_id = ? AND state IN ('pending', 'processing'))`,
		threadID, requestedBy, now, now, threadID)
	return res.RowsAffected > 0, res.Error
}

// ClaimBackfills claims up to limit queued backfills (see claimRows).
func (s *Store) ClaimBackfills(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]BackfillRequest, error) {
	token, err := s.claimRows(ctx, "backfill_requests", "state = 'pending'", nil, now, lease, limit)
	if err != nil {
		return nil, err
	}
	var rows []BackfillRequest
	err = s.DB(ctx).Where("claimed_by = ? AND state = ?", token, QueueProcessing).Order("id").Find(&rows).Error
	return rows, err
}

// FinishBackfill records a claimed backfill's outcome; a claim that has
// expired since (another worker took the row) records nothing.
func (s *Store) FinishBackfill(ctx context.Context, r *BackfillRequest, state string, imported int, lastError string) error {
	return s.DB(ctx).Model(&BackfillRequest{}).Where("id = ? AND claimed_by = ?", r.ID, r.ClaimedBy).Updates(map[string]any{
		"state": state, "imported": imported, "last_error": truncate(lastError, 2000), "locked_until": nil,
	}).Error
}

// BackfillRequests lists a thread's backfills, oldest first.
func (s *Store) BackfillRequests(ctx context.Context, threadID int64) ([]BackfillRequest, error) {
	var rows []BackfillRequest
	err := s.DB(ctx).Where("thread_id = ?", threadID).Order("id").Find(&rows).Error
	return rows, err
}
