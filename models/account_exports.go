package models

import (
	"context"
	"time"
)

// AccountExport is one member's data export (migration 0340): queued,
// claimed by a worker under a lease (claimRows), then ready with the zip in
// Data until ExpiresAt. The zip lives in the database so every process
// behind a load balancer can serve it. TokenHash is the SHA-256 of the
// download link's token.
type AccountExport struct {
	ID          int64  `gorm:"primaryKey"`
	UserID      int64  `gorm:"not null;index"`
	State       string `gorm:"size:16;not null"`
	Attempts    int    `gorm:"not null;default:0"`
	ClaimedBy   string `gorm:"size:32;not null;default:''"`
	LockedUntil *time.Time
	TokenHash   string `gorm:"size:64;not null;default:''"`
	Data        []byte
	Size        int64  `gorm:"not null;default:0"`
	LastError   string `gorm:"size:2000;not null;default:''"`
	ReadyAt     *time.Time
	ExpiresAt   *time.Time
	CreatedAt   time.Time `gorm:"not null"`
	UpdatedAt   time.Time
}

// exportListColumns leaves the zip out of listings.
var exportListColumns = []string{"id", "user_id", "state", "attempts", "claimed_by", "locked_until", "token_hash",
	"size", "last_error", "ready_at", "expires_at", "created_at", "updated_at"}

// CreateAccountExport queues an export.
func (s *Store) CreateAccountExport(ctx context.Context, e *AccountExport) error {
	return s.DB(ctx).Create(e).Error
}

// LatestAccountExport returns the member's newest export without its zip,
// or ErrNotFound.
func (s *Store) LatestAccountExport(ctx context.Context, userID int64) (*AccountExport, error) {
	var rows []AccountExport
	err := s.DB(ctx).Select(exportListColumns).Where("user_id = ?", userID).Order("id DESC").Limit(1).Find(&rows).Error
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, ErrNotFound
	}
	return &rows[0], nil
}

// ClaimAccountExports claims up to limit queued exports (see claimRows):
// one UPDATE, so two processes never build the same export at once.
func (s *Store) ClaimAccountExports(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]AccountExport, error) {
	token, err := s.claimRows(ctx, "account_exports", "state = 'pending'", nil, now, lease, limit)
	if err != nil {
		return nil, err
	}
	var rows []AccountExport
	err = s.DB(ctx).Select(exportListColumns).Where("claimed_by = ? AND state = ?", token, QueueProcessing).Order("id").Find(&rows).Error
	return rows, err
}

// FinishAccountExport stores a built zip, unless the claim was lost
// (another worker claimed the row after the lease ran out); it reports
// whether it stored it.
func (s *Store) FinishAccountExport(ctx context.Context, id int64, claimedBy string, data []byte, tokenHash string, ready, expires time.Time) (bool, error) {
	r := s.DB(ctx).Model(&AccountExport{}).Where("id = ? AND claimed_by = ? AND state = ?", id, claimedBy, QueueProcessing).Updates(map[string]any{
		"state": QueueDone, "data": data, "size": int64(len(data)), "token_hash": tokenHash,
		"ready_at": ready, "expires_at": expires, "locked_until": nil, "updated_at": ready,
	})
	return r.RowsAffected == 1, r.Error
}

// FailAccountExport records an error; the row is claimed again once its
// lease runs out, up to the caller's attempt limit.
func (s *Store) FailAccountExport(ctx context.Context, id int64, claimedBy, state, lastError string, now time.Time) error {
	return s.DB(ctx).Model(&AccountExport{}).Where("id = ? AND claimed_by = ?", id, claimedBy).Updates(map[string]any{
		"state": state, "last_error": truncate(lastError, 2000), "updated_at": now,
	}).Error
}

// AccountExportByTokenHash returns a ready export with its zip, or
// ErrNotFound.
func (s *Store) AccountExportByTokenHash(ctx context.Context, hash string) (*AccountExport, error) {
	var rows []AccountExport
	if err := s.DB(ctx).Where("token_hash = ? AND state = ?", hash, QueueDone).Limit(1).Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, ErrNotFound
	}
	return &rows[0], nil
}

// DeleteExpiredAccountExports removes exports past their expiry (and
// with them the zip) and reports how many.
func (s *Store) DeleteExpiredAccountExports(ctx context.Context, now time.Time) (int64, error) {
	r := s.DB(ctx).Where("expires_at IS NOT NULL AND expires_at <= ?", now).Delete(&AccountExport{})
	return r.RowsAffected, r.Error
}

// ExportPost is one of a member's posts with what an export file needs.
type ExportPost struct {
	Post
	ThreadTitle       string
	ThreadFirstPostID int64
	CategorySlug      string
	AmbassadorsOnly   bool
}

// PostsForExport lists the member's posts that are not deleted, oldest
// first, with their thread's title and whether its category is private.
func (s *Store) PostsForExport(ctx context.Context, userID int64) ([]ExportPost, error) {
	var rows []ExportPost
	err := s.DB(ctx).Table("posts").
		Select("posts.*, threads.title AS thread_title, threads.first_post_id AS thread_first_post_id, categories.slug AS category_slug, categories.ambassadors_only AS ambassadors_only").
		Joins("JOIN threads ON threads.id = posts.thread_id").
		Joins("JOIN categories ON categories.id = threads.category_id").
		Where("posts.user_id = ? AND posts.deleted_at IS NULL", userID).
		Order("posts.id").Find(&rows).Error
	return rows, err
}

// BookmarkedThread is a bookmark with its thread's title.
type BookmarkedThread struct {
	ThreadID  int64
	Title     string
	CreatedAt time.Time
}

// BookmarksForExport lists the member's bookmarks, oldest first.
func (s *Store) BookmarksForExport(ctx context.Context, userID int64) ([]BookmarkedThread, error) {
	var rows []BookmarkedThread
	err := s.DB(ctx).Table("bookmarks").Select("bookmarks.thread_id, threads.title, bookmarks.created_at").
		Joins("JOIN threads ON threads.id = bookmarks.thread_id").
		Where("bookmarks.user_id = ?", userID).Order("bookmarks.created_at, bookmarks.thread_id").Find(&rows).Error
	return rows, err
}

// NotificationLevelsForExport lists the levels the member chose
// themselves (not the ones Hearth set on its own), oldest first.
func (s *Store) NotificationLevelsForExport(ctx context.Context, userID int64) ([]NotificationLevel, error) {
	var rows []NotificationLevel
	err := s.DB(ctx).Where("user_id = ? AND auto = ?", userID, false).Order("id").Find(&rows).Error
	return rows, err
}
