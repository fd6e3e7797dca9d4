package models

import (
	"context"
	"time"
)

// EmailVerification is one single-use link that verifies Email for a
// member (migration 0301). Only the SHA-256 of its token is kept.
type EmailVerification struct {
	ID        int64     `gorm:"primaryKey"`
	UserID    int64     `gorm:"not null;index:idx_email_verifications_user,priority:1"`
	Email     string    `gorm:"size:254;not null"`
	TokenHash string    `gorm:"size:64;not null;uniqueIndex"`
	CreatedAt time.Time `gorm:"not null;index:idx_email_verifications_user,priority:2"`
	ExpiresAt time.Time `gorm:"not null"`
	UsedAt    *time.Time
}

// CreateEmailVerification stores a link.
func (s *Store) CreateEmailVerification(ctx context.Context, v *EmailVerification) error {
	return s.DB(ctx).Create(v).Error
}

// EmailVerificationByHash returns the link with this token hash.
func (s *Store) EmailVerificationByHash(ctx context.Context, hash string) (*EmailVerification, error) {
	var v EmailVerification
	err := s.DB(ctx).Where("token_hash = ?", hash).First(&v).Error
	return &v, notFound(err)
}

// UseEmailVerification marks one link used; false when it already was.
func (s *Store) UseEmailVerification(ctx context.Context, id int64, now time.Time) (bool, error) {
	res := s.DB(ctx).Model(&EmailVerification{}).Where("id = ? AND used_at IS NULL", id).Update("used_at", now)
	return res.RowsAffected == 1, res.Error
}

// RetireEmailVerifications marks every unused link of a member used.
func (s *Store) RetireEmailVerifications(ctx context.Context, userID int64, now time.Time) error {
	return s.DB(ctx).Model(&EmailVerification{}).Where("user_id = ? AND used_at IS NULL", userID).Update("used_at", now).Error
}

// CountEmailVerifications counts the links made for a member since a time
// (the resend limit).
func (s *Store) CountEmailVerifications(ctx context.Context, userID int64, since time.Time) (int64, error) {
	var n int64
	err := s.DB(ctx).Model(&EmailVerification{}).Where("user_id = ? AND created_at > ?", userID, since).Count(&n).Error
	return n, err
}

// PruneEmailVerifications drops links that expired before a time.
func (s *Store) PruneEmailVerifications(ctx context.Context, before time.Time) error {
	return s.DB(ctx).Where("expires_at < ?", before).Delete(&EmailVerification{}).Error
}
