package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copies of the models migration 0100 created; never edit them (see
// schema_v1.go).

type v100NotificationLevel struct {
	ID         int64     `gorm:"primaryKey"`
	UserID     int64     `gorm:"not null;uniqueIndex:idx_notification_levels_target,priority:1"`
	TargetKind string    `gorm:"size:8;not null;uniqueIndex:idx_notification_levels_target,priority:2;index:idx_notification_levels_watchers,priority:1"`
	TargetID   int64     `gorm:"not null;uniqueIndex:idx_notification_levels_target,priority:3;index:idx_notification_levels_watchers,priority:2"`
	Level      string    `gorm:"size:12;not null;index:idx_notification_levels_watchers,priority:3"`
	Auto       bool      `gorm:"not null;default:false"`
	LastRead   int       `gorm:"not null;default:0"`
	CreatedAt  time.Time `gorm:"not null"`
	UpdatedAt  time.Time `gorm:"not null"`
}

func (v100NotificationLevel) TableName() string { return "notification_levels" }

type v100MailSetting struct {
	UserID             int64     `gorm:"primaryKey;autoIncrement:false"`
	EmailNotifications bool      `gorm:"not null;default:false"`
	EmailDigest        bool      `gorm:"not null;default:false;index"`
	UpdatedAt          time.Time `gorm:"not null"`
}

func (v100MailSetting) TableName() string { return "mail_settings" }

type v100Mail struct {
	ID            int64  `gorm:"primaryKey"`
	UserID        int64  `gorm:"not null;index"`
	Kind          string `gorm:"size:16;not null"`
	ToAddr        string `gorm:"size:254;not null"`
	Subject       string `gorm:"size:300;not null"`
	Text          string `gorm:"type:text;not null"`
	HTML          string `gorm:"type:text;not null"`
	ListScope     string `gorm:"size:16;not null"`
	DedupeKey     string `gorm:"size:120;not null;uniqueIndex"`
	State         string `gorm:"size:16;not null;index:idx_mails_due,priority:1"`
	Attempts      int    `gorm:"not null;default:0"`
	ClaimedBy     string `gorm:"size:32;not null;default:''"`
	LockedUntil   *time.Time
	NextAttemptAt time.Time `gorm:"not null;index:idx_mails_due,priority:2"`
	LastError     string    `gorm:"size:2000;not null;default:''"`
	SentAt        *time.Time
	CreatedAt     time.Time `gorm:"not null"`
	UpdatedAt     time.Time `gorm:"not null"`
}

func (v100Mail) TableName() string { return "mails" }

type v100DigestRun struct {
	Week       string    `gorm:"size:10;primaryKey"`
	StartedAt  time.Time `gorm:"not null"`
	FinishedAt *time.Time
	Queued     int `gorm:"not null;default:0"`
}

func (v100DigestRun) TableName() string { return "digest_runs" }

type v100OverdueAlert struct {
	ThreadID   int64     `gorm:"primaryKey;autoIncrement:false"`
	AssigneeID int64     `gorm:"primaryKey;autoIncrement:false"`
	DueUnix    int64     `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt  time.Time `gorm:"not null"`
}

func (v100OverdueAlert) TableName() string { return "overdue_alerts" }

type v100InstanceSecret struct {
	Name      string    `gorm:"size:64;primaryKey"`
	Value     string    `gorm:"size:200;not null"`
	CreatedAt time.Time `gorm:"not null"`
}

func (v100InstanceSecret) TableName() string { return "instance_secrets" }

// migrateMail adds watch/track/mute levels, per-member mail preferences,
// the mail queue, the weekly digest's run record, the once-only marks of
// overdue follow-up alerts and the instance's generated secrets. The queue
// is claimed like deliveries (state, next_attempt_at); its unique dedupe
// key is what makes a notification's or a week's mail exist at most once
// whichever process queues it. The watchers index serves "who watches this
// thread or category" on every new post.
func migrateMail(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v100NotificationLevel{}, &v100MailSetting{}, &v100Mail{},
		&v100DigestRun{}, &v100OverdueAlert{}, &v100InstanceSecret{})
}
