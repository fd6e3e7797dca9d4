package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copies of the models migration 0400 created; never edit them (see
// schema_v1.go).
type v400Conversation struct {
	ID            int64  `gorm:"primaryKey"`
	Subject       string `gorm:"size:200;not null;default:''"`
	CreatedBy     int64  `gorm:"not null"`
	LastMessageID int64  `gorm:"not null;default:0"`
	LastMessageAt time.Time
	CreatedAt     time.Time
}

func (v400Conversation) TableName() string { return "conversations" }

type v400ConversationParticipant struct {
	ConversationID int64 `gorm:"primaryKey;autoIncrement:false"`
	UserID         int64 `gorm:"primaryKey;autoIncrement:false"`
	Unread         int   `gorm:"not null;default:0"`
	LastReadID     int64 `gorm:"not null;default:0"`
	Muted          bool  `gorm:"not null;default:false"`
	LeftAt         *time.Time
	JoinedAt       time.Time
}

func (v400ConversationParticipant) TableName() string { return "conversation_participants" }

type v400Message struct {
	ID             int64   `gorm:"primaryKey"`
	ConversationID int64   `gorm:"not null"`
	UserID         int64   `gorm:"not null"`
	Body           string  `gorm:"type:text;not null"`
	HTML           string  `gorm:"type:text;not null"`
	APID           *string `gorm:"column:ap_id;size:2048"`
	CreatedAt      time.Time
}

func (v400Message) TableName() string { return "messages" }

type v400MessageBlock struct {
	BlockerID int64 `gorm:"primaryKey;autoIncrement:false"`
	BlockedID int64 `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time
}

func (v400MessageBlock) TableName() string { return "message_blocks" }

// migrateMessages adds private conversations. A participant is a users
// row, local member or remote account alike, so one table serves both;
// its Unread counter makes the header's count one index probe
// (idx_conversation_participants_unread), like notifications'. Messages
// are read per conversation in id order; ap_id is unique where set, so a
// federated message redelivered is stored once and a reply's inReplyTo
// finds the conversation it continues.
func migrateMessages(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&v400Conversation{}, &v400ConversationParticipant{}, &v400Message{}, &v400MessageBlock{}); err != nil {
		return err
	}
	for _, s := range []string{
		`CREATE INDEX idx_conversation_participants_user ON conversation_participants (user_id, unread)`,
		`CREATE INDEX idx_messages_conversation ON messages (conversation_id, id)`,
		`CREATE INDEX idx_messages_user_created ON messages (user_id, created_at)`,
		`CREATE UNIQUE INDEX idx_messages_ap_id ON messages (ap_id)`,
	} {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}

type v401MessageReport struct {
	ID         int64  `gorm:"primaryKey"`
	MessageID  int64  `gorm:"not null;uniqueIndex:idx_message_reports_once"`
	ReporterID int64  `gorm:"not null;uniqueIndex:idx_message_reports_once"`
	AuthorID   int64  `gorm:"not null"`
	Reason     string `gorm:"size:1000;not null;default:''"`
	Context    string `gorm:"type:text;not null"`
	CreatedAt  time.Time
}

func (v401MessageReport) TableName() string { return "message_reports" }

// migrateUnlistedPosts marks remote replies that arrived unlisted, so
// public search leaves them out.
func migrateUnlistedPosts(tx *gorm.DB) error {
	return tx.Exec(`ALTER TABLE posts ADD COLUMN unlisted BOOLEAN NOT NULL DEFAULT false`).Error
}

// migrateMessageReports lets a participant report one message to the
// review queue. The report keeps a copy of that message and the two
// before it (Context, JSON), which is all a moderator ever sees of the
// conversation. Its queue item carries message_report_id with post_id 0,
// so the one-open-item-per-post index leaves message items out, as it
// does appeals.
func migrateMessageReports(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&v401MessageReport{}); err != nil {
		return err
	}
	for _, s := range []string{
		`ALTER TABLE mod_queue_items ADD COLUMN message_report_id BIGINT`,
		`DROP INDEX IF EXISTS idx_mod_queue_unresolved_post_v2`,
		`CREATE UNIQUE INDEX idx_mod_queue_unresolved_post_v3 ON mod_queue_items (post_id) WHERE state <> 'resolved' AND kind NOT IN ('appeal', 'message')`,
	} {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}
