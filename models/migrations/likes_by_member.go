package migrations

import "gorm.io/gorm"

// migrateLikesByMember (0620) indexes likes by (user_id, post_id) in place
// of user_id alone. A member's thread page asks which of its posts they
// liked; through the (post_id, user_id) key that was a probe per post, a
// hundred a page and about a twentieth of the page's CPU on SQLite, and
// user_id alone leaves the post id in the table. With both in one index
// it is one range seek over the member's likes between the page's lowest
// and highest post id. Every query on user_id alone (exports, erasure)
// uses the new index's prefix, so the old one goes.
func migrateLikesByMember(tx *gorm.DB) error {
	for _, s := range []string{
		`CREATE INDEX idx_likes_user_post ON likes (user_id, post_id)`,
		`DROP INDEX IF EXISTS idx_likes_user_id`,
	} {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}
