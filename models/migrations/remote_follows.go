package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copies of what migration 0480 adds; never edit them (see
// schema_v1.go).
type v480RemoteActor struct {
	Summary         string     `gorm:"type:text;not null;default:''"`
	ProfileURL      string     `gorm:"size:2048;not null;default:''"`
	Outbox          string     `gorm:"size:2048;not null;default:''"`
	OutboxFetchedAt *time.Time `gorm:""`
}

func (v480RemoteActor) TableName() string { return "remote_actors" }

type v480FollowedNote struct {
	ID          int64  `gorm:"primaryKey"`
	APID        string `gorm:"column:ap_id;size:2048;not null;uniqueIndex"`
	AuthorID    int64  `gorm:"not null;index:idx_followed_notes_author,priority:1"`
	InReplyTo   string `gorm:"size:2048;not null;default:''"`
	ReplyToID   *int64
	HTML        string    `gorm:"column:html;type:text;not null"`
	Summary     string    `gorm:"type:text;not null;default:''"`
	URL         string    `gorm:"size:2048;not null;default:''"`
	Public      bool      `gorm:"column:is_public;not null;default:true"`
	PublishedAt time.Time `gorm:"not null;index:idx_followed_notes_author,priority:2;index:idx_followed_notes_published"`
	DeletedAt   *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (v480FollowedNote) TableName() string { return "followed_notes" }

// migrateRemoteFollows keeps what a remote profile page shows (bio, page
// link, outbox, followers collection) on remote_actors, and the posts of
// accounts members follow in followed_notes: apart from posts, so nothing
// that lists, counts or searches the forum's threads can show them.
func migrateRemoteFollows(tx *gorm.DB) error {
	// followers_url comes with migration 0460 (actor moves).
	for _, col := range []string{"Summary", "ProfileURL", "Outbox", "OutboxFetchedAt"} {
		if err := tx.Migrator().AddColumn(&v480RemoteActor{}, col); err != nil {
			return err
		}
	}
	return tx.Migrator().CreateTable(&v480FollowedNote{})
}
