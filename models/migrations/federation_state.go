package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copies of the federation tables as migration 0005 created them;
// never edit them (see schema_v1.go).

// v5RemoteActor caches a remote actor's document: what signature checks
// (its key) and deliveries (its inboxes) need without a fetch each time.
type v5RemoteActor struct {
	ID                int64  `gorm:"primaryKey"`
	APID              string `gorm:"column:ap_id;size:2048;not null;uniqueIndex"`
	Inbox             string `gorm:"size:2048;not null;default:''"`
	SharedInbox       string `gorm:"size:2048;not null;default:''"`
	PublicKeyPEM      string `gorm:"column:public_key_pem;type:text;not null;default:''"`
	KeyID             string `gorm:"size:2048;not null;default:'';index"`
	PreferredUsername string `gorm:"size:300;not null;default:''"`
	Name              string `gorm:"size:300;not null;default:''"`
	Domain            string `gorm:"size:300;not null;default:'';index"`
	IconURL           string `gorm:"size:2048;not null;default:''"`
	FetchedAt         time.Time
	CreatedAt         time.Time
}

func (v5RemoteActor) TableName() string { return "remote_actors" }

// v5Follower is a remote actor following a local member or category.
type v5Follower struct {
	ID               int64  `gorm:"primaryKey"`
	LocalActorType   string `gorm:"size:16;not null;uniqueIndex:idx_followers_pair,priority:1"`
	LocalActorID     int64  `gorm:"not null;uniqueIndex:idx_followers_pair,priority:2"`
	RemoteActorID    int64  `gorm:"not null;uniqueIndex:idx_followers_pair,priority:3;index"`
	FollowActivityID string `gorm:"size:2048;not null;default:''"`
	CreatedAt        time.Time
}

func (v5Follower) TableName() string { return "followers" }

// v5Following is a local member following a remote actor; Accepted turns
// true when the remote side sends Accept.
type v5Following struct {
	ID               int64  `gorm:"primaryKey"`
	UserID           int64  `gorm:"not null;uniqueIndex:idx_following_pair,priority:1"`
	RemoteActorID    int64  `gorm:"not null;uniqueIndex:idx_following_pair,priority:2"`
	FollowActivityID string `gorm:"size:2048;not null;uniqueIndex"`
	Accepted         bool   `gorm:"not null;default:false"`
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (v5Following) TableName() string { return "following" }

// v5InboxActivity is a verified inbound activity waiting for (or done
// with) processing; the unique activity id makes redelivery a no-op.
type v5InboxActivity struct {
	ID          int64      `gorm:"primaryKey"`
	ActivityID  string     `gorm:"size:2048;not null;uniqueIndex"`
	Signer      string     `gorm:"size:2048;not null;default:''"`
	Body        string     `gorm:"type:text;not null"`
	State       string     `gorm:"size:16;not null;default:pending;index:idx_inbox_claim,priority:1"`
	Attempts    int        `gorm:"not null;default:0"`
	LockedUntil *time.Time `gorm:"index:idx_inbox_claim,priority:2"`
	ClaimedBy   string     `gorm:"size:64;not null;default:''"`
	LastError   string     `gorm:"size:2000;not null;default:''"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (v5InboxActivity) TableName() string { return "inbox_activities" }

// v5Delivery is one activity on its way to one remote inbox.
type v5Delivery struct {
	ID            int64     `gorm:"primaryKey"`
	ActivityJSON  string    `gorm:"column:activity_json;type:text;not null"`
	ActorType     string    `gorm:"size:16;not null"`
	ActorID       int64     `gorm:"not null"`
	InboxURL      string    `gorm:"size:2048;not null"`
	Attempts      int       `gorm:"not null;default:0"`
	NextAttemptAt time.Time `gorm:"not null;index:idx_deliveries_due,priority:2"`
	State         string    `gorm:"size:16;not null;default:pending;index:idx_deliveries_due,priority:1"`
	LockedUntil   *time.Time
	ClaimedBy     string `gorm:"size:64;not null;default:''"`
	LastError     string `gorm:"size:2000;not null;default:''"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (v5Delivery) TableName() string { return "deliveries" }

// migrateFederationState adds the tables inbound and outbound federation
// keep their state in: cached remote actors, follows both ways, the inbox
// queue and the delivery queue.
func migrateFederationState(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v5RemoteActor{}, &v5Follower{}, &v5Following{},
		&v5InboxActivity{}, &v5Delivery{})
}
