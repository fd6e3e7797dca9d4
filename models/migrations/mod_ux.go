package migrations

import (
	"fmt"

	"gorm.io/gorm"
)

// migrateModUX lets a held post's author learn what became of it: the
// reason an approver gave when rejecting it (shown to the author, unlike the
// queue item's private note), and a notification column naming the held
// post, since a rejected post never gets a posts row to point at.
func migrateModUX(tx *gorm.DB) error {
	for _, s := range []string{
		`ALTER TABLE held_posts ADD COLUMN decision_reason text NOT NULL DEFAULT ''`,
		`ALTER TABLE notifications ADD COLUMN held_post_id bigint`,
	} {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}
