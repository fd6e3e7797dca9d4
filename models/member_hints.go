package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// DismissedHint records that a member closed a first-time hint (migration
// 0570), so it stays closed on every device.
type DismissedHint struct {
	UserID      int64  `gorm:"primaryKey;autoIncrement:false"`
	Hint        string `gorm:"primaryKey;size:40"`
	DismissedAt time.Time
}

// DismissHint records the dismissal; dismissing twice keeps the first.
func (s *Store) DismissHint(ctx context.Context, userID int64, hint string, now time.Time) error {
	return s.DB(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&DismissedHint{UserID: userID, Hint: hint, DismissedAt: now}).Error
}

// DismissedHints returns the names of the hints the member dismissed.
func (s *Store) DismissedHints(ctx context.Context, userID int64) (map[string]bool, error) {
	var names []string
	if err := s.DB(ctx).Model(&DismissedHint{}).Where("user_id = ?", userID).Pluck("hint", &names).Error; err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(names))
	for _, n := range names {
		out[n] = true
	}
	return out, nil
}
