package migrations

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Frozen copies of the moderation models as migration 0020 created them;
// never edit them (see schema_v1.go).

type v20AuditEntry struct {
	ID         int64     `gorm:"primaryKey;index:idx_audit_created,priority:2"`
	ActorID    int64     `gorm:"not null;index"`
	Action     string    `gorm:"size:40;not null;index"`
	TargetType string    `gorm:"size:16;not null;index:idx_audit_target,priority:1"`
	TargetID   int64     `gorm:"not null;index:idx_audit_target,priority:2"`
	Reason     string    `gorm:"size:1000;not null;default:''"`
	Details    string    `gorm:"type:text;not null;default:''"`
	CreatedAt  time.Time `gorm:"not null;index:idx_audit_created,priority:1"`
}

func (v20AuditEntry) TableName() string { return "audit_entries" }

type v20Flag struct {
	ID        int64  `gorm:"primaryKey"`
	PostID    int64  `gorm:"not null;uniqueIndex:idx_flags_post_user,priority:1"`
	UserID    int64  `gorm:"not null;uniqueIndex:idx_flags_post_user,priority:2;index"`
	Reason    string `gorm:"size:20;not null"`
	Message   string `gorm:"size:1000;not null;default:''"`
	Weight    int    `gorm:"not null;default:1"`
	CreatedAt time.Time
}

func (v20Flag) TableName() string { return "flags" }

type v20ModQueueItem struct {
	ID         int64  `gorm:"primaryKey"`
	Kind       string `gorm:"size:16;not null"`
	PostID     int64  `gorm:"not null;index"`
	State      string `gorm:"size:16;not null"`
	AssigneeID *int64
	Resolution string    `gorm:"size:16;not null;default:''"`
	Note       string    `gorm:"type:text;not null;default:''"`
	CreatedAt  time.Time `gorm:"not null"`
	ResolvedAt *time.Time
	ResolvedBy *int64
}

func (v20ModQueueItem) TableName() string { return "mod_queue_items" }

// migrateModeration adds the audit log, flags, the review queue and
// posts.hidden_at. The queue's partial unique index is what guarantees one
// unresolved item per post even when two flags arrive at once; its
// (state, created_at, id) index serves the oldest-first keyset listing.
func migrateModeration(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&v20AuditEntry{}, &v20Flag{}, &v20ModQueueItem{}); err != nil {
		return err
	}
	ts := "datetime"
	if tx.Dialector.Name() == "postgres" {
		ts = "timestamptz"
	}
	for _, s := range []string{
		`CREATE UNIQUE INDEX idx_mod_queue_unresolved_post ON mod_queue_items (post_id) WHERE state <> 'resolved'`,
		`CREATE INDEX idx_mod_queue_state_created ON mod_queue_items (state, created_at, id)`,
		`ALTER TABLE posts ADD COLUMN hidden_at ` + ts,
	} {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}
