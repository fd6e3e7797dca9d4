package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copies of the models migration 0080 created; never edit them (see
// schema_v1.go).
type v80Poll struct {
	ID            int64   `gorm:"primaryKey"`
	PostID        *int64  `gorm:"uniqueIndex:idx_polls_post"`
	ThreadID      *int64  `gorm:"index"`
	APID          *string `gorm:"column:ap_id;size:2048;uniqueIndex:idx_polls_ap_id"`
	RemoteActorID *int64
	Multiple      bool `gorm:"not null;default:false"`
	ClosesAt      *time.Time
	ClosedAt      *time.Time
	VotersCount   int `gorm:"not null;default:0"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (v80Poll) TableName() string { return "polls" }

type v80PollOption struct {
	PollID     int64  `gorm:"primaryKey;autoIncrement:false"`
	Position   int    `gorm:"primaryKey;autoIncrement:false"`
	Name       string `gorm:"size:500;not null"`
	VotesCount int    `gorm:"not null;default:0"`
}

func (v80PollOption) TableName() string { return "poll_options" }

type v80PollVoter struct {
	PollID    int64 `gorm:"primaryKey;autoIncrement:false"`
	UserID    int64 `gorm:"primaryKey;autoIncrement:false;index"`
	CreatedAt time.Time
}

func (v80PollVoter) TableName() string { return "poll_voters" }

type v80PollVote struct {
	PollID    int64 `gorm:"primaryKey;autoIncrement:false"`
	UserID    int64 `gorm:"primaryKey;autoIncrement:false"`
	Position  int   `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time
}

func (v80PollVote) TableName() string { return "poll_votes" }

type v80PollUpdate struct {
	DeliveryID int64 `gorm:"primaryKey;autoIncrement:false"`
	PollID     int64 `gorm:"not null;index"`
}

func (v80PollUpdate) TableName() string { return "poll_updates" }

// migratePolls adds polls. A poll hangs off one post (post_id unique); a
// poll from the fediverse has its Question's id in ap_id (unique, so a
// redelivered Create stores it once) and keeps the origin's tallies in
// votes_count and voters_count. poll_voters holds one row per voter and
// poll: its primary key is what makes a second (or concurrent) vote from
// the same member or remote actor fail. poll_votes holds the options
// chosen, one row per option. poll_updates ties a poll to its queued,
// not yet sent Update{Question} deliveries, so further votes refresh those
// rows instead of queueing another Update each.
func migratePolls(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v80Poll{}, &v80PollOption{}, &v80PollVoter{}, &v80PollVote{}, &v80PollUpdate{})
}
