package migrations

import "gorm.io/gorm"

// migrateMailLanguage (0585) records the language a queued mail is written
// in, so the worker adds the unsubscribe footer in the same language when it
// sends it ("" for mail queued before: English, as it was written).
func migrateMailLanguage(tx *gorm.DB) error {
	return tx.Exec(`ALTER TABLE mails ADD COLUMN language VARCHAR(16) NOT NULL DEFAULT ''`).Error
}
