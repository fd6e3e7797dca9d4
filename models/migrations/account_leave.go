package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copy of the model migration 0340 created; never edit it (see
// schema_v1.go).
type v340AccountExport struct {
	ID          int64  `gorm:"primaryKey"`
	UserID      int64  `gorm:"not null;index"`
	State       string `gorm:"size:16;not null"`
	Attempts    int    `gorm:"not null;default:0"`
	ClaimedBy   string `gorm:"size:32;not null;default:''"`
	LockedUntil *time.Time
	TokenHash   string `gorm:"size:64;not null;default:''"`
	Data        []byte
	Size        int64  `gorm:"not null;default:0"`
	LastError   string `gorm:"size:2000;not null;default:''"`
	ReadyAt     *time.Time
	ExpiresAt   *time.Time
	CreatedAt   time.Time `gorm:"not null"`
	UpdatedAt   time.Time
}

func (v340AccountExport) TableName() string { return "account_exports" }

// migrateAccountLeave adds account_exports (a member's data export, built
// by a worker and kept as a blob so any process can serve it) and the
// users columns an account scheduled for deletion carries: when it is
// erased, what becomes of its posts, and when it was erased.
func migrateAccountLeave(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&v340AccountExport{}); err != nil {
		return err
	}
	ts := "datetime"
	if tx.Dialector.Name() == "postgres" {
		ts = "timestamptz"
	}
	stmts := []string{
		`ALTER TABLE users ADD COLUMN delete_at ` + ts,
		`ALTER TABLE users ADD COLUMN delete_posts VARCHAR(8) NOT NULL DEFAULT ''`,
		`ALTER TABLE users ADD COLUMN erased_at ` + ts,
		`CREATE INDEX idx_users_delete_at ON users (delete_at)`,
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}
