package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// TwoFactor is a member's TOTP second factor (migration 0310). Secret is
// the shared key once enrolment is confirmed (EnabledAt set); Pending is
// the key shown while the member is enrolling, kept so that reloading the
// page does not invalidate a QR code already scanned. LastStep is the
// last TOTP time step accepted, so a code cannot be used twice. The key
// must be readable to check codes, so it is stored as is: the database
// is as sensitive as the TOTP app.
type TwoFactor struct {
	UserID    int64  `gorm:"primaryKey;autoIncrement:false"`
	Secret    string `gorm:"size:64;not null;default:''"`
	Pending   string `gorm:"size:64;not null;default:''"`
	EnabledAt *time.Time
	LastStep  int64 `gorm:"not null;default:0"`
	UpdatedAt time.Time
}

// RecoveryCode is one single-use recovery code, stored as a SHA-256 hash.
type RecoveryCode struct {
	ID        int64  `gorm:"primaryKey"`
	UserID    int64  `gorm:"not null;index"`
	Hash      string `gorm:"size:64;not null"`
	CreatedAt time.Time
}

// PendingLogin is a login whose password was right, waiting for its
// second factor. ID is the SHA-256 of the token in the browser's cookie;
// it grants nothing but the right to send a code until ExpiresAt.
type PendingLogin struct {
	ID        string `gorm:"primaryKey;size:64"`
	UserID    int64  `gorm:"not null;index"`
	CreatedAt time.Time
	ExpiresAt time.Time `gorm:"not null;index"`
}

// TwoFactorFor loads a member's second factor row (ErrNotFound for none).
func (s *Store) TwoFactorFor(ctx context.Context, userID int64) (*TwoFactor, error) {
	var f TwoFactor
	if err := s.DB(ctx).Where("user_id = ?", userID).First(&f).Error; err != nil {
		return nil, notFound(err)
	}
	return &f, nil
}

// KeepTwoFactorPending stores candidate as the key shown to an enrolling
// member unless one is pending already, and returns the pending key. Two
// first visits at once (two tabs, a HEAD beside a GET) must agree on one
// key, so the row is created with ON CONFLICT DO NOTHING and the key set
// only where none is pending, never read-then-written.
func (s *Store) KeepTwoFactorPending(ctx context.Context, userID int64, candidate string, now time.Time) (string, error) {
	f := TwoFactor{UserID: userID, Pending: candidate, UpdatedAt: now}
	if err := s.DB(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&f).Error; err != nil {
		return "", err
	}
	if err := s.DB(ctx).Model(&TwoFactor{}).Where("user_id = ? AND pending = ''", userID).
		Updates(map[string]any{"pending": candidate, "updated_at": now}).Error; err != nil {
		return "", err
	}
	var pending string
	err := s.DB(ctx).Model(&TwoFactor{}).Where("user_id = ?", userID).Pluck("pending", &pending).Error
	return pending, err
}

// EnableTwoFactor turns the pending key into the member's factor and
// marks the member (users.two_factor), in the caller's transaction.
func (s *Store) EnableTwoFactor(ctx context.Context, userID int64, secret string, step int64, now time.Time) error {
	err := s.DB(ctx).Model(&TwoFactor{}).Where("user_id = ?", userID).Updates(map[string]any{
		"secret": secret, "pending": "", "enabled_at": now, "last_step": step, "updated_at": now,
	}).Error
	if err != nil {
		return err
	}
	return s.DB(ctx).Model(&User{}).Where("id = ?", userID).Update("two_factor", true).Error
}

// ClaimTwoFactorStep records step as the last one used, only if it is
// later than the last one: false means the code was already used (by
// this request's twin in another process too).
func (s *Store) ClaimTwoFactorStep(ctx context.Context, userID, step int64) (bool, error) {
	r := s.DB(ctx).Model(&TwoFactor{}).Where("user_id = ? AND last_step < ? AND enabled_at IS NOT NULL", userID, step).
		Update("last_step", step)
	return r.RowsAffected == 1, r.Error
}

// DeleteTwoFactor turns a member's second factor off: the key, the
// recovery codes and pending logins; the users.two_factor mark stays
// only while the member has a passkey.
func (s *Store) DeleteTwoFactor(ctx context.Context, userID int64) error {
	db := s.DB(ctx)
	for _, m := range []any{&TwoFactor{}, &RecoveryCode{}, &PendingLogin{}} {
		if err := db.Where("user_id = ?", userID).Delete(m).Error; err != nil {
			return err
		}
	}
	return s.RefreshTwoFactorMark(ctx, userID)
}

// ReplaceRecoveryCodes drops a member's recovery codes and stores these
// hashes instead.
func (s *Store) ReplaceRecoveryCodes(ctx context.Context, userID int64, hashes []string, now time.Time) error {
	if err := s.DB(ctx).Where("user_id = ?", userID).Delete(&RecoveryCode{}).Error; err != nil {
		return err
	}
	rows := make([]RecoveryCode, len(hashes))
	for i, h := range hashes {
		rows[i] = RecoveryCode{UserID: userID, Hash: h, CreatedAt: now}
	}
	return s.DB(ctx).Create(&rows).Error
}

// UseRecoveryCode deletes the member's code with this hash; false when
// there is none (wrong, or used already).
func (s *Store) UseRecoveryCode(ctx context.Context, userID int64, hash string) (bool, error) {
	r := s.DB(ctx).Where("user_id = ? AND hash = ?", userID, hash).Delete(&RecoveryCode{})
	return r.RowsAffected > 0, r.Error
}

// CountRecoveryCodes counts a member's unused recovery codes.
func (s *Store) CountRecoveryCodes(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.DB(ctx).Model(&RecoveryCode{}).Where("user_id = ?", userID).Count(&n).Error
	return n, err
}

// CreatePendingLogin stores a pending login.
func (s *Store) CreatePendingLogin(ctx context.Context, p *PendingLogin) error {
	return s.DB(ctx).Create(p).Error
}

// PendingLoginByID returns a live pending login.
func (s *Store) PendingLoginByID(ctx context.Context, id string, now time.Time) (*PendingLogin, error) {
	var p PendingLogin
	if err := s.DB(ctx).Where("id = ? AND expires_at > ?", id, now).First(&p).Error; err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}

// DeletePendingLogin consumes a pending login; false when another
// request consumed it first.
func (s *Store) DeletePendingLogin(ctx context.Context, id string) (bool, error) {
	r := s.DB(ctx).Where("id = ?", id).Delete(&PendingLogin{})
	return r.RowsAffected == 1, r.Error
}

// DeletePendingLoginsBefore removes pending logins that expired (maintenance).
func (s *Store) DeletePendingLoginsBefore(ctx context.Context, now time.Time) error {
	return s.DB(ctx).Where("expires_at <= ?", now).Delete(&PendingLogin{}).Error
}
