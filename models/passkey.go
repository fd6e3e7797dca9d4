package models

import (
	"context"
	"time"
)

// Passkey is one WebAuthn credential a member registered as a second
// factor (migration 0370). CredentialID is the authenticator's id
// (base64url), PublicKey its COSE key; SignCount is the last counter an
// assertion carried, so a cloned authenticator going backwards is refused.
type Passkey struct {
	ID           int64  `gorm:"primaryKey"`
	UserID       int64  `gorm:"not null;index"`
	CredentialID string `gorm:"size:1400;not null;uniqueIndex"`
	PublicKey    []byte `gorm:"not null"`
	SignCount    int64  `gorm:"not null;default:0"`
	Transports   string `gorm:"size:200;not null;default:''"`
	Name         string `gorm:"size:100;not null;default:''"`
	CreatedAt    time.Time
	LastUsedAt   *time.Time
}

// WebAuthnChallenge is the server half of a WebAuthn ceremony between
// its begin and finish requests (the library's session data as JSON),
// kept in the database so any process can finish what another began.
// ID is the SHA-256 of the token the browser holds; Kind says which
// ceremony ("register" or "login"); PendingID ties a login ceremony to
// its pending login. Taken once (TakeWebAuthnChallenge), so a challenge
// cannot be replayed.
type WebAuthnChallenge struct {
	ID        string    `gorm:"primaryKey;size:64"`
	UserID    int64     `gorm:"not null;index"`
	Kind      string    `gorm:"size:16;not null"`
	PendingID string    `gorm:"size:64;not null;default:''"`
	Data      string    `gorm:"type:text;not null"`
	ExpiresAt time.Time `gorm:"not null;index"`
}

// PasskeysFor lists a member's passkeys, oldest first.
func (s *Store) PasskeysFor(ctx context.Context, userID int64) ([]Passkey, error) {
	var ps []Passkey
	err := s.DB(ctx).Where("user_id = ?", userID).Order("id").Find(&ps).Error
	return ps, err
}

// AddPasskey stores a new passkey and marks the member as having a second
// factor (users.two_factor), in the caller's transaction.
func (s *Store) AddPasskey(ctx context.Context, p *Passkey) error {
	if err := s.DB(ctx).Create(p).Error; err != nil {
		return err
	}
	return s.DB(ctx).Model(&User{}).Where("id = ?", p.UserID).Update("two_factor", true).Error
}

// DeletePasskey removes one of the member's passkeys (false: not theirs
// or gone) and recomputes users.two_factor.
func (s *Store) DeletePasskey(ctx context.Context, userID, id int64) (bool, error) {
	r := s.DB(ctx).Where("id = ? AND user_id = ?", id, userID).Delete(&Passkey{})
	if r.Error != nil || r.RowsAffected == 0 {
		return false, r.Error
	}
	return true, s.RefreshTwoFactorMark(ctx, userID)
}

// DeletePasskeys removes all of a member's passkeys (admin reset-2fa).
func (s *Store) DeletePasskeys(ctx context.Context, userID int64) error {
	return s.DB(ctx).Where("user_id = ?", userID).Delete(&Passkey{}).Error
}

// RefreshTwoFactorMark sets users.two_factor to whether the member still
// has a confirmed TOTP key or a passkey.
func (s *Store) RefreshTwoFactorMark(ctx context.Context, userID int64) error {
	db := s.DB(ctx)
	var totp, keys int64
	if err := db.Model(&TwoFactor{}).Where("user_id = ? AND enabled_at IS NOT NULL", userID).Count(&totp).Error; err != nil {
		return err
	}
	if err := db.Model(&Passkey{}).Where("user_id = ?", userID).Count(&keys).Error; err != nil {
		return err
	}
	return db.Model(&User{}).Where("id = ?", userID).Update("two_factor", totp+keys > 0).Error
}

// UsePasskey records an assertion: the new counter and when, only if the
// stored counter is still old, so two racing assertions cannot both pass.
func (s *Store) UsePasskey(ctx context.Context, id, old, count int64, now time.Time) (bool, error) {
	r := s.DB(ctx).Model(&Passkey{}).Where("id = ? AND sign_count = ?", id, old).
		Updates(map[string]any{"sign_count": count, "last_used_at": now})
	return r.RowsAffected == 1, r.Error
}

// CreateWebAuthnChallenge stores a ceremony's session data.
func (s *Store) CreateWebAuthnChallenge(ctx context.Context, c *WebAuthnChallenge) error {
	return s.DB(ctx).Create(c).Error
}

// TakeWebAuthnChallenge returns and deletes a live challenge of this kind;
// ErrNotFound when it is unknown, expired or taken already.
func (s *Store) TakeWebAuthnChallenge(ctx context.Context, id, kind string, now time.Time) (*WebAuthnChallenge, error) {
	var c WebAuthnChallenge
	if err := s.DB(ctx).Where("id = ? AND kind = ? AND expires_at > ?", id, kind, now).First(&c).Error; err != nil {
		return nil, notFound(err)
	}
	r := s.DB(ctx).Where("id = ?", id).Delete(&WebAuthnChallenge{})
	if r.Error != nil {
		return nil, r.Error
	}
	if r.RowsAffected != 1 {
		return nil, ErrNotFound
	}
	return &c, nil
}

// DeleteWebAuthnChallengesBefore removes expired challenges (maintenance).
func (s *Store) DeleteWebAuthnChallengesBefore(ctx context.Context, now time.Time) error {
	return s.DB(ctx).Where("expires_at <= ?", now).Delete(&WebAuthnChallenge{}).Error
}
