package migrations

import "gorm.io/gorm"

// migrateRemoteAvatars records, per remote author, the icon URL its local
// avatar copy was last fetched from, so a copy is fetched once per icon
// and again only when the actor's icon changes.
func migrateRemoteAvatars(tx *gorm.DB) error {
	return tx.Exec(`ALTER TABLE users ADD COLUMN remote_icon_fetched varchar(2048) NOT NULL DEFAULT ''`).Error
}
