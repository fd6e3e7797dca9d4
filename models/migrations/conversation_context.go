package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copies of the models migration 0450 created; never edit them (see
// schema_v1.go).
type v450RemoteContext struct {
	ID        int64  `gorm:"primaryKey"`
	ContextID string `gorm:"size:2048;not null;uniqueIndex"`
	ThreadID  int64  `gorm:"not null;index"`
	CreatedAt time.Time
}

func (v450RemoteContext) TableName() string { return "remote_contexts" }

type v450PendingReply struct {
	ID            int64  `gorm:"primaryKey"`
	NoteID        string `gorm:"size:2048;not null;uniqueIndex"`
	Actor         string `gorm:"size:2048;not null"`
	Host          string `gorm:"size:255;not null;index"`
	WaitingFor    string `gorm:"size:2048;not null;index"`
	Note          string `gorm:"type:text;not null"`
	State         string `gorm:"size:16;not null;default:pending"`
	Attempts      int    `gorm:"not null;default:0"`
	ClaimedBy     string `gorm:"size:64;not null;default:''"`
	LockedUntil   *time.Time
	NextAttemptAt time.Time `gorm:"not null;index"`
	ExpiresAt     time.Time `gorm:"not null"`
	LastError     string    `gorm:"size:2000;not null;default:''"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (v450PendingReply) TableName() string { return "pending_replies" }

// migrateConversationContext adds remote_contexts (a fediverse
// conversation's context id, FEP-7888, and the Hearth thread its replies
// joined, so a later reply naming that context finds the thread) and
// pending_replies (replies whose parent could not be fetched yet, retried
// by the federation workers until they expire).
func migrateConversationContext(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v450RemoteContext{}, &v450PendingReply{})
}

type v451BackfillRequest struct {
	ID          int64  `gorm:"primaryKey"`
	ThreadID    int64  `gorm:"not null;index"`
	RequestedBy *int64 // the moderator who asked; nil when Hearth queued it
	State       string `gorm:"size:16;not null;default:pending"`
	Attempts    int    `gorm:"not null;default:0"`
	ClaimedBy   string `gorm:"size:64;not null;default:''"`
	LockedUntil *time.Time
	Imported    int    `gorm:"not null;default:0"`
	LastError   string `gorm:"size:2000;not null;default:''"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (v451BackfillRequest) TableName() string { return "backfill_requests" }

// migrateBackfillRequests adds backfill_requests: a thread whose missed
// fediverse replies should be fetched from its remote conversations'
// context or replies collections, claimed by the federation workers.
func migrateBackfillRequests(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v451BackfillRequest{})
}
