package migrations

import "gorm.io/gorm"

// migratePGCovering (0190) makes two posts indexes cover the queries they
// were made for on PostgreSQL too. A SQLite index carries the rowid (the
// post id) in every entry; a PostgreSQL index carries only its own
// columns, so the analytics queries that also read posts.id fetched the
// post row (body, html, search vector: wide) for every entry:
//   - a day's posts (rollup and today's live figures) from
//     idx_posts_created: one heap page per post, 16,000 a day;
//   - a member's first post (FirstPostsBetween's NOT EXISTS on
//     idx_posts_user, with the id as tie-break): one heap page per probe.
//
// Both are rebuilt under the same names with the id as an included column
// (index-only scans). SQLite: nothing to do. On a forum of a million
// posts the rebuild takes a few seconds, during which posts cannot be
// written.
func migratePGCovering(tx *gorm.DB) error {
	if tx.Dialector.Name() != "postgres" {
		return nil
	}
	for _, q := range []string{
		`DROP INDEX IF EXISTS idx_posts_created`,
		`CREATE INDEX idx_posts_created ON posts (created_at, user_id, thread_id, number, deleted_at) INCLUDE (id)`,
		`DROP INDEX IF EXISTS idx_posts_user`,
		`CREATE INDEX idx_posts_user ON posts (user_id, created_at) INCLUDE (id)`,
		`ANALYZE posts`,
	} {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	return nil
}
