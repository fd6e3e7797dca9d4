package models

import (
	"context"
	"time"
)

// Queries for the thread tools: merging, slow mode and global pins.

// LastPostAtBy returns when the member last posted in the thread (nil if
// never), for slow mode; idx_posts_thread_user_created makes it a probe.
func (s *Store) LastPostAtBy(ctx context.Context, threadID, userID int64) (*time.Time, error) {
	var ps []Post
	err := s.DB(ctx).Select("id, created_at").Where("thread_id = ? AND user_id = ?", threadID, userID).
		Order("created_at DESC").Limit(1).Find(&ps).Error
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return &ps[0].CreatedAt, nil
}

// postKey is a post's place when two threads' posts are interleaved.
type postKey struct {
	ID        int64
	ThreadID  int64
	Number    int
	UserID    int64
	CreatedAt time.Time
}

// MergeThreadPosts moves every post of from into into and renumbers the
// combined posts 1..n in time order (created_at, id). Numbers are first
// parked at minus the post id (unique across both threads) so the
// (thread_id, number) unique index never sees two posts with one number. It returns the combined count, the
// first post and the last post.
func (s *Store) MergeThreadPosts(ctx context.Context, from, into int64) (count int, first, last Post, err error) {
	db := s.DB(ctx)
	var keys []postKey
	if err = db.Model(&Post{}).Select("id, thread_id, number, user_id, created_at").Where("thread_id IN ?", []int64{from, into}).
		Order("created_at, id").Find(&keys).Error; err != nil {
		return
	}
	if err = db.Exec(`UPDATE posts SET number = -id WHERE thread_id IN (?, ?)`, from, into).Error; err != nil {
		return
	}
	// The source ends with no posts, so no answer: clearing it first keeps
	// the move trigger (migration 0220) from recomputing the source as each
	// of its earliest replies leaves, which in time order is every row.
	if err = db.Exec(`UPDATE threads SET first_response_at = NULL WHERE id = ?`, from).Error; err != nil {
		return
	}
	if err = db.Exec(`UPDATE posts SET thread_id = ? WHERE thread_id = ?`, into, from).Error; err != nil {
		return
	}
	// One statement renumbers them all, in the order keys were read (one
	// round trip instead of one per post; PostgreSQL and SQLite ≥ 3.33).
	if err = db.Exec(`UPDATE posts SET number = r.n FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY created_at, id) AS n
		FROM posts WHERE thread_id = ?) r WHERE posts.id = r.id`, into).Error; err != nil {
		return
	}
	if len(keys) > 0 {
		f, l := keys[0], keys[len(keys)-1]
		first = Post{ID: f.ID, UserID: f.UserID, CreatedAt: f.CreatedAt, Number: 1}
		last = Post{ID: l.ID, UserID: l.UserID, CreatedAt: l.CreatedAt, Number: len(keys)}
	}
	// Notifications about the source thread's posts follow them.
	if err = db.Exec(`UPDATE notifications SET thread_id = ? WHERE thread_id = ?`, into, from).Error; err != nil {
		return
	}
	// Read marks are post numbers, which the merge just changed.
	err = s.remapReadMarks(ctx, from, into, keys)
	return len(keys), first, last, err
}

// GlobalPinnedThreads lists threads pinned on the home page.
func (s *Store) GlobalPinnedThreads(ctx context.Context, limit int) ([]Thread, error) {
	return scanThreads(s.DB(ctx).Table("threads").Select(threadColumns).
		Where("pinned_global = ? AND deleted_at IS NULL", true).Order("last_post_at DESC, id DESC").Limit(limit))
}
