package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copies of the models migration 0300 created; never edit them
// (see schema_v1.go).
type v300PasswordReset struct {
	ID        int64     `gorm:"primaryKey"`
	UserID    int64     `gorm:"not null;index:idx_password_resets_user"`
	TokenHash string    `gorm:"size:64;not null;uniqueIndex"`
	CreatedAt time.Time `gorm:"not null"`
	ExpiresAt time.Time `gorm:"not null"`
	UsedAt    *time.Time
}

func (v300PasswordReset) TableName() string { return "password_resets" }

type v300PasswordResetRequest struct {
	ID        int64     `gorm:"primaryKey"`
	KeyHash   string    `gorm:"size:64;not null;index:idx_password_reset_requests_key,priority:1"`
	CreatedAt time.Time `gorm:"not null;index:idx_password_reset_requests_key,priority:2"`
}

func (v300PasswordResetRequest) TableName() string { return "password_reset_requests" }

// migratePasswordResets adds the single-use reset links (only their
// SHA-256 is kept) and the log of reset requests that limits them per
// client address and per account, in the database so every process sees
// the same counts.
func migratePasswordResets(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v300PasswordReset{}, &v300PasswordResetRequest{})
}
