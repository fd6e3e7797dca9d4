package migrations

import (
	"crypto/rand"
	"encoding/base64"
	"time"

	"gorm.io/gorm"
)

// Frozen copies of the models migration 0310 created; never edit them
// (see schema_v1.go).
type v310TwoFactor struct {
	UserID    int64  `gorm:"primaryKey;autoIncrement:false"`
	Secret    string `gorm:"size:64;not null;default:''"`
	Pending   string `gorm:"size:64;not null;default:''"`
	EnabledAt *time.Time
	LastStep  int64 `gorm:"not null;default:0"`
	UpdatedAt time.Time
}

func (v310TwoFactor) TableName() string { return "two_factors" }

type v310RecoveryCode struct {
	ID        int64  `gorm:"primaryKey"`
	UserID    int64  `gorm:"not null;index"`
	Hash      string `gorm:"size:64;not null"`
	CreatedAt time.Time
}

func (v310RecoveryCode) TableName() string { return "recovery_codes" }

type v310PendingLogin struct {
	ID        string `gorm:"primaryKey;size:64"`
	UserID    int64  `gorm:"not null;index"`
	CreatedAt time.Time
	ExpiresAt time.Time `gorm:"not null;index"`
}

func (v310PendingLogin) TableName() string { return "pending_logins" }

// migrateTwoFactor adds TOTP second factors (two_factors, recovery_codes,
// pending_logins for the step between password and code, users.two_factor
// so a request knows without a join) and a public id for each session, so
// the sessions list and API can name a session without its cookie hash.
// Existing sessions get random public ids.
func migrateTwoFactor(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&v310TwoFactor{}, &v310RecoveryCode{}, &v310PendingLogin{}); err != nil {
		return err
	}
	for _, q := range []string{
		`ALTER TABLE users ADD COLUMN two_factor boolean NOT NULL DEFAULT false`,
		`ALTER TABLE sessions ADD COLUMN public_id varchar(32) NOT NULL DEFAULT ''`,
	} {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	var ids []string
	if err := tx.Table("sessions").Pluck("id", &ids).Error; err != nil {
		return err
	}
	for _, id := range ids {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE sessions SET public_id = ? WHERE id = ?`, base64.RawURLEncoding.EncodeToString(b), id).Error; err != nil {
			return err
		}
	}
	return tx.Exec(`CREATE UNIQUE INDEX idx_sessions_public_id ON sessions (public_id)`).Error
}
