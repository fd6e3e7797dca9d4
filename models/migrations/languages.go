package migrations

import "gorm.io/gorm"

// migrateLanguages (0580) adds the forum's default language to the site
// settings and each member's chosen language ("" follows the browser, then
// the site): see i18n.Catalog.Pick.
func migrateLanguages(tx *gorm.DB) error {
	for _, q := range []string{
		`ALTER TABLE site_settings ADD COLUMN language VARCHAR(16) NOT NULL DEFAULT ''`,
		`ALTER TABLE users ADD COLUMN language VARCHAR(16) NOT NULL DEFAULT ''`,
	} {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	return nil
}
