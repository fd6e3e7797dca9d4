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

// ContributorTotal is one author's posts over a range (see
// SumContributors and ContributorSum).
type ContributorTotal struct {
	UserID         int64
	Role           string
	Posts, Replies int64
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
// members active in each later week: the rows of cohort_weeks, which
// triggers keep equal to grouping member_activity_weeks (migration 0170).
func (s *Store) CohortCounts(ctx context.Context, firstWeek string) ([]CohortCount, error) {
	var out []CohortCount
	err := s.DB(ctx).Raw(`SELECT join_week, week, members AS n FROM cohort_weeks
		WHERE join_week >= ? AND week > join_week AND members > 0`, firstWeek).Scan(&out).Error
	return out, err
}

// UncountedActiveBetween lists the local members who joined in
// [joinedFrom, joinedBefore) and were active (posted, a post deleted since
// still was activity, or used a session) in [from, to), leaving out those
// with an activity row for week whose join week is joinWeekFrom or later:
// the members a retention cohort has not counted for that week yet. It
// reads only the members of the cohorts that can count (joined before the
// week), by range on idx_users_created.
func (s *Store) UncountedActiveBetween(ctx context.Context, from, to, joinedFrom, joinedBefore time.Time, week, joinWeekFrom string) ([]MemberJoin, error) {
	var out []MemberJoin
	err := s.DB(ctx).Model(&User{}).Select("id, created_at").
		Where(`domain = '' AND created_at >= ? AND created_at < ?
			AND NOT EXISTS (SELECT 1 FROM member_activity_weeks w WHERE w.week = ? AND w.user_id = users.id AND w.join_week >= ?)
			AND (users.id IN (SELECT p.user_id FROM posts p WHERE p.created_at >= ? AND p.created_at < ?)
			OR `+seenBetweenSQL+`)`,
			append([]any{joinedFrom, joinedBefore, week, joinWeekFrom, from, to}, seenArgs(from, to)...)...).Scan(&out).Error
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
