package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Queries behind the ambassador programme: the candidates ranking and the
// activity report. Each returns a count per member; forum/ combines them.

// UserCount is one member's count of something.
type UserCount struct {
	UserID int64
	N      int
}

func countsByUser(db *gorm.DB, sql string, args ...any) (map[int64]int, error) {
	var rows []UserCount
	if err := db.Raw(sql, args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.UserID] = r.N
	}
	return out, nil
}

// firstResponseSQL selects posts (alias p, thread t) that were the first
// reply by someone other than the thread's author.
const firstResponseSQL = `p.number > 1 AND p.user_id <> t.user_id AND p.deleted_at IS NULL
	AND NOT EXISTS (SELECT 1 FROM posts q WHERE q.thread_id = p.thread_id AND q.number > 1 AND q.number < p.number AND q.user_id <> t.user_id)`

// newcomerThreadSQL holds when the thread (t) opened with its author's first
// post on the forum.
const newcomerThreadSQL = `NOT EXISTS (SELECT 1 FROM posts e WHERE e.user_id = t.user_id AND e.id < t.first_post_id)`

// FirstResponsesToNewcomers counts, per member, first replies to a
// newcomer's first thread made in [from, to).
func (s *Store) FirstResponsesToNewcomers(ctx context.Context, from, to time.Time) (map[int64]int, error) {
	return countsByUser(s.DB(ctx), `SELECT p.user_id AS user_id, COUNT(*) AS n FROM posts p JOIN threads t ON t.id = p.thread_id
		WHERE `+firstResponseSQL+` AND `+newcomerThreadSQL+` AND p.created_at >= ? AND p.created_at < ? GROUP BY p.user_id`, from, to)
}

// RepliesGiven counts, per member, replies (not thread openers) in [from, to).
func (s *Store) RepliesGiven(ctx context.Context, from, to time.Time) (map[int64]int, error) {
	return countsByUser(s.DB(ctx), `SELECT user_id, COUNT(*) AS n FROM posts
		WHERE number > 1 AND deleted_at IS NULL AND created_at >= ? AND created_at < ? GROUP BY user_id`, from, to)
}

// LikedReplies counts, per member, their replies in [from, to) that someone
// else liked.
func (s *Store) LikedReplies(ctx context.Context, from, to time.Time) (map[int64]int, error) {
	return countsByUser(s.DB(ctx), `SELECT p.user_id AS user_id, COUNT(*) AS n FROM posts p
		WHERE p.number > 1 AND p.deleted_at IS NULL AND p.created_at >= ? AND p.created_at < ?
		AND EXISTS (SELECT 1 FROM likes l WHERE l.post_id = p.id AND l.user_id <> p.user_id) GROUP BY p.user_id`, from, to)
}

// SolutionsGiven counts, per member, their posts from [from, to) marked as a
// thread's solution.
func (s *Store) SolutionsGiven(ctx context.Context, from, to time.Time) (map[int64]int, error) {
	return countsByUser(s.DB(ctx), `SELECT p.user_id AS user_id, COUNT(*) AS n FROM thread_solutions ts JOIN posts p ON p.id = ts.post_id
		WHERE p.created_at >= ? AND p.created_at < ? GROUP BY p.user_id`, from, to)
}

// PostingDays counts, per member, the distinct days they posted in [from, to).
func (s *Store) PostingDays(ctx context.Context, from, to time.Time) (map[int64]int, error) {
	day := "date(created_at)"
	if s.Dialect() == "postgres" {
		day = "(created_at AT TIME ZONE 'UTC')::date"
	}
	return countsByUser(s.DB(ctx), `SELECT user_id, COUNT(DISTINCT `+day+`) AS n FROM posts
		WHERE deleted_at IS NULL AND created_at >= ? AND created_at < ? GROUP BY user_id`, from, to)
}

// ModerationHistory counts, per member, the warnings and sanctions they
// ever received and the flags on their posts a moderator upheld (hide or
// delete).
func (s *Store) ModerationHistory(ctx context.Context) (map[int64]int, error) {
	return countsByUser(s.DB(ctx), `SELECT user_id, COUNT(*) AS n FROM (
		SELECT user_id FROM warnings
		UNION ALL SELECT user_id FROM sanctions
		UNION ALL SELECT p.user_id FROM mod_queue_items m JOIN posts p ON p.id = m.post_id WHERE m.resolution IN ('hide', 'delete')
	) h GROUP BY user_id`)
}

// AuditCountsByActor counts, per actor, audit entries of the actions in
// [from, to) (posts approved, vouches).
func (s *Store) AuditCountsByActor(ctx context.Context, actions []string, from, to time.Time) (map[int64]int, error) {
	return countsByUser(s.DB(ctx), `SELECT actor_id AS user_id, COUNT(*) AS n FROM audit_entries
		WHERE action IN ? AND created_at >= ? AND created_at < ? GROUP BY actor_id`, actions, from, to)
}

// LocalUsersByRole lists local members holding a role.
func (s *Store) LocalUsersByRole(ctx context.Context, role string) ([]User, error) {
	var out []User
	err := s.DB(ctx).Where("role = ? AND domain = ''", role).Order("username_lower").Find(&out).Error
	return out, err
}

// ReplaceThreadTags makes the thread's tags exactly tags, keeping the tags'
// thread counts right.
func (s *Store) ReplaceThreadTags(ctx context.Context, threadID int64, tags []Tag) error {
	db := s.DB(ctx)
	var current []int64
	if err := db.Model(&ThreadTag{}).Where("thread_id = ?", threadID).Pluck("tag_id", &current).Error; err != nil {
		return err
	}
	keep := map[int64]bool{}
	var add []Tag
	for _, t := range tags {
		keep[t.ID] = true
	}
	have := map[int64]bool{}
	var drop []int64
	for _, id := range current {
		have[id] = true
		if !keep[id] {
			drop = append(drop, id)
		}
	}
	for _, t := range tags {
		if !have[t.ID] {
			add = append(add, t)
		}
	}
	if len(drop) > 0 {
		if err := db.Where("thread_id = ? AND tag_id IN ?", threadID, drop).Delete(&ThreadTag{}).Error; err != nil {
			return err
		}
		if err := db.Model(&Tag{}).Where("id IN ?", drop).UpdateColumn("thread_count", gorm.Expr("thread_count - 1")).Error; err != nil {
			return err
		}
	}
	return s.TagThread(ctx, threadID, add)
}
