package models

import (
	"context"
	"time"
)

// PasswordReset is one single-use link to set a new password (migration
// 0300). Only the SHA-256 of the link's token is kept.
type PasswordReset struct {
	ID        int64     `gorm:"primaryKey"`
	UserID    int64     `gorm:"not null;index:idx_password_resets_user"`
	TokenHash string    `gorm:"size:64;not null;uniqueIndex"`
	CreatedAt time.Time `gorm:"not null"`
	ExpiresAt time.Time `gorm:"not null"`
	UsedAt    *time.Time
}

// PasswordResetRequest records one request for a reset link under a
// hashed key (a client address or an account), for the rate limits.
type PasswordResetRequest struct {
	ID        int64     `gorm:"primaryKey"`
	KeyHash   string    `gorm:"size:64;not null;index:idx_password_reset_requests_key,priority:1"`
	CreatedAt time.Time `gorm:"not null;index:idx_password_reset_requests_key,priority:2"`
}

// CreatePasswordReset stores a reset link.
func (s *Store) CreatePasswordReset(ctx context.Context, r *PasswordReset) error {
	return s.DB(ctx).Create(r).Error
}

// PasswordResetByHash returns the reset link with this token hash, used or
// not, expired or not: the caller says which it is.
func (s *Store) PasswordResetByHash(ctx context.Context, hash string) (*PasswordReset, error) {
	var r PasswordReset
	err := s.DB(ctx).Where("token_hash = ?", hash).First(&r).Error
	return &r, notFound(err)
}

// UsePasswordReset marks one link used; it reports false when it was
// used already (a second request racing the first).
func (s *Store) UsePasswordReset(ctx context.Context, id int64, now time.Time) (bool, error) {
	res := s.DB(ctx).Model(&PasswordReset{}).Where("id = ? AND used_at IS NULL", id).Update("used_at", now)
	return res.RowsAffected == 1, res.Error
}

// RetirePasswordResets marks every unused link of a member used: a newer
// link, or a password set another way, makes them worthless.
func (s *Store) RetirePasswordResets(ctx context.Context, userID int64, now time.Time) error {
	return s.DB(ctx).Model(&PasswordReset{}).Where("user_id = ? AND used_at IS NULL", userID).Update("used_at", now).Error
}

// RecordPasswordResetRequest counts one request under each key.
func (s *Store) RecordPasswordResetRequest(ctx context.Context, keys []string, now time.Time) error {
	rows := make([]PasswordResetRequest, len(keys))
	for i, k := range keys {
		rows[i] = PasswordResetRequest{KeyHash: k, CreatedAt: now}
	}
	return s.DB(ctx).Create(&rows).Error
}

// CountPasswordResetRequests counts requests under key since a time.
func (s *Store) CountPasswordResetRequests(ctx context.Context, key string, since time.Time) (int64, error) {
	var n int64
	err := s.DB(ctx).Model(&PasswordResetRequest{}).Where("key_hash = ? AND created_at > ?", key, since).Count(&n).Error
	return n, err
}

// PrunePasswordResets drops requests older than before and links that
// expired before it.
func (s *Store) PrunePasswordResets(ctx context.Context, before time.Time) error {
	if err := s.DB(ctx).Where("created_at < ?", before).Delete(&PasswordResetRequest{}).Error; err != nil {
		return err
	}
	return s.DB(ctx).Where("expires_at < ?", before).Delete(&PasswordReset{}).Error
}
