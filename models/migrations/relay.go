package migrations

import (
	"gorm.io/gorm"
)

// migrateRelay is what the category Group needs to relay remote activity
// (FEP-1b12): a remote reply held for approval keeps the activity it
// arrived in (held_posts.activity), so the Group can announce that very
// activity once the reply is approved; and each peer host's NodeInfo
// software name (delivery_hosts.software), so followers on Lemmy, NodeBB,
// Mbin, PieFed or Discourse count as group-aware even when they follow
// from a Person actor.
func migrateRelay(tx *gorm.DB) error {
	for _, s := range []string{
		`ALTER TABLE held_posts ADD COLUMN activity TEXT`,
		`ALTER TABLE delivery_hosts ADD COLUMN software VARCHAR(64) NOT NULL DEFAULT ''`,
	} {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}
