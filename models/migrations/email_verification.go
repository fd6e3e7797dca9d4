package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copies of what migration 0301 added; never edit them (see
// schema_v1.go).
type v301User struct {
	EmailVerifiedAt *time.Time
	PendingEmail    string `gorm:"size:254;not null;default:''"`
}

func (v301User) TableName() string { return "users" }

type v301EmailVerification struct {
	ID        int64     `gorm:"primaryKey"`
	UserID    int64     `gorm:"not null;index:idx_email_verifications_user,priority:1"`
	Email     string    `gorm:"size:254;not null"`
	TokenHash string    `gorm:"size:64;not null;uniqueIndex"`
	CreatedAt time.Time `gorm:"not null;index:idx_email_verifications_user,priority:2"`
	ExpiresAt time.Time `gorm:"not null"`
	UsedAt    *time.Time
}

func (v301EmailVerification) TableName() string { return "email_verifications" }

// migrateEmailVerification records when a member's address was verified
// (per address: a change clears it until the new one is verified), the
// address waiting for verification, and the single-use links (hashed).
// Members who joined before it count as verified: nobody asked them, and
// locking them out of posting on upgrade would be wrong. Remote authors
// have no address and are left NULL.
func migrateEmailVerification(tx *gorm.DB) error {
	for _, col := range []string{"EmailVerifiedAt", "PendingEmail"} {
		if err := tx.Migrator().AddColumn(&v301User{}, col); err != nil {
			return err
		}
	}
	if err := tx.Exec(`UPDATE users SET email_verified_at = created_at WHERE domain = '' AND password_hash <> ''`).Error; err != nil {
		return err
	}
	return tx.Migrator().CreateTable(&v301EmailVerification{})
}
