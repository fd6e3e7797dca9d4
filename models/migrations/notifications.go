package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copy of the model migration 0070 created; never edit it (see
// schema_v1.go).
type v70Notification struct {
	ID        int64     `gorm:"primaryKey"`
	UserID    int64     `gorm:"not null"`
	Kind      string    `gorm:"size:16;not null"`
	ActorID   int64     `gorm:"not null"`
	ThreadID  int64     `gorm:"not null"`
	PostID    int64     `gorm:"not null;index"`
	CreatedAt time.Time `gorm:"not null"`
	ReadAt    *time.Time
}

func (v70Notification) TableName() string { return "notifications" }

// migrateNotifications adds in-site notifications. The (user_id, read_at, id)
// index serves both hot reads: the unread count in every logged-in page's
// header (user_id = ? AND read_at IS NULL) and the newest-first list keyed
// on id. The post_id index lets the "already notified about this post"
// check and likes' dedupe stay probes.
func migrateNotifications(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&v70Notification{}); err != nil {
		return err
	}
	return tx.Exec(`CREATE INDEX idx_notifications_user_read ON notifications (user_id, read_at, id)`).Error
}
