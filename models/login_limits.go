package models

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Kinds of TrustedLogin.
const (
	TrustAddr   = "addr"   // a client address the member logged in from
	TrustDevice = "device" // a browser holding the member's device cookie
)

// LoginAttempt is one failed login (migration 0240). Every key is a keyed
// hash (forum/login_limits.go), so the table holds no addresses, names or
// cookies: AccountKey names the account tried (or the unknown name
// typed), AddrKey the client address, DeviceKey the device cookie sent
// ("" when none). Rows live in the database so every process counts the
// same failures.
type LoginAttempt struct {
	ID         int64     `gorm:"primaryKey"`
	AccountKey string    `gorm:"size:64;not null;index:idx_login_attempts_account,priority:1"`
	AddrKey    string    `gorm:"size:64;not null;index:idx_login_attempts_addr,priority:1"`
	DeviceKey  string    `gorm:"size:64;not null;default:''"`
	CreatedAt  time.Time `gorm:"not null;index:idx_login_attempts_account,priority:2;index:idx_login_attempts_addr,priority:2"`
}

// TrustedLogin records that a member logged in successfully from an
// address or a device (by keyed hash), and when last. Logins from there
// are not held back when strangers attack the account.
type TrustedLogin struct {
	UserID  int64     `gorm:"primaryKey;autoIncrement:false"`
	Kind    string    `gorm:"primaryKey;size:8"`
	KeyHash string    `gorm:"primaryKey;size:64"`
	LastAt  time.Time `gorm:"not null"`
}

// LoginAlert makes the "someone is trying to get into your account"
// notification fire once per member and window, whichever process sees
// the attack first.
type LoginAlert struct {
	UserID int64 `gorm:"primaryKey;autoIncrement:false"`
	Bucket int64 `gorm:"primaryKey;autoIncrement:false"` // which window: its start in Unix seconds
}

// LoginAttemptFilter selects failed logins: each non-empty field must
// match.
type LoginAttemptFilter struct {
	AccountKey, AddrKey, DeviceKey string
}

func (f LoginAttemptFilter) apply(db *gorm.DB) *gorm.DB {
	if f.AccountKey != "" {
		db = db.Where("account_key = ?", f.AccountKey)
	}
	if f.AddrKey != "" {
		db = db.Where("addr_key = ?", f.AddrKey)
	}
	if f.DeviceKey != "" {
		db = db.Where("device_key = ?", f.DeviceKey)
	}
	return db
}

// RecordLoginAttempt stores one failed login.
func (s *Store) RecordLoginAttempt(ctx context.Context, a *LoginAttempt) error {
	return s.DB(ctx).Create(a).Error
}

// CountLoginAttempts counts failures matching f after since.
func (s *Store) CountLoginAttempts(ctx context.Context, f LoginAttemptFilter, since time.Time) (int64, error) {
	var n int64
	err := f.apply(s.DB(ctx).Model(&LoginAttempt{})).Where("created_at > ?", since).Count(&n).Error
	return n, err
}

// LoginAttemptAt is the time of the failure matching f after since that
// comes nth (from 0) oldest first; the zero time when there is none.
func (s *Store) LoginAttemptAt(ctx context.Context, f LoginAttemptFilter, since time.Time, nth int) (time.Time, error) {
	var at []time.Time
	err := f.apply(s.DB(ctx).Model(&LoginAttempt{})).Where("created_at > ?", since).
		Order("created_at, id").Offset(nth).Limit(1).Pluck("created_at", &at).Error
	if err != nil || len(at) == 0 {
		return time.Time{}, err
	}
	return at[0], nil
}

// ClearLoginAttempts forgets the failures matching f (at least one field
// must be set: an empty filter deletes nothing).
func (s *Store) ClearLoginAttempts(ctx context.Context, f LoginAttemptFilter) error {
	if f == (LoginAttemptFilter{}) {
		return nil
	}
	return f.apply(s.DB(ctx)).Delete(&LoginAttempt{}).Error
}

// DeleteLoginAttemptsBefore forgets failures older than t.
func (s *Store) DeleteLoginAttemptsBefore(ctx context.Context, t time.Time) error {
	return s.DB(ctx).Where("created_at < ?", t).Delete(&LoginAttempt{}).Error
}

// TrustLogin records (or refreshes) a successful login's address or device.
func (s *Store) TrustLogin(ctx context.Context, userID int64, kind, keyHash string, now time.Time) error {
	return s.DB(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "user_id"}, {Name: "kind"}, {Name: "key_hash"}},
		DoUpdates: clause.Assignments(map[string]any{"last_at": now}),
	}).Create(&TrustedLogin{UserID: userID, Kind: kind, KeyHash: keyHash, LastAt: now}).Error
}

// IsTrustedLogin says whether the member logged in successfully from this
// address or device after since.
func (s *Store) IsTrustedLogin(ctx context.Context, userID int64, kind, keyHash string, since time.Time) (bool, error) {
	var n int64
	err := s.DB(ctx).Model(&TrustedLogin{}).
		Where("user_id = ? AND kind = ? AND key_hash = ? AND last_at > ?", userID, kind, keyHash, since).Count(&n).Error
	return n > 0, err
}

// DeleteTrustedLoginsBefore forgets addresses and devices unused since t.
func (s *Store) DeleteTrustedLoginsBefore(ctx context.Context, t time.Time) error {
	return s.DB(ctx).Where("last_at < ?", t).Delete(&TrustedLogin{}).Error
}

// ClaimLoginAlert reports whether this call is the first to claim the
// member's alert for window; later calls, from any process, get false.
func (s *Store) ClaimLoginAlert(ctx context.Context, userID, window int64) (bool, error) {
	res := s.DB(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&LoginAlert{UserID: userID, Bucket: window})
	return res.RowsAffected == 1, res.Error
}

// DeleteLoginAlertsBefore forgets alert claims for windows before window.
func (s *Store) DeleteLoginAlertsBefore(ctx context.Context, window int64) error {
	return s.DB(ctx).Where("bucket < ?", window).Delete(&LoginAlert{}).Error
}
