package migrations

import (
	"time"

	"gorm.io/gorm"
)

// v130RemoteUserBlock is a frozen copy of remote_user_blocks as migration
// 0130 created it; never edit it.
type v130RemoteUserBlock struct {
	ID        int64     `gorm:"primaryKey"`
	ActorAPID string    `gorm:"column:actor_ap_id;size:2048;not null;uniqueIndex"`
	Domain    string    `gorm:"size:300;not null;default:''"`
	Reason    string    `gorm:"size:1000;not null;default:''"`
	CreatedBy int64     `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null"`
}

func (v130RemoteUserBlock) TableName() string { return "remote_user_blocks" }

// migrateFedcompat adds moderators' blocks of single remote actors.
func migrateFedcompat(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v130RemoteUserBlock{})
}
