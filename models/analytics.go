package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// The community analytics' rollup tables (migration 0110). A day's rows are
// written together by SaveDayRollup; days and weeks are 'YYYY-MM-DD' (UTC,
// a week named by its Monday).

// DailyStat is one day's figures for one category; CategoryID 0 is the
// whole forum, the only row carrying new members and DAU/WAU/MAU.
type DailyStat struct {
	Day             string `gorm:"primaryKey"`
	CategoryID      int64  `gorm:"primaryKey;autoIncrement:false"`
	Posts           int64
	Threads         int64
	Contributors    int64
	RemoteReplies   int64
	NewMembers      int64
	DAU             int64 `gorm:"column:dau"`
	WAU             int64 `gorm:"column:wau"`
	MAU             int64 `gorm:"column:mau"`
	RemoteFollowers int64
	RemoteBoosts    int64 // boosts of posts here by fediverse accounts (migration 0180)
}

// DailyContributor is how much one author posted on one day.
type DailyContributor struct {
	Day     string `gorm:"primaryKey"`
	UserID  int64  `gorm:"primaryKey;autoIncrement:false"`
	Posts   int64
	Replies int64
}

// DailyInstance is how many posts arrived from one remote domain on a day.
type DailyInstance struct {
	Day    string `gorm:"primaryKey"`
	Domain string `gorm:"primaryKey"`
	Posts  int64
}

// ThreadResponse is a thread's first answer by someone other than its
// author; a thread without one has no row. Written by the rollup of the
// day the answer came (ResponseDay).
type ThreadResponse struct {
	ThreadID    int64 `gorm:"primaryKey;autoIncrement:false"`
	CategoryID  int64
	ThreadDay   string
	ResponseDay string
	CreatedAt   time.Time
	RespondedAt time.Time
	Seconds     int64
	ResponderID int64
}

// MemberActivityDay says a local member was active (posted, or used a
// session) on a day.
type MemberActivityDay struct {
	Day    string `gorm:"primaryKey"`
	UserID int64  `gorm:"primaryKey;autoIncrement:false"`
}

// MemberActivityWeek is the same per week, with the week the member joined,
// for retention cohorts.
type MemberActivityWeek struct {
	Week     string `gorm:"primaryKey"`
	UserID   int64  `gorm:"primaryKey;autoIncrement:false"`
	JoinWeek string
}

// MemberLastActive is the last rolled-up day a member was active.
type MemberLastActive struct {
	UserID  int64 `gorm:"primaryKey;autoIncrement:false"`
	LastDay string
}

// MemberFirstPost is a member's first post and when someone else first
// posted after it in that thread (nil if nobody has yet).
type MemberFirstPost struct {
	UserID     int64 `gorm:"primaryKey;autoIncrement:false"`
	PostID     int64
	ThreadID   int64 `gorm:"-"` // not stored: today's partial needs it to find answers written since
	Day        string
	PostedAt   time.Time
	AnsweredAt *time.Time
}

// TableName implementations: gorm would pluralise oddly.
func (MemberActivityDay) TableName() string  { return "member_activity_days" }
func (MemberActivityWeek) TableName() string { return "member_activity_weeks" }
func (MemberLastActive) TableName() string   { return "member_last_active" }
func (MemberFirstPost) TableName() string    { return "member_first_posts" }

// ActiveMember is a local member active on a day, with their join week.
type ActiveMember struct {
	UserID   int64
	JoinWeek string
}

// DayRollup is everything the rollup stores for one day.
type DayRollup struct {
	Day          string
	Week         string
	Stats        []DailyStat // DAU/WAU/MAU of the forum row are filled by SaveDayRollup
	Contributors []DailyContributor
	Instances    []DailyInstance
	Responses    []ThreadResponse
	Active       []ActiveMember
	FirstPosts   []MemberFirstPost
	Roles        map[int64]string // authors' roles, for figures computed live; not stored
}

// SaveDayRollup replaces a day's rollup rows in one transaction, then
// derives the day's DAU, WAU and MAU from the activity table. Activity rows
// are only ever added (a session only remembers its last use, so a later
// recompute may see less than an earlier one did); everything else is
// replaced, so recomputing a day over unchanged data gives the same rows.
func (s *Store) SaveDayRollup(ctx context.Context, r *DayRollup, weekAgo, monthAgo string) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		db := s.DB(ctx)
		for _, q := range []string{
			"DELETE FROM daily_stats WHERE day = ?", "DELETE FROM daily_contributors WHERE day = ?",
			"DELETE FROM daily_instances WHERE day = ?", "DELETE FROM thread_responses WHERE response_day = ?",
			"DELETE FROM member_first_posts WHERE day = ?",
		} {
			if err := db.Exec(q, r.Day).Error; err != nil {
				return err
			}
		}
		ids := make([]int64, 0, len(r.Responses))
		for _, t := range r.Responses {
			ids = append(ids, t.ThreadID)
		}
		if len(ids) > 0 { // an answer deleted since: the thread's next answer replaces it
			for i := 0; i < len(ids); i += 500 {
				if err := db.Exec("DELETE FROM thread_responses WHERE thread_id IN ?", ids[i:min(i+500, len(ids))]).Error; err != nil {
					return err
				}
			}
		}
		for _, rows := range []any{&r.Stats, &r.Contributors, &r.Instances, &r.Responses, &r.FirstPosts} {
			if err := db.CreateInBatches(rows, 400).Error; err != nil {
				return err
			}
		}
		days := make([]MemberActivityDay, len(r.Active))
		weeks := make([]MemberActivityWeek, len(r.Active))
		last := make([]MemberLastActive, len(r.Active))
		for i, a := range r.Active {
			days[i] = MemberActivityDay{Day: r.Day, UserID: a.UserID}
			weeks[i] = MemberActivityWeek{Week: r.Week, UserID: a.UserID, JoinWeek: a.JoinWeek}
			last[i] = MemberLastActive{UserID: a.UserID, LastDay: r.Day}
		}
		keep := clause.OnConflict{DoNothing: true}
		if err := db.Clauses(keep).CreateInBatches(&days, 400).Error; err != nil {
			return err
		}
		if err := db.Clauses(keep).CreateInBatches(&weeks, 400).Error; err != nil {
			return err
		}
		later := clause.OnConflict{Columns: []clause.Column{{Name: "user_id"}},
			DoUpdates: clause.Set{{Column: clause.Column{Name: "last_day"}, Value: r.Day}},
			Where:     clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "member_last_active.last_day < ?", Vars: []any{r.Day}}}}}
		if err := db.Clauses(later).CreateInBatches(&last, 400).Error; err != nil {
			return err
		}
		return db.Exec(`UPDATE daily_stats SET
			dau = (SELECT COUNT(*) FROM member_activity_days WHERE day = ?),
			wau = (SELECT COUNT(DISTINCT user_id) FROM member_activity_days WHERE day > ? AND day <= ?),
			mau = (SELECT COUNT(DISTINCT user_id) FROM member_activity_days WHERE day > ? AND day <= ?)
			WHERE day = ? AND category_id = 0`, r.Day, weekAgo, r.Day, monthAgo, r.Day, r.Day).Error
	})
}

// ClaimRollupDay takes the right to compute day for lease. It is one
// conditional UPDATE, so of several processes exactly one wins; a claim
// whose process died expires with its lease.
func (s *Store) ClaimRollupDay(ctx context.Context, day, token string, now time.Time, lease time.Duration) (bool, error) {
	if err := s.DB(ctx).Exec(
		"INSERT INTO rollup_days (day, claimed_by) VALUES (?, '') ON CONFLICT DO NOTHING", day).Error; err != nil {
		return false, err
	}
	res := s.DB(ctx).Exec(`UPDATE rollup_days SET claimed_by = ?, locked_until = ?
		WHERE day = ? AND (locked_until IS NULL OR locked_until < ?)`, token, now.Add(lease), day, now)
	return res.RowsAffected == 1, res.Error
}

// FinishRollupDay records that the claimer computed day at now.
func (s *Store) FinishRollupDay(ctx context.Context, day, token string, now time.Time) error {
	return s.DB(ctx).Exec("UPDATE rollup_days SET computed_at = ?, locked_until = NULL WHERE day = ? AND claimed_by = ?", now, day, token).Error
}

// ReleaseRollupDay gives a claim up after a failed computation.
func (s *Store) ReleaseRollupDay(ctx context.Context, day, token string) error {
	return s.DB(ctx).Exec("UPDATE rollup_days SET locked_until = NULL WHERE day = ? AND claimed_by = ?", day, token).Error
}

// RollupComputed returns when each computed day in [from, to] was computed.
func (s *Store) RollupComputed(ctx context.Context, from, to string) (map[string]time.Time, error) {
	rows, err := s.DB(ctx).Raw("SELECT day, computed_at FROM rollup_days WHERE day >= ? AND day <= ? AND computed_at IS NOT NULL", from, to).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var d string
		var at time.Time
		if err := rows.Scan(&d, &at); err != nil {
			return nil, err
		}
		out[d] = at
	}
	return out, rows.Err()
}
