package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copies of the tables migration 0110 created; never edit them (see
// schema_v1.go). Days and weeks are 'YYYY-MM-DD' strings (UTC; a week is
// named by its Monday) so both databases compare and group them alike.

type v110RollupDay struct {
	Day         string `gorm:"primaryKey;size:10"`
	ClaimedBy   string `gorm:"size:32;not null;default:''"`
	LockedUntil *time.Time
	ComputedAt  *time.Time
}

func (v110RollupDay) TableName() string { return "rollup_days" }

type v110DailyStat struct {
	Day             string `gorm:"primaryKey;size:10"`
	CategoryID      int64  `gorm:"primaryKey;autoIncrement:false"`
	Posts           int64  `gorm:"not null;default:0"`
	Threads         int64  `gorm:"not null;default:0"`
	Contributors    int64  `gorm:"not null;default:0"`
	RemoteReplies   int64  `gorm:"not null;default:0"`
	NewMembers      int64  `gorm:"not null;default:0"`
	DAU             int64  `gorm:"column:dau;not null;default:0"`
	WAU             int64  `gorm:"column:wau;not null;default:0"`
	MAU             int64  `gorm:"column:mau;not null;default:0"`
	RemoteFollowers int64  `gorm:"not null;default:0"`
}

func (v110DailyStat) TableName() string { return "daily_stats" }

type v110DailyContributor struct {
	Day     string `gorm:"primaryKey;size:10"`
	UserID  int64  `gorm:"primaryKey;autoIncrement:false"`
	Posts   int64  `gorm:"not null;default:0"`
	Replies int64  `gorm:"not null;default:0"`
}

func (v110DailyContributor) TableName() string { return "daily_contributors" }

type v110DailyInstance struct {
	Day    string `gorm:"primaryKey;size:10"`
	Domain string `gorm:"primaryKey;size:300"`
	Posts  int64  `gorm:"not null;default:0"`
}

func (v110DailyInstance) TableName() string { return "daily_instances" }

type v110ThreadResponse struct {
	ThreadID    int64     `gorm:"primaryKey;autoIncrement:false"`
	CategoryID  int64     `gorm:"not null"`
	ThreadDay   string    `gorm:"size:10;not null;index"`
	ResponseDay string    `gorm:"size:10;not null;index"`
	CreatedAt   time.Time `gorm:"not null"`
	RespondedAt time.Time `gorm:"not null"`
	Seconds     int64     `gorm:"not null"`
	ResponderID int64     `gorm:"not null"`
}

func (v110ThreadResponse) TableName() string { return "thread_responses" }

type v110MemberActivityDay struct {
	Day    string `gorm:"primaryKey;size:10"`
	UserID int64  `gorm:"primaryKey;autoIncrement:false"`
}

func (v110MemberActivityDay) TableName() string { return "member_activity_days" }

type v110MemberActivityWeek struct {
	Week     string `gorm:"primaryKey;size:10;index:idx_member_activity_weeks_join,priority:2"`
	UserID   int64  `gorm:"primaryKey;autoIncrement:false"`
	JoinWeek string `gorm:"size:10;not null;index:idx_member_activity_weeks_join,priority:1"`
}

func (v110MemberActivityWeek) TableName() string { return "member_activity_weeks" }

type v110MemberLastActive struct {
	UserID  int64  `gorm:"primaryKey;autoIncrement:false"`
	LastDay string `gorm:"size:10;not null;index"`
}

func (v110MemberLastActive) TableName() string { return "member_last_active" }

type v110MemberFirstPost struct {
	UserID     int64     `gorm:"primaryKey;autoIncrement:false"`
	PostID     int64     `gorm:"not null"`
	Day        string    `gorm:"size:10;not null;index"`
	PostedAt   time.Time `gorm:"not null"`
	AnsweredAt *time.Time
}

func (v110MemberFirstPost) TableName() string { return "member_first_posts" }

type v110Campaign struct {
	ID        int64     `gorm:"primaryKey"`
	Slug      string    `gorm:"size:50;not null;uniqueIndex"`
	Name      string    `gorm:"size:80;not null"`
	Hashtag   string    `gorm:"size:50;not null;index"`
	StartsAt  time.Time `gorm:"not null"`
	EndsAt    time.Time `gorm:"not null"`
	Target    int64     `gorm:"not null;default:0"`
	CreatedBy int64     `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null"`
}

func (v110Campaign) TableName() string { return "campaigns" }

type v110CampaignSignup struct {
	UserID     int64     `gorm:"primaryKey;autoIncrement:false"`
	CampaignID int64     `gorm:"not null;index"`
	CreatedAt  time.Time `gorm:"not null"`
}

func (v110CampaignSignup) TableName() string { return "campaign_signups" }

type v110ScheduledThread struct {
	ID          int64     `gorm:"primaryKey"`
	UserID      int64     `gorm:"not null"`
	CategoryID  int64     `gorm:"not null"`
	Title       string    `gorm:"size:300;not null"`
	Body        string    `gorm:"type:text;not null"`
	Tags        string    `gorm:"size:600;not null;default:''"`
	PublishAt   time.Time `gorm:"not null;index"`
	BannerUntil *time.Time
	State       string `gorm:"size:16;not null;default:pending;index"`
	ClaimedBy   string `gorm:"size:32;not null;default:''"`
	LockedUntil *time.Time
	Attempts    int    `gorm:"not null;default:0"`
	LastError   string `gorm:"size:1000;not null;default:''"`
	ThreadID    *int64 `gorm:"index"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (v110ScheduledThread) TableName() string { return "scheduled_threads" }

// migrateAnalytics adds the daily rollup tables the community dashboard
// reads, so its figures cost the same on a big forum as on a small one.
// rollup_days records which days are computed and lets one process at a
// time claim a day. Campaigns and the signups they brought, and threads
// scheduled to be published later (announcements, optionally shown as a
// site banner) ride along in this migration. idx_posts_created lets the
// rollup of one day (and the live figures for today) read that day's posts
// by range from the index alone.
func migrateAnalytics(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&v110RollupDay{}, &v110DailyStat{}, &v110DailyContributor{}, &v110DailyInstance{},
		&v110ThreadResponse{}, &v110MemberActivityDay{}, &v110MemberActivityWeek{}, &v110MemberLastActive{}, &v110MemberFirstPost{},
		&v110Campaign{}, &v110CampaignSignup{}, &v110ScheduledThread{}); err != nil {
		return err
	}
	// Covering indexes: a day's posts (and a window's contributors) are
	// read from the index alone, never from the wide post rows.
	for _, q := range []string{
		`CREATE INDEX idx_posts_created ON posts (created_at, user_id, thread_id, number, deleted_at)`,
		`CREATE INDEX idx_daily_contributors_cover ON daily_contributors (day, user_id, posts, replies)`,
	} {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	return nil
}
