package models

import (
	"context"
	"time"
)

// CountActiveUsers counts members who posted, or used a browser session,
// since t. Both count: a reader who never posts is still active, and a
// poster whose sessions expired still is too.
func (s *Store) CountActiveUsers(ctx context.Context, since time.Time) (int64, error) {
	var n int64
	err := s.DB(ctx).Raw(`SELECT COUNT(*) FROM (
		SELECT user_id FROM posts WHERE created_at > ?
		UNION
		SELECT user_id FROM sessions WHERE last_seen_at > ?) AS active
		WHERE user_id IN (SELECT id FROM users WHERE domain = '')`, since, since).Scan(&n).Error
	return n, err
}

// CountVisiblePosts counts posts that are not deleted, in threads that are
// not deleted.
func (s *Store) CountVisiblePosts(ctx context.Context) (int64, error) {
	var n int64
	err := s.DB(ctx).Raw(`SELECT COUNT(*) FROM posts JOIN threads ON threads.id = posts.thread_id
		WHERE posts.deleted_at IS NULL AND threads.deleted_at IS NULL`).Scan(&n).Error
	return n, err
}
