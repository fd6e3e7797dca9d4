package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// PendingReply is a reply from the fediverse whose parent could not be
// fetched yet (its server was down or slow), kept until the parent is
// fetched or delivered, or until ExpiresAt (migration 0450). Note is the
// Note's JSON as its author's signed Create carried it; Actor is that
// verified author. WaitingFor is the id of the ancestor that could not be
// fetched: a post stored later under that ap_id makes the row due at once.
// Rows are claimed like the inbox (claimRows), so several processes can
// retry them.
type PendingReply struct {
	ID            int64  `gorm:"primaryKey"`
	NoteID        string `gorm:"size:2048;not null;uniqueIndex"`
	Actor         string `gorm:"size:2048;not null"`
	Host          string `gorm:"size:255;not null;index"`
	WaitingFor    string `gorm:"size:2048;not null;index"`
	Note          string `gorm:"type:text;not null"`
	State         string `gorm:"size:16;not null;default:pending"`
	Attempts      int    `gorm:"not null;default:0"`
	ClaimedBy     string `gorm:"size:64;not null;default:''"`
	LockedUntil   *time.Time
	NextAttemptAt time.Time `gorm:"not null;index"`
	ExpiresAt     time.Time `gorm:"not null"`
	LastError     string    `gorm:"size:2000;not null;default:''"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// CountPendingReplies counts the pending replies from host and in all, in
// one statement, to keep the table bounded.
func (s *Store) CountPendingReplies(ctx context.Context, host string) (fromHost, total int64, err error) {
	err = s.DB(ctx).Raw(`SELECT COALESCE(SUM(CASE WHEN host = ? THEN 1 ELSE 0 END), 0), COUNT(*) FROM pending_replies`, host).
		Row().Scan(&fromHost, &total)
	return fromHost, total, err
}

// AddPendingReply stores a pending reply; inserted is false when the same
// Note is already pending (a redelivered Create).
func (s *Store) AddPendingReply(ctx context.Context, r *PendingReply) (inserted bool, err error) {
	r.State = QueuePending
	res := s.DB(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(r)
	return res.RowsAffected > 0, res.Error
}

// pendingDue is what makes a pending reply due: its retry time came, or
// the post it waits for has been stored since (delivered or fetched).
const pendingDue = "state = 'pending' AND (next_attempt_at <= ? OR EXISTS (SELECT 1 FROM posts WHERE posts.ap_id = pending_replies.waiting_for))"

// ClaimPendingReplies claims up to limit due pending replies for one
// worker for lease (see claimRows).
func (s *Store) ClaimPendingReplies(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]PendingReply, error) {
	token, err := s.claimRows(ctx, "pending_replies", pendingDue, []any{now}, now, lease, limit)
	if err != nil {
		return nil, err
	}
	var rows []PendingReply
	err = s.DB(ctx).Where("claimed_by = ? AND state = ?", token, QueueProcessing).Order("id").Find(&rows).Error
	return rows, err
}

// RetryPendingReply puts a claimed reply back to wait for waitingFor until
// next; the claim token guards against a worker whose lease expired.
func (s *Store) RetryPendingReply(ctx context.Context, r *PendingReply, waitingFor string, next time.Time, lastError string) error {
	return s.DB(ctx).Model(&PendingReply{}).Where("id = ? AND claimed_by = ?", r.ID, r.ClaimedBy).Updates(map[string]any{
		"state": QueuePending, "waiting_for": waitingFor, "next_attempt_at": next, "locked_until": nil,
		"last_error": truncate(lastError, 2000),
	}).Error
}

// DeletePendingReply removes a reply that was threaded or given up.
func (s *Store) DeletePendingReply(ctx context.Context, id int64) error {
	return s.DB(ctx).Where("id = ?", id).Delete(&PendingReply{}).Error
}

// ExpiredPendingReplies lists up to limit pending replies past their
// expiry, for the worker to log and delete.
func (s *Store) ExpiredPendingReplies(ctx context.Context, now time.Time, limit int) ([]PendingReply, error) {
	var rows []PendingReply
	err := s.DB(ctx).Select("id", "note_id", "host", "waiting_for", "attempts").
		Where("state = ? AND expires_at < ?", QueuePending, now).Order("id").Limit(limit).Find(&rows).Error
	return rows, err
}

// PendingReplies lists every pending reply (tests and operators' checks).
func (s *Store) PendingReplies(ctx context.Context) ([]PendingReply, error) {
	var rows []PendingReply
	err := s.DB(ctx).Order("id").Find(&rows).Error
	return rows, err
}
