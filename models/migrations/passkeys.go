package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copies of the models migration 0370 created; never edit them
// (see schema_v1.go).
type v370Passkey struct {
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

func (v370Passkey) TableName() string { return "passkeys" }

type v370WebAuthnChallenge struct {
	ID        string    `gorm:"primaryKey;size:64"`
	UserID    int64     `gorm:"not null;index"`
	Kind      string    `gorm:"size:16;not null"`
	PendingID string    `gorm:"size:64;not null;default:''"`
	Data      string    `gorm:"type:text;not null"`
	ExpiresAt time.Time `gorm:"not null;index"`
}

func (v370WebAuthnChallenge) TableName() string { return "web_authn_challenges" }

// migratePasskeys adds WebAuthn passkeys as a second factor (passkeys)
// and the begin/finish state of their ceremonies (web_authn_challenges).
func migratePasskeys(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v370Passkey{}, &v370WebAuthnChallenge{})
}
