package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// ThreadSolution marks one reply as the answer to its thread (migration
// 0050). One row per thread: marking another reply replaces it.
type ThreadSolution struct {
	ThreadID  int64 `gorm:"primaryKey;autoIncrement:false"`
	PostID    int64 `gorm:"not null;index"`
	MarkedBy  int64 `gorm:"not null"`
	CreatedAt time.Time
}

// ThreadAssignment hands a thread to a team member for follow-up, with an
// optional due time (migration 0050). One row per thread.
type ThreadAssignment struct {
	ID         int64 `gorm:"primaryKey"`
	ThreadID   int64 `gorm:"not null;uniqueIndex"`
	AssigneeID int64 `gorm:"not null;index"`
	DueAt      *time.Time
	AssignedBy int64 `gorm:"not null"`
	CreatedAt  time.Time
}

// SolutionOf returns a thread's solution, or ErrNotFound.
func (s *Store) SolutionOf(ctx context.Context, threadID int64) (*ThreadSolution, error) {
	var sol ThreadSolution
	if err := s.DB(ctx).Where("thread_id = ?", threadID).Take(&sol).Error; err != nil {
		return nil, notFound(err)
	}
	return &sol, nil
}

// SetSolution inserts or replaces a thread's solution.
func (s *Store) SetSolution(ctx context.Context, sol *ThreadSolution) error {
	return s.DB(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "thread_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"post_id", "marked_by", "created_at"}),
	}).Create(sol).Error
}

// SetAssignment inserts or replaces a thread's assignment.
func (s *Store) SetAssignment(ctx context.Context, a *ThreadAssignment) error {
	return s.DB(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "thread_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"assignee_id", "due_at", "assigned_by", "created_at"}),
	}).Create(a).Error
}

// AssignmentsFor returns the assignments of the given threads, by thread id.
func (s *Store) AssignmentsFor(ctx context.Context, threadIDs []int64) (map[int64]*ThreadAssignment, error) {
	out := map[int64]*ThreadAssignment{}
	if len(threadIDs) == 0 {
		return out, nil
	}
	var rows []ThreadAssignment
	if err := s.DB(ctx).Where("thread_id IN ?", threadIDs).Find(&rows).Error; err != nil {
		return nil, err
	}
	for i := range rows {
		out[rows[i].ThreadID] = &rows[i]
	}
	return out, nil
}

// NeedsResponseQuery selects unanswered, unsolved threads.
type NeedsResponseQuery struct {
	CategoryID    int64         // 0 for every category
	CreatedBefore time.Time     // only threads at least this old
	After         *KeysetCursor // the last row of the previous page
}

// noReplyFromOthers is true for a thread nobody but its author has posted a
// live (neither deleted nor hidden) reply in: a removed reply answered
// nobody. Shared with the overdue-assignment alerts.
const noReplyFromOthers = "threads.first_response_at IS NULL"

// NeedsResponse lists live threads with no live reply (neither deleted nor
// hidden) from anyone but their author and no solution, oldest first,
// keyset-paged on (created_at, id). threads.first_response_at is kept by
// triggers (migration 0150), so this reads only unanswered threads from the
// partial index idx_threads_needs_response(_cat), never their posts.
func (s *Store) NeedsResponse(ctx context.Context, q NeedsResponseQuery, limit int) ([]Thread, error) {
	db := s.DB(ctx).Model(&Thread{})
	if s.DB(ctx).Dialector.Name() != "postgres" {
		// SQLite's planner, without statistics for the partial index, may
		// prefer the full idx_threads_created (same order, every thread):
		// hundreds of milliseconds on a big forum instead of a few rows.
		idx := "idx_threads_needs_response"
		if q.CategoryID != 0 {
			idx += "_cat"
		}
		db = db.Table("threads INDEXED BY " + idx)
	}
	db = db.Where("threads.deleted_at IS NULL AND "+noReplyFromOthers+" AND threads.created_at <= ?", q.CreatedBefore).
		Where("NOT EXISTS (SELECT 1 FROM thread_solutions s WHERE s.thread_id = threads.id)")
	if q.CategoryID != 0 {
		db = db.Where("threads.category_id = ?", q.CategoryID)
	}
	if a := q.After; a != nil {
		db = db.Where("(threads.created_at > ? OR (threads.created_at = ? AND threads.id > ?))", a.CreatedAt, a.CreatedAt, a.ID)
	}
	var out []Thread
	err := db.Order("threads.created_at, threads.id").Limit(limit).Find(&out).Error
	return out, err
}

// The queries below feed the community analytics. They read the live tables
// directly; daily rollups will replace them when the dashboard must stay
// fast on a big forum, and these remain the definition the rollups match.

// CountActiveMembers counts local members who posted, logged in or used a
// session in [from, to). A session row only keeps its last use, so a member
// active on Monday and again on Friday counts for Friday only; posts fill
// most of that gap.
func (s *Store) CountActiveMembers(ctx context.Context, from, to time.Time) (int64, error) {
	var n int64
	err := s.DB(ctx).Model(&User{}).
		Where("users.domain = ''").
		Where(`(EXISTS (SELECT 1 FROM posts p WHERE p.user_id = users.id AND p.created_at >= ? AND p.created_at < ?)
			OR `+seenBetweenSQL+`)`,
			append([]any{from, to}, seenArgs(from, to)...)...).
		Count(&n).Error
	return n, err
}

// CountNewMembers counts local accounts created in [from, to).
func (s *Store) CountNewMembers(ctx context.Context, from, to time.Time) (int64, error) {
	var n int64
	err := s.DB(ctx).Model(&User{}).Where("domain = '' AND created_at >= ? AND created_at < ?", from, to).Count(&n).Error
	return n, err
}

// CountPostsIn counts live posts written in [from, to); remoteOnly keeps
// those whose author is a fediverse account.
func (s *Store) CountPostsIn(ctx context.Context, from, to time.Time, remoteOnly bool) (int64, error) {
	var n int64
	db := s.DB(ctx).Model(&Post{}).Where("posts.deleted_at IS NULL AND posts.created_at >= ? AND posts.created_at < ?", from, to)
	if remoteOnly {
		db = db.Joins("JOIN users u ON u.id = posts.user_id").Where("u.domain <> ''")
	}
	err := db.Count(&n).Error
	return n, err
}

// CountThreadsIn counts live threads started in [from, to).
func (s *Store) CountThreadsIn(ctx context.Context, from, to time.Time) (int64, error) {
	var n int64
	err := s.DB(ctx).Model(&Thread{}).Where("deleted_at IS NULL AND created_at >= ? AND created_at < ?", from, to).Count(&n).Error
	return n, err
}

// CountAllFollowers counts remote follows of any local actor.
func (s *Store) CountAllFollowers(ctx context.Context) (int64, error) {
	var n int64
	err := s.DB(ctx).Table("followers").Count(&n).Error
	return n, err
}

// FirstResponse is a thread and when someone other than its author first
// posted in it (nil if nobody has).
type FirstResponse struct {
	ThreadID     int64
	CreatedAt    time.Time
	FirstReplyAt *time.Time
}

// FirstResponses lists the live threads started in [from, to) with their
// first reply by another member. Post numbers follow creation order, so the
// lowest-numbered such post is the first, found on the (thread_id, number)
// index.
func (s *Store) FirstResponses(ctx context.Context, from, to time.Time) ([]FirstResponse, error) {
	var out []FirstResponse
	err := s.DB(ctx).Table("threads t").
		Select("t.id AS thread_id, t.created_at AS created_at, p.created_at AS first_reply_at").
		Joins(`LEFT JOIN posts p ON p.id = (SELECT p2.id FROM posts p2 WHERE p2.thread_id = t.id AND p2.user_id <> t.user_id
			AND p2.deleted_at IS NULL ORDER BY p2.number LIMIT 1)`).
		Where("t.deleted_at IS NULL AND t.created_at >= ? AND t.created_at < ?", from, to).
		Order("t.id").Scan(&out).Error
	return out, err
}

// MemberJoin is a local member and when they joined.
type MemberJoin struct {
	ID        int64
	CreatedAt time.Time
}

// Activity is one moment a member was active.
type Activity struct {
	UserID int64
	At     time.Time
}

// CohortActivity returns the local members who joined in [from, to) and the
// moments they were active (posts, session use) from `from` on, for weekly
// retention cohorts.
func (s *Store) CohortActivity(ctx context.Context, from, to time.Time) ([]MemberJoin, []Activity, error) {
	var members []MemberJoin
	if err := s.DB(ctx).Model(&User{}).Select("id, created_at").
		Where("domain = '' AND created_at >= ? AND created_at < ?", from, to).Scan(&members).Error; err != nil {
		return nil, nil, err
	}
	if len(members) == 0 {
		return nil, nil, nil
	}
	cohort := s.DB(ctx).Model(&User{}).Select("id").Where("domain = '' AND created_at >= ? AND created_at < ?", from, to)
	var acts, seen []Activity
	if err := s.DB(ctx).Model(&Post{}).Select("user_id, created_at AS at").
		Where("user_id IN (?) AND created_at >= ?", cohort, from).Scan(&acts).Error; err != nil {
		return nil, nil, err
	}
	if err := s.DB(ctx).Model(&Session{}).Select("user_id, last_seen_at AS at").
		Where("user_id IN (?) AND last_seen_at >= ?", cohort, from).Scan(&seen).Error; err != nil {
		return nil, nil, err
	}
	var days []Activity
	if err := s.DB(ctx).Model(&MemberSeenDay{}).Select("user_id, first_at AS at").
		Where("user_id IN (?) AND first_at >= ?", cohort, from).Scan(&days).Error; err != nil {
		return nil, nil, err
	}
	return members, append(append(acts, seen...), days...), nil
}
