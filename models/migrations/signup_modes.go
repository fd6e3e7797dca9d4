package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copy of the model migration 0350 created; never edit it (see
// schema_v1.go).
type v350Invite struct {
	ID        int64     `gorm:"primaryKey"`
	TokenHash string    `gorm:"size:64;not null;uniqueIndex"`
	CreatedBy int64     `gorm:"not null;index"`
	UsesLeft  int       `gorm:"not null;default:0"`
	Used      int       `gorm:"not null;default:0"`
	ExpiresAt time.Time `gorm:"not null"`
	RevokedAt *time.Time
	CreatedAt time.Time `gorm:"not null"`
}

func (v350Invite) TableName() string { return "invites" }

// migrateSignupModes adds the sign-up mode to the site settings row (""
// means open, as before), the invites table (links with a use count and an
// expiry, the token stored hashed) and users.invited_by (who made the
// invite a member signed up with).
func migrateSignupModes(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&v350Invite{}); err != nil {
		return err
	}
	stmts := []string{
		`ALTER TABLE site_settings ADD COLUMN signup_mode VARCHAR(16) NOT NULL DEFAULT ''`,
		`ALTER TABLE users ADD COLUMN invited_by BIGINT`,
		`CREATE INDEX idx_users_invited_by ON users (invited_by)`,
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}

// migrateSignupApproval adds what the approval sign-up mode needs on
// users: the account waits (cannot log in) until staff approve it, and
// the short application text the newcomer wrote.
func migrateSignupApproval(tx *gorm.DB) error {
	for _, s := range []string{
		`ALTER TABLE users ADD COLUMN awaiting_approval BOOLEAN NOT NULL DEFAULT false`,
		`ALTER TABLE users ADD COLUMN application TEXT NOT NULL DEFAULT ''`,
		`CREATE INDEX idx_users_awaiting_approval ON users (awaiting_approval)`,
	} {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}

// migrateAmbassadorInvites adds the site setting that lets ambassadors
// make invite links too (off by default).
func migrateAmbassadorInvites(tx *gorm.DB) error {
	return tx.Exec(`ALTER TABLE site_settings ADD COLUMN ambassadors_invite BOOLEAN NOT NULL DEFAULT false`).Error
}
