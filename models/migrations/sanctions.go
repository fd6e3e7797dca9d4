package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copies of the models migration 0030 created; never edit them (see
// schema_v1.go).

type v30Sanction struct {
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

func (v30Sanction) TableName() string { return "sanctions" }

type v30InstanceBlock struct {
	ID        int64     `gorm:"primaryKey"`
	Domain    string    `gorm:"size:253;not null;uniqueIndex"`
	Severity  string    `gorm:"size:16;not null"`
	Reason    string    `gorm:"size:1000;not null;default:''"`
	CreatedBy int64     `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`
}

func (v30InstanceBlock) TableName() string { return "instance_blocks" }

// migrateSanctions adds member sanctions (silence, suspend) and instance
// blocks. Sanctions are rows, never flags on users, so the member record
// keeps every past sanction; (user_id, kind) serves the "is this member
// suspended now" lookup every authenticated request makes.
func migrateSanctions(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v30Sanction{}, &v30InstanceBlock{})
}
