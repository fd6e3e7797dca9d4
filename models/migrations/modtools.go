package migrations

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Frozen copies of the models migration 0120 created; never edit them (see
// schema_v1.go).

type v120RoleCategory struct {
	UserID     int64     `gorm:"primaryKey;autoIncrement:false"`
	CategoryID int64     `gorm:"primaryKey;autoIncrement:false;index"`
	CreatedAt  time.Time `gorm:"not null"`
}

func (v120RoleCategory) TableName() string { return "role_categories" }

type v120ModNote struct {
	ID        int64     `gorm:"primaryKey"`
	ItemID    int64     `gorm:"not null;default:0;index"`
	SubjectID int64     `gorm:"not null;default:0;index:idx_mod_notes_subject,priority:1"`
	AuthorID  int64     `gorm:"not null"`
	Body      string    `gorm:"size:2000;not null"`
	CreatedAt time.Time `gorm:"not null;index:idx_mod_notes_subject,priority:2"`
}

func (v120ModNote) TableName() string { return "mod_notes" }

type v120Warning struct {
	ID        int64     `gorm:"primaryKey"`
	UserID    int64     `gorm:"not null;index:idx_warnings_user,priority:1"`
	PostID    int64     `gorm:"not null;default:0"`
	Reason    string    `gorm:"size:1000;not null"`
	CreatedBy int64     `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null;index:idx_warnings_user,priority:2"`
	RevokedAt *time.Time
}

func (v120Warning) TableName() string { return "warnings" }

type v120Appeal struct {
	ID        int64  `gorm:"primaryKey"`
	UserID    int64  `gorm:"not null;index"`
	AuditID   int64  `gorm:"not null;uniqueIndex"`
	Message   string `gorm:"size:2000;not null"`
	State     string `gorm:"size:16;not null"`
	DecidedBy *int64
	DecidedAt *time.Time
	CreatedAt time.Time `gorm:"not null"`
}

func (v120Appeal) TableName() string { return "appeals" }

// migrateModTools adds category-scoped roles (role_categories, with
// users.role_scoped saying the join rows restrict the role), queue notes
// and claims, warnings, appeals (one per audited action: the unique
// audit_id), and the thread tools' columns (merge redirect, slow mode,
// global pin) and private categories. Appeal items have no post, so the
// one-unresolved-item-per-post index is rebuilt to leave them out.
func migrateModTools(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&v120RoleCategory{}, &v120ModNote{}, &v120Warning{}, &v120Appeal{}); err != nil {
		return err
	}
	boolFalse := "boolean NOT NULL DEFAULT false"
	for _, s := range []string{
		`ALTER TABLE users ADD COLUMN role_scoped ` + boolFalse,
		`ALTER TABLE mod_queue_items ADD COLUMN appeal_id bigint`,
		`DROP INDEX IF EXISTS idx_mod_queue_unresolved_post`,
		`CREATE UNIQUE INDEX idx_mod_queue_unresolved_post_v2 ON mod_queue_items (post_id) WHERE state <> 'resolved' AND kind <> 'appeal'`,
		`CREATE INDEX idx_mod_queue_assignee ON mod_queue_items (assignee_id, state)`,
		`ALTER TABLE threads ADD COLUMN merged_into_id bigint`,
		`ALTER TABLE threads ADD COLUMN slow_mode_seconds integer NOT NULL DEFAULT 0`,
		`ALTER TABLE threads ADD COLUMN pinned_global ` + boolFalse,
		`ALTER TABLE categories ADD COLUMN ambassadors_only ` + boolFalse,
		`CREATE INDEX idx_posts_thread_user_created ON posts (thread_id, user_id, created_at)`,
		// The audit log filtered by action or by actor, newest first,
		// keyset-paged: each filter gets its own ordered index.
		`CREATE INDEX idx_audit_action_created ON audit_entries (action, created_at, id)`,
		`CREATE INDEX idx_audit_actor_created ON audit_entries (actor_id, created_at, id)`,
	} {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}
