package migrations

import "gorm.io/gorm"

// migrateSeededMembers marks the members `hearth dev seed` makes. They are
// demo data, not people: "the first account to sign up becomes the
// administrator" counts only unmarked local accounts, so seeding an empty
// forum no longer hands administration to nobody.
func migrateSeededMembers(tx *gorm.DB) error {
	return tx.Exec(`ALTER TABLE users ADD COLUMN seeded boolean NOT NULL DEFAULT false`).Error
}
