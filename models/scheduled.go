package models

import (
	"context"
	"time"
)

// ScheduledThread is a thread staff wrote to be published later
// (migration 0110). Until the publisher worker creates the real thread it
// exists only here: invisible and unfederated. BannerUntil, when set,
// shows the published thread as a banner on every page until then.
type ScheduledThread struct {
	ID          int64 `gorm:"primaryKey"`
	UserID      int64
	CategoryID  int64
	Title       string
	Body        string
	Tags        string // comma-separated
	PublishAt   time.Time
	BannerUntil *time.Time
	State       string // QueuePending → QueueProcessing → QueueDone or QueueFailed
	ClaimedBy   string
	LockedUntil *time.Time
	Attempts    int
	LastError   string
	ThreadID    *int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// CreateScheduledThread inserts st.
func (s *Store) CreateScheduledThread(ctx context.Context, st *ScheduledThread) error {
	return s.DB(ctx).Create(st).Error
}

// ScheduledThreadByID finds one, or ErrNotFound.
func (s *Store) ScheduledThreadByID(ctx context.Context, id int64) (*ScheduledThread, error) {
	var st ScheduledThread
	if err := s.DB(ctx).Where("id = ?", id).Take(&st).Error; err != nil {
		return nil, notFound(err)
	}
	return &st, nil
}

// ScheduledThreads lists the most recent scheduled threads, pending first
// then by publish time.
func (s *Store) ScheduledThreads(ctx context.Context, limit int) ([]ScheduledThread, error) {
	var out []ScheduledThread
	err := s.DB(ctx).Order("CASE WHEN state = 'pending' THEN 0 ELSE 1 END, publish_at DESC, id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// ClaimDueScheduledThreads claims up to limit threads whose publish time
// has come and returns them; see claimRows for why this is safe with
// several processes.
func (s *Store) ClaimDueScheduledThreads(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]ScheduledThread, error) {
	token, err := s.claimRows(ctx, "scheduled_threads", "state = 'pending' AND publish_at <= ?", []any{now}, now, lease, limit)
	if err != nil {
		return nil, err
	}
	var out []ScheduledThread
	err = s.DB(ctx).Where("claimed_by = ? AND state = 'processing'", token).Order("publish_at, id").Find(&out).Error
	return out, err
}

// FinishScheduledThread records the outcome of publishing st: done with
// its thread, or failed with the reason.
func (s *Store) FinishScheduledThread(ctx context.Context, id int64, claimedBy, state string, threadID *int64, lastError string, now time.Time) error {
	return s.DB(ctx).Exec(`UPDATE scheduled_threads SET state = ?, thread_id = ?, last_error = ?, locked_until = NULL, updated_at = ?
		WHERE id = ? AND claimed_by = ?`, state, threadID, lastError, now, id, claimedBy).Error
}

// UpdateScheduledThread changes fields of a scheduled thread still in the
// given state; it reports whether a row changed.
func (s *Store) UpdateScheduledThread(ctx context.Context, id int64, state string, fields map[string]any) (bool, error) {
	res := s.DB(ctx).Model(&ScheduledThread{}).Where("id = ? AND state = ?", id, state).Updates(fields)
	return res.RowsAffected == 1, res.Error
}

// BannerThread is the announcement shown as the site banner.
type BannerThread struct {
	ThreadID    int64
	Title, Slug string
	Until       time.Time
}

// ActiveBanner returns the newest published announcement whose banner runs
// past now, or nil.
func (s *Store) ActiveBanner(ctx context.Context, now time.Time) (*BannerThread, error) {
	var out []BannerThread
	err := s.DB(ctx).Raw(`SELECT t.id AS thread_id, t.title, t.slug, st.banner_until AS until FROM scheduled_threads st
		JOIN threads t ON t.id = st.thread_id
		WHERE st.state = 'done' AND st.banner_until > ? AND t.deleted_at IS NULL
		ORDER BY st.publish_at DESC, st.id DESC LIMIT 1`, now).Scan(&out).Error
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return &out[0], nil
}
