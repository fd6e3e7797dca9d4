package migrations

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// v60DeliveryHost is a frozen copy of delivery_hosts as migration 0060
// created it; never edit it.
type v60DeliveryHost struct {
	ID                  int64  `gorm:"primaryKey"`
	Host                string `gorm:"size:300;not null;uniqueIndex"`
	ConsecutiveFailures int    `gorm:"not null;default:0"`
	DownUntil           *time.Time
	LastError           string `gorm:"size:2000;not null;default:''"`
	UpdatedAt           time.Time
}

func (v60DeliveryHost) TableName() string { return "delivery_hosts" }

// migrateDeliveryHosts adds the per-host delivery health table (so a
// server that keeps failing is probed instead of tried per job) and
// remote_actors.actor_type, which tells FEP-1b12 group-aware followers
// (Lemmy, NodeBB… follow with a Group or Application actor) from people.
func migrateDeliveryHosts(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&v60DeliveryHost{}); err != nil {
		return err
	}
	s := `ALTER TABLE remote_actors ADD COLUMN actor_type varchar(32) NOT NULL DEFAULT ''`
	if err := tx.Exec(s).Error; err != nil {
		return fmt.Errorf("%s: %w", s, err)
	}
	return nil
}
