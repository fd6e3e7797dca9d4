package migrations

import "gorm.io/gorm"

// migrateMemberList indexes users by (created_at, id), the staff member
// list's order and keyset: a page, however deep, is one index range with
// no sort. idx_users_created (created_at, domain) serves the counts and
// cannot break ties by id without sorting.
func migrateMemberList(tx *gorm.DB) error {
	return tx.Exec(`CREATE INDEX idx_users_created_id ON users (created_at, id)`).Error
}
