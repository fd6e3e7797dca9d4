package models

import (
	"context"
	"strconv"
	"time"
)

// Reads of the rollup tables for a range of days [from, to] ('YYYY-MM-DD',
// both included). They touch rollup rows only, never posts.

// DailyStatsBetween lists the rollup rows of the days in range, every
// category and the forum row (category 0), by day.
func (s *Store) DailyStatsBetween(ctx context.Context, from, to string) ([]DailyStat, error) {
	var out []DailyStat
	err := s.DB(ctx).Where("day >= ? AND day <= ?", from, to).Order("day, category_id").Find(&out).Error
	return out, err
}

// ResponseSample is one answered thread's wait.
type ResponseSample struct {
	CategoryID int64
	ThreadDay  string
	Seconds    int64
}

// ResponsesForThreadsBetween lists the first-answer waits of threads
// started in range.
func (s *Store) ResponsesForThreadsBetween(ctx context.Context, from, to string) ([]ResponseSample, error) {
	rows, err := s.DB(ctx).Raw("SELECT category_id, thread_day, seconds FROM thread_responses WHERE thread_day >= ? AND thread_day <= ?", from, to).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ResponseSample
	for rows.Next() {
		var r ResponseSample
		if err := rows.Scan(&r.CategoryID, &r.ThreadDay, &r.Seconds); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ContributorTotal is one author's posts over a range.
type ContributorTotal struct {
	UserID         int64
	Role           string
	Posts, Replies int64
}

// ContributorTotalsBetween sums each author's posts over the range, in no
// particular order (the caller ranks them after merging live days; a
// second sort here cost a temporary b-tree over every author).
func (s *Store) ContributorTotalsBetween(ctx context.Context, from, to string) ([]ContributorTotal, error) {
	rows, err := s.DB(ctx).Raw(`SELECT c.user_id, u.role, c.posts, c.replies FROM
		(SELECT user_id, SUM(posts) AS posts, SUM(replies) AS replies FROM daily_contributors WHERE day >= ? AND day <= ? GROUP BY user_id) c
		JOIN users u ON u.id = c.user_id`, from, to).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ContributorTotal
	for rows.Next() {
		var c ContributorTotal
		if err := rows.Scan(&c.UserID, &c.Role, &c.Posts, &c.Replies); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// InstancesBetween lists the remote domains whose members posted in range.
func (s *Store) InstancesBetween(ctx context.Context, from, to string) ([]string, error) {
	var out []string
	err := s.DB(ctx).Raw("SELECT DISTINCT domain FROM daily_instances WHERE day >= ? AND day <= ? ORDER BY domain", from, to).Scan(&out).Error
	return out, err
}

// FirstPostsInRange lists newcomers' first posts written in range.
func (s *Store) FirstPostsInRange(ctx context.Context, from, to string) ([]MemberFirstPost, error) {
	var out []MemberFirstPost
	err := s.DB(ctx).Where("day >= ? AND day <= ?", from, to).Find(&out).Error
	return out, err
}

// ActiveSince lists the members whose last rolled-up active day is on or
// after day.
func (s *Store) ActiveSince(ctx context.Context, day string) ([]int64, error) {
	rows, err := s.DB(ctx).Raw("SELECT user_id FROM member_last_active WHERE last_day >= ?", day).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// CohortCount is how many members who joined in JoinWeek were active in Week.
type CohortCount struct {
	JoinWeek, Week string
	N              int64
}

// CohortCounts counts, for members who joined from firstWeek on, the
// members active in each later week.
func (s *Store) CohortCounts(ctx context.Context, firstWeek string) ([]CohortCount, error) {
	var out []CohortCount
	err := s.DB(ctx).Raw(`SELECT join_week, week, COUNT(*) AS n FROM member_activity_weeks
		WHERE join_week >= ? AND week > join_week GROUP BY join_week, week`, firstWeek).Scan(&out).Error
	return out, err
}

// ActiveInWeek lists the members with a rolled-up activity row for week.
func (s *Store) ActiveInWeek(ctx context.Context, week string, joinedFrom string) ([]int64, error) {
	var out []int64
	err := s.DB(ctx).Raw("SELECT user_id FROM member_activity_weeks WHERE week = ? AND join_week >= ?", week, joinedFrom).Scan(&out).Error
	return out, err
}

// LocalJoinsSince lists local members who joined at or after t.
func (s *Store) LocalJoinsSince(ctx context.Context, t time.Time) ([]MemberJoin, error) {
	var out []MemberJoin
	err := s.DB(ctx).Model(&User{}).Select("id, created_at").Where("domain = '' AND created_at >= ?", t).Scan(&out).Error
	return out, err
}

// RollupVersion changes whenever a day's rollup is (re)computed.
func (s *Store) RollupVersion(ctx context.Context) (string, error) {
	var row struct {
		N    int64
		Last string
	}
	err := s.DB(ctx).Raw("SELECT COUNT(*) AS n, COALESCE(CAST(MAX(computed_at) AS VARCHAR(64)), '') AS last FROM rollup_days").Scan(&row).Error
	return strconv.FormatInt(row.N, 10) + "@" + row.Last, err
}
