package models

import (
	"context"
	"time"
)

// Invite is a sign-up link (forum/invites.go): the token is kept only as
// its SHA-256, UsesLeft counts down to zero, and a revoked or expired
// invite admits nobody.
type Invite struct {
	ID        int64 `gorm:"primaryKey"`
	TokenHash string
	CreatedBy int64
	UsesLeft  int
	Used      int
	ExpiresAt time.Time
	RevokedAt *time.Time
	CreatedAt time.Time
}

// CreateInvite stores a new invite.
func (s *Store) CreateInvite(ctx context.Context, inv *Invite) error {
	return s.DB(ctx).Create(inv).Error
}

// InviteByHash loads the invite whose token hashes to hash.
func (s *Store) InviteByHash(ctx context.Context, hash string) (*Invite, error) {
	var inv Invite
	if err := s.DB(ctx).Where("token_hash = ?", hash).Take(&inv).Error; err != nil {
		return nil, notFound(err)
	}
	return &inv, nil
}

// InviteByID loads one invite.
func (s *Store) InviteByID(ctx context.Context, id int64) (*Invite, error) {
	var inv Invite
	if err := s.DB(ctx).Where("id = ?", id).Take(&inv).Error; err != nil {
		return nil, notFound(err)
	}
	return &inv, nil
}

// Invites lists invites, newest first: all, or those createdBy made
// when it is not 0.
func (s *Store) Invites(ctx context.Context, createdBy int64, limit int) ([]Invite, error) {
	var out []Invite
	db := s.DB(ctx)
	if createdBy != 0 {
		db = db.Where("created_by = ?", createdBy)
	}
	err := db.Order("id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// UseInvite takes one use of invite id in one statement, so two sign-ups
// racing for the last use cannot both have it: false when it has no use
// left, is revoked or has expired at now.
func (s *Store) UseInvite(ctx context.Context, id int64, now time.Time) (bool, error) {
	res := s.DB(ctx).Exec(`UPDATE invites SET uses_left = uses_left - 1, used = used + 1
		WHERE id = ? AND uses_left > 0 AND revoked_at IS NULL AND expires_at > ?`, id, now)
	return res.RowsAffected == 1, res.Error
}

// RevokeInvite marks an invite revoked; false when it already was.
func (s *Store) RevokeInvite(ctx context.Context, id int64, now time.Time) (bool, error) {
	res := s.DB(ctx).Exec(`UPDATE invites SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, now, id)
	return res.RowsAffected == 1, res.Error
}

// SetInvitedBy records who invited a member.
func (s *Store) SetInvitedBy(ctx context.Context, userID, by int64) error {
	return s.DB(ctx).Exec(`UPDATE users SET invited_by = ? WHERE id = ?`, by, userID).Error
}

// CountInvitedSince counts local members who signed up by invite in
// [from, to).
func (s *Store) CountInvitedSince(ctx context.Context, from, to time.Time) (int64, error) {
	var n int64
	err := s.DB(ctx).Model(&User{}).Where("invited_by IS NOT NULL AND created_at >= ? AND created_at < ?", from, to).Count(&n).Error
	return n, err
}

// SetApplication marks a new account as waiting for approval, with its
// application text.
func (s *Store) SetApplication(ctx context.Context, userID int64, text string) error {
	return s.DB(ctx).Exec(`UPDATE users SET awaiting_approval = ?, application = ? WHERE id = ?`, true, text, userID).Error
}

// Applications lists the accounts waiting for approval, oldest first.
func (s *Store) Applications(ctx context.Context, limit int) ([]User, error) {
	var out []User
	err := s.DB(ctx).Where("awaiting_approval AND erased_at IS NULL").Order("created_at, id").Limit(limit).Find(&out).Error
	return out, err
}

// ApproveApplication lets a waiting account in: false when it was not
// waiting (already decided by someone else).
func (s *Store) ApproveApplication(ctx context.Context, userID int64, now time.Time) (bool, error) {
	res := s.DB(ctx).Exec(`UPDATE users SET awaiting_approval = ?, updated_at = ? WHERE id = ? AND awaiting_approval`, false, now, userID)
	return res.RowsAffected == 1, res.Error
}

// InviterID is InvitedBy as a plain id, 0 when nobody invited u (for
// templates, which cannot index a map by a pointer).
func (u *User) InviterID() int64 {
	if u.InvitedBy == nil {
		return 0
	}
	return *u.InvitedBy
}
