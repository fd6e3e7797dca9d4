package models

import "context"

// InsertBatch bulk-inserts a slice of rows (pointer to slice), filling their
// ids. 400 rows a statement stays under SQLite's bound-parameter limit.
func (s *Store) InsertBatch(ctx context.Context, rows any) error {
	return s.DB(ctx).CreateInBatches(rows, 400).Error
}

// FinishSeededThreads points bulk-inserted threads at their first post and
// their true last activity.
func (s *Store) FinishSeededThreads(ctx context.Context, threadIDs []int64) error {
	if len(threadIDs) == 0 {
		return nil
	}
	return s.DB(ctx).Exec(`UPDATE threads SET
		first_post_id = (SELECT id FROM posts WHERE posts.thread_id = threads.id AND posts.number = 1),
		last_post_at = (SELECT MAX(created_at) FROM posts WHERE posts.thread_id = threads.id),
		last_post_user_id = (SELECT user_id FROM posts WHERE posts.thread_id = threads.id ORDER BY number DESC LIMIT 1),
		updated_at = (SELECT MAX(created_at) FROM posts WHERE posts.thread_id = threads.id)
		WHERE id IN ?`, threadIDs).Error
}

// RecountTotals recomputes the denormalised counters of categories and
// users from the rows, after bulk writes.
func (s *Store) RecountTotals(ctx context.Context) error {
	db := s.DB(ctx)
	stmts := []string{
		`UPDATE categories SET
			thread_count = (SELECT COUNT(*) FROM threads WHERE threads.category_id = categories.id AND threads.deleted_at IS NULL),
			post_count = (SELECT COALESCE(SUM(post_count), 0) FROM threads WHERE threads.category_id = categories.id AND threads.deleted_at IS NULL),
			last_post_at = (SELECT MAX(last_post_at) FROM threads WHERE threads.category_id = categories.id)`,
		`UPDATE users SET post_count = (SELECT COUNT(*) FROM posts WHERE posts.user_id = users.id AND posts.deleted_at IS NULL)`,
	}
	for _, q := range stmts {
		if err := db.Exec(q).Error; err != nil {
			return err
		}
	}
	return nil
}
