package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copy of the model migration 0240 created; never edit it (see
// schema_v1.go).
type v240HealthCheck struct {
	ID        int64     `gorm:"primaryKey"`
	Process   string    `gorm:"size:64;not null;index:idx_health_checks_process"`
	CheckedAt time.Time `gorm:"not null;index:idx_health_checks_checked"`
	Pad       []byte
}

func (v240HealthCheck) TableName() string { return "health_checks" }

// migrateHealthChecks adds the table /healthz writes to: a database that
// answers a ping may still refuse every write (disk full), and a health
// check that only pings reports such a forum healthy.
func migrateHealthChecks(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v240HealthCheck{})
}
