package migrations

import "gorm.io/gorm"

// migrateMemberList indexes users by (created_at, id), the staff member
// list's order and keyset: a page, however deep, is one index range with
// no sort. idx_users_created (created_at, domain) serves the counts and
// cannot break ties by id without sorting.
func migrateMemberList(tx *gorm.DB) error {
	return tx.Exec(`CREATE INDEX idx_users_created_id ON users (created_at, id)`).Error
}

// migrateMemberLastSeen makes users.last_seen_at (a column no code wrote)
// the first use of the member's last day seen, from member_seen_days, and
// indexes it with id: the member list's "last seen" filters and its
// last-seen order read it instead of aggregating seen days per member.
func migrateMemberLastSeen(tx *gorm.DB) error {
	for _, q := range []string{
		`UPDATE users SET last_seen_at = (SELECT MAX(sd.first_at) FROM member_seen_days sd WHERE sd.user_id = users.id)`,
		`CREATE INDEX idx_users_last_seen ON users (last_seen_at, id)`,
	} {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	return nil
}
