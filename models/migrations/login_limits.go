package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copies of the models migration 0240 created; never edit them
// (see schema_v1.go).
type v240LoginAttempt struct {
	ID         int64     `gorm:"primaryKey"`
	AccountKey string    `gorm:"size:64;not null;index:idx_login_attempts_account,priority:1"`
	AddrKey    string    `gorm:"size:64;not null;index:idx_login_attempts_addr,priority:1"`
	DeviceKey  string    `gorm:"size:64;not null;default:''"`
	CreatedAt  time.Time `gorm:"not null;index:idx_login_attempts_account,priority:2;index:idx_login_attempts_addr,priority:2"`
}

func (v240LoginAttempt) TableName() string { return "login_attempts" }

type v240TrustedLogin struct {
	UserID  int64     `gorm:"primaryKey;autoIncrement:false"`
	Kind    string    `gorm:"primaryKey;size:8"`
	KeyHash string    `gorm:"primaryKey;size:64"`
	LastAt  time.Time `gorm:"not null"`
}

func (v240TrustedLogin) TableName() string { return "trusted_logins" }

type v240LoginAlert struct {
	UserID int64 `gorm:"primaryKey;autoIncrement:false"`
	Bucket int64 `gorm:"primaryKey;autoIncrement:false"` // which window: its start in Unix seconds
}

func (v240LoginAlert) TableName() string { return "login_alerts" }

// migrateLoginLimits replaces login_failures, which counted per account
// name and per address, so five wrong passwords from anywhere locked the
// owner out everywhere. login_attempts keeps hashed account, address and
// device keys so limits can be per (account, address), per address, per
// trusted device and, much higher, per account; trusted_logins remembers
// where the owner logged in from; login_alerts makes the owner's alert
// fire once per window.
func migrateLoginLimits(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&v240LoginAttempt{}, &v240TrustedLogin{}, &v240LoginAlert{}); err != nil {
		return err
	}
	return tx.Migrator().DropTable("login_failures")
}
