package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copy of the model migration 0550 creates; never edit it (see
// schema_v1.go).
type v550Draft struct {
	ID        int64     `gorm:"primaryKey"`
	UserID    int64     `gorm:"not null;uniqueIndex:idx_drafts_user_thread,priority:1"`
	ThreadID  int64     `gorm:"not null;default:0;uniqueIndex:idx_drafts_user_thread,priority:2"`
	Title     string    `gorm:"size:200;not null;default:''"`
	Category  string    `gorm:"size:100;not null;default:''"`
	Tags      string    `gorm:"size:200;not null;default:''"`
	Body      string    `gorm:"type:text;not null;default:''"`
	UpdatedAt time.Time `gorm:"not null"`
}

func (v550Draft) TableName() string { return "drafts" }

// migrateDrafts keeps what a member is writing, one draft per thread they
// reply to and one for a new thread (thread_id 0: not NULL, so the unique
// index holds for it too, NULLs being distinct in both databases).
func migrateDrafts(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v550Draft{})
}
