package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copy of the model migration 0180 created; never edit it (see
// schema_v1.go).
type v180PostBoost struct {
	PostID     int64     `gorm:"primaryKey;autoIncrement:false"`
	UserID     int64     `gorm:"primaryKey;autoIncrement:false"`
	ActivityID string    `gorm:"size:2048;not null;uniqueIndex:idx_post_boosts_activity"`
	CreatedAt  time.Time `gorm:"not null;index:idx_post_boosts_created"`
}

func (v180PostBoost) TableName() string { return "post_boosts" }

// migratePollTextBoosts keeps a remote Question's text (its sanitised
// content, and its summary, Mastodon's content warning) on the poll, and
// records fediverse boosts of posts written here: one post_boosts row per
// booster and post (the primary key makes a redelivered or repeated
// Announce count once), found again by the Announce's id when it is
// undone. posts.boost_count is the count the thread page shows, kept with
// the rows as like_count is with likes; daily_stats.remote_boosts is the
// day's boosts in the community rollups.
func migratePollTextBoosts(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&v180PostBoost{}); err != nil {
		return err
	}
	for _, s := range []string{
		`ALTER TABLE polls ADD COLUMN content_html text NOT NULL DEFAULT ''`,
		`ALTER TABLE polls ADD COLUMN summary varchar(1000) NOT NULL DEFAULT ''`,
		`ALTER TABLE posts ADD COLUMN boost_count integer NOT NULL DEFAULT 0`,
		`ALTER TABLE daily_stats ADD COLUMN remote_boosts bigint NOT NULL DEFAULT 0`,
	} {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}
