package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copy of the model migration 0520 created; never edit it (see
// schema_v1.go).
type v520RemoteAttachment struct {
	ID          int64  `gorm:"primaryKey"`
	PostID      int64  `gorm:"not null;index"`
	Position    int    `gorm:"not null"`
	Kind        string `gorm:"size:16;not null"`
	MediaType   string `gorm:"size:100;not null;default:''"`
	URL         string `gorm:"size:2048;not null"`
	Name        string `gorm:"type:text;not null;default:''"`
	Width       int    `gorm:"not null;default:0"`
	Height      int    `gorm:"not null;default:0"`
	Blurhash    string `gorm:"size:100;not null;default:''"`
	State       string `gorm:"size:16;not null;index"`
	ClaimedBy   string `gorm:"size:24;not null;default:''"`
	LockedUntil *time.Time
	NextAt      *time.Time
	Attempts    int        `gorm:"not null;default:0"`
	Hash        string     `gorm:"size:64;not null;default:'';index"`
	Size        int64      `gorm:"not null;default:0"`
	LastUsedAt  *time.Time `gorm:"index"`
	LastError   string     `gorm:"size:300;not null;default:''"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (v520RemoteAttachment) TableName() string { return "remote_attachments" }

// migrateRemoteAttachments adds the attachments of posts from the
// fediverse (issue 14 item 4): one row per attachment of a remote post,
// which is also the cache entry of its local copy (state, hash of the
// stored file in uploads, size for the cache bound, last_used_at for
// eviction), claimed by fetch workers like the delivery queue.
func migrateRemoteAttachments(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v520RemoteAttachment{})
}
