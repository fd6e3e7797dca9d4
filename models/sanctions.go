package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Sanction kinds.
const (
	SanctionSilence = "silence" // can read and log in, cannot post
	SanctionSuspend = "suspend" // cannot log in; sessions and tokens stop working
)

// Sanction is one silence or suspension of a member. A sanction is active
// from StartsAt until EndsAt (nil: indefinitely) unless lifted; expiry is by
// time alone, so nothing has to run for a sanction to end.
type Sanction struct {
	ID        int64     `gorm:"primaryKey"`
	UserID    int64     `gorm:"not null;index:idx_sanctions_user_kind,priority:1"`
	Kind      string    `gorm:"size:16;not null;index:idx_sanctions_user_kind,priority:2"`
	Reason    string    `gorm:"size:1000;not null;default:''"`
	StartsAt  time.Time `gorm:"not null"`
	EndsAt    *time.Time
	CreatedBy int64     `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null"`
	LiftedAt  *time.Time
	LiftedBy  *int64
}

// activeSanctions selects the sanctions of one kind in force at now.
func (s *Store) activeSanctions(ctx context.Context, userID int64, kind string, now time.Time) *gorm.DB {
	return s.DB(ctx).Model(&Sanction{}).
		Where("user_id = ? AND kind = ? AND lifted_at IS NULL AND starts_at <= ? AND (ends_at IS NULL OR ends_at > ?)", userID, kind, now, now)
}

// ActiveSanction returns the member's sanction of this kind in force at now
// (the newest, should there be several), or ErrNotFound.
func (s *Store) ActiveSanction(ctx context.Context, userID int64, kind string, now time.Time) (*Sanction, error) {
	var sn Sanction
	if err := s.activeSanctions(ctx, userID, kind, now).Order("id DESC").First(&sn).Error; err != nil {
		return nil, notFound(err)
	}
	return &sn, nil
}

// CreateSanction inserts sn.
func (s *Store) CreateSanction(ctx context.Context, sn *Sanction) error {
	return s.DB(ctx).Create(sn).Error
}

// LiftSanctions ends every active sanction of this kind on the member and
// reports how many it ended; lifted rows stay for the member's record.
func (s *Store) LiftSanctions(ctx context.Context, userID int64, kind string, by int64, now time.Time) (int64, error) {
	res := s.activeSanctions(ctx, userID, kind, now).Updates(map[string]any{"lifted_at": now, "lifted_by": by})
	return res.RowsAffected, res.Error
}

// DeleteUserSessions logs the member out of every browser.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) error {
	return s.DB(ctx).Where("user_id = ?", userID).Delete(&Session{}).Error
}

// SetUserRole changes a member's role.
func (s *Store) SetUserRole(ctx context.Context, userID int64, role string, now time.Time) error {
	return s.DB(ctx).Model(&User{}).Where("id = ?", userID).Updates(map[string]any{"role": role, "updated_at": now}).Error
}
