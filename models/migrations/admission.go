package migrations

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Frozen copies of the models migration 0090 created; never edit them (see
// schema_v1.go).

type v90HeldPost struct {
	ID         int64  `gorm:"primaryKey"`
	UserID     int64  `gorm:"not null;index:idx_held_posts_user_created,priority:1"`
	ThreadID   int64  `gorm:"not null;default:0;index:idx_held_posts_thread_state,priority:1"`
	CategoryID int64  `gorm:"not null;default:0"`
	Title      string `gorm:"size:300;not null;default:''"`
	Tags       string `gorm:"size:300;not null;default:''"`
	ReplyToID  *int64
	Body       string    `gorm:"type:text;not null"`
	HTML       string    `gorm:"column:html;type:text;not null"`
	APID       *string   `gorm:"column:ap_id;size:2048;uniqueIndex"`
	Reason     string    `gorm:"size:200;not null;default:''"`
	State      string    `gorm:"size:16;not null;index:idx_held_posts_thread_state,priority:2"`
	PostID     *int64    `gorm:"index"`
	CreatedAt  time.Time `gorm:"not null;index:idx_held_posts_user_created,priority:2"`
	ResolvedAt *time.Time
}

func (v90HeldPost) TableName() string { return "held_posts" }

type v90WatchedWord struct {
	ID          int64  `gorm:"primaryKey"`
	Pattern     string `gorm:"size:200;not null"`
	Regex       bool   `gorm:"not null;default:false"`
	Action      string `gorm:"size:16;not null"`
	Replacement string `gorm:"size:200;not null;default:''"`
	CreatedBy   int64  `gorm:"not null"`
	CreatedAt   time.Time
}

func (v90WatchedWord) TableName() string { return "watched_words" }

type v90ContentVersion struct {
	Name    string `gorm:"primaryKey;size:40"`
	Version int64  `gorm:"not null;default:0"`
}

func (v90ContentVersion) TableName() string { return "content_versions" }

// migrateAdmission adds post admission: members' sandbox flag, posts held
// for approval (a table of their own, so no list, count, search or feed can
// show one by forgetting a filter), the approval queue's link to them,
// watched words and a version counter other processes key their compiled
// watched-word matcher on.
func migrateAdmission(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&v90HeldPost{}, &v90WatchedWord{}, &v90ContentVersion{}); err != nil {
		return err
	}
	for _, s := range []string{
		`ALTER TABLE users ADD COLUMN sandboxed boolean NOT NULL DEFAULT false`,
		`ALTER TABLE mod_queue_items ADD COLUMN held_post_id bigint`,
		`INSERT INTO content_versions (name, version) VALUES ('watched_words', 1)`,
	} {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}
