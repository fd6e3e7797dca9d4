package migrations

import "gorm.io/gorm"

// migrateStats indexes members by when they joined: the community
// analytics count new local members of a day (every uncached stats request
// computes today live) and list the members who joined in the retention
// window, and both scanned the whole users table. The index is on
// (created_at, domain) so both are one range read of the index.
func migrateStats(tx *gorm.DB) error {
	return tx.Exec(`CREATE INDEX idx_users_created ON users (created_at, domain)`).Error
}
