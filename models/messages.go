package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Conversation is a private conversation between members and, when
// federated, remote accounts (migration 0400). Nothing in it is ever
// listed outside its participants' own pages (forum/messages.go).
type Conversation struct {
	ID      int64  `gorm:"primaryKey"`
	Subject string `gorm:"size:200;not null;default:''"`
	// CreatedBy is the users row that started it (a remote account for a
	// conversation a direct message from the fediverse opened).
	CreatedBy     int64 `gorm:"not null"`
	LastMessageID int64 `gorm:"not null;default:0"`
	LastMessageAt time.Time
	CreatedAt     time.Time
}

// ConversationParticipant is one users row in a conversation. Unread
// counts the messages since they last read it (the header's count reads
// it alone); a participant who left sees nothing of it any more.
type ConversationParticipant struct {
	ConversationID int64 `gorm:"primaryKey;autoIncrement:false"`
	UserID         int64 `gorm:"primaryKey;autoIncrement:false"`
	Unread         int   `gorm:"not null;default:0"`
	LastReadID     int64 `gorm:"not null;default:0"`
	Muted          bool  `gorm:"not null;default:false"`
	LeftAt         *time.Time
	JoinedAt       time.Time
}

// Message is one message of a conversation. Body is the author's Markdown
// (for a federated message, the sanitised HTML it arrived as) and HTML
// what is shown. APID is set for messages from the fediverse (their id)
// and for local ones once delivered out ({URL}/pm/{id} is computed, so it
// stays nil for those).
type Message struct {
	ID             int64   `gorm:"primaryKey"`
	ConversationID int64   `gorm:"not null"`
	UserID         int64   `gorm:"not null"`
	Body           string  `gorm:"type:text;not null"`
	HTML           string  `gorm:"type:text;not null"`
	APID           *string `gorm:"column:ap_id;size:2048"`
	CreatedAt      time.Time
}

// MessageBlock says BlockerID does not accept messages from BlockedID.
type MessageBlock struct {
	BlockerID int64 `gorm:"primaryKey;autoIncrement:false"`
	BlockedID int64 `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time
}

// ConversationRow is a conversation as one participant's list shows it.
type ConversationRow struct {
	Conversation
	Unread int
	Muted  bool
}

// CreateConversation inserts c and its participants.
func (s *Store) CreateConversation(ctx context.Context, c *Conversation, userIDs []int64) error {
	if err := s.DB(ctx).Create(c).Error; err != nil {
		return err
	}
	rows := make([]ConversationParticipant, 0, len(userIDs))
	for _, id := range uniqueIDs(userIDs) {
		rows = append(rows, ConversationParticipant{ConversationID: c.ID, UserID: id, JoinedAt: c.CreatedAt})
	}
	return s.DB(ctx).Create(&rows).Error
}

// AddMessage inserts m, moves the conversation's last message to it and
// counts it unread for every other participant still in it. The author's
// own read mark moves past it.
func (s *Store) AddMessage(ctx context.Context, m *Message) error {
	db := s.DB(ctx)
	if err := db.Create(m).Error; err != nil {
		return err
	}
	if err := db.Model(&Conversation{}).Where("id = ?", m.ConversationID).
		Updates(map[string]any{"last_message_id": m.ID, "last_message_at": m.CreatedAt}).Error; err != nil {
		return err
	}
	return db.Model(&ConversationParticipant{}).Where("conversation_id = ? AND left_at IS NULL", m.ConversationID).
		Updates(map[string]any{
			"unread":       gorm.Expr("CASE WHEN user_id = ? THEN 0 ELSE unread + 1 END", m.UserID),
			"last_read_id": gorm.Expr("CASE WHEN user_id = ? THEN ? ELSE last_read_id END", m.UserID, m.ID),
		}).Error
}

// ConversationByID loads a conversation, or ErrNotFound.
func (s *Store) ConversationByID(ctx context.Context, id int64) (*Conversation, error) {
	var c Conversation
	if err := s.DB(ctx).First(&c, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}

// Participant loads userID's row in a conversation they have not left,
// or ErrNotFound.
func (s *Store) Participant(ctx context.Context, convID, userID int64) (*ConversationParticipant, error) {
	var p ConversationParticipant
	err := s.DB(ctx).Where("conversation_id = ? AND user_id = ? AND left_at IS NULL", convID, userID).First(&p).Error
	if err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}

// Participants lists a conversation's participants, those who left
// included (a message names who it was sent to).
func (s *Store) Participants(ctx context.Context, convID int64) ([]ConversationParticipant, error) {
	var out []ConversationParticipant
	err := s.DB(ctx).Where("conversation_id = ?", convID).Order("joined_at, user_id").Find(&out).Error
	return out, err
}

// ParticipantsOf lists the participants of several conversations.
func (s *Store) ParticipantsOf(ctx context.Context, convIDs []int64) ([]ConversationParticipant, error) {
	var out []ConversationParticipant
	if len(convIDs) == 0 {
		return out, nil
	}
	err := s.DB(ctx).Where("conversation_id IN ?", uniqueIDs(convIDs)).Order("joined_at, user_id").Find(&out).Error
	return out, err
}

// ConversationsOf lists the conversations userID is in, newest message
// first; beforeID > 0 continues below that last message id.
func (s *Store) ConversationsOf(ctx context.Context, userID, beforeID int64, limit int) ([]ConversationRow, error) {
	db := s.DB(ctx).Table("conversations").
		Select("conversations.*, cp.unread AS unread, cp.muted AS muted").
		Joins("JOIN conversation_participants cp ON cp.conversation_id = conversations.id").
		Where("cp.user_id = ? AND cp.left_at IS NULL", userID)
	if beforeID > 0 {
		db = db.Where("conversations.last_message_id < ?", beforeID)
	}
	var out []ConversationRow
	err := db.Order("conversations.last_message_id DESC").Limit(limit).Scan(&out).Error
	return out, err
}

// Messages lists a conversation's messages oldest first: the newest
// limit of them, or those before beforeID when it is > 0.
func (s *Store) Messages(ctx context.Context, convID, beforeID int64, limit int) ([]Message, error) {
	db := s.DB(ctx).Where("conversation_id = ?", convID)
	if beforeID > 0 {
		db = db.Where("id < ?", beforeID)
	}
	var out []Message
	if err := db.Order("id DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, err
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// MessageByID loads a message, or ErrNotFound.
func (s *Store) MessageByID(ctx context.Context, id int64) (*Message, error) {
	var m Message
	if err := s.DB(ctx).First(&m, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &m, nil
}

// MessageByAPID loads the message with ActivityPub id apID, or ErrNotFound.
func (s *Store) MessageByAPID(ctx context.Context, apID string) (*Message, error) {
	var m Message
	if err := s.DB(ctx).Where("ap_id = ?", apID).First(&m).Error; err != nil {
		return nil, notFound(err)
	}
	return &m, nil
}

// MarkConversationRead clears userID's unread count up to the newest
// message.
func (s *Store) MarkConversationRead(ctx context.Context, convID, userID, lastID int64) error {
	return s.DB(ctx).Model(&ConversationParticipant{}).
		Where("conversation_id = ? AND user_id = ? AND (unread > 0 OR last_read_id < ?)", convID, userID, lastID).
		Updates(map[string]any{"unread": 0, "last_read_id": lastID}).Error
}

// SetParticipantMuted mutes or unmutes a conversation for userID.
func (s *Store) SetParticipantMuted(ctx context.Context, convID, userID int64, muted bool) error {
	return s.DB(ctx).Model(&ConversationParticipant{}).Where("conversation_id = ? AND user_id = ?", convID, userID).
		Update("muted", muted).Error
}

// LeaveConversation marks userID as gone from a conversation.
func (s *Store) LeaveConversation(ctx context.Context, convID, userID int64, now time.Time) error {
	return s.DB(ctx).Model(&ConversationParticipant{}).Where("conversation_id = ? AND user_id = ? AND left_at IS NULL", convID, userID).
		Updates(map[string]any{"left_at": now, "unread": 0}).Error
}

// CountUnreadConversations counts the conversations with unread messages
// for the header: muted and left ones do not count.
func (s *Store) CountUnreadConversations(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.DB(ctx).Model(&ConversationParticipant{}).
		Where("user_id = ? AND unread > 0 AND left_at IS NULL AND muted = ?", userID, false).Count(&n).Error
	return n, err
}

// RecentMessageCount counts the messages userID wrote since since (the
// sending rate limit; counted in the database so it holds across
// processes).
func (s *Store) RecentMessageCount(ctx context.Context, userID int64, since time.Time) (int64, error) {
	var n int64
	err := s.DB(ctx).Model(&Message{}).Where("user_id = ? AND created_at > ?", userID, since).Count(&n).Error
	return n, err
}

// SearchMessages finds messages containing q (case-insensitive) in the
// conversations userID is still in, newest first. Private messages are
// not in the full-text index the public search reads, on purpose: the
// only way to them is through the participant row.
func (s *Store) SearchMessages(ctx context.Context, userID int64, q string, limit int) ([]Message, error) {
	pattern := "%" + escapeLike(strings.ToLower(q)) + "%"
	var out []Message
	err := s.DB(ctx).Table("messages").Select("messages.*").
		Joins("JOIN conversation_participants cp ON cp.conversation_id = messages.conversation_id").
		Where("cp.user_id = ? AND cp.left_at IS NULL", userID).
		Where("LOWER(messages.body) LIKE ? ESCAPE '\\'", pattern).
		Order("messages.id DESC").Limit(limit).Scan(&out).Error
	return out, err
}

// escapeLike makes s match itself in a LIKE pattern escaped with '\'.
func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// BlockMessages records that blocker accepts no messages from blocked
// (doing it twice is no error).
func (s *Store) BlockMessages(ctx context.Context, blocker, blocked int64, now time.Time) error {
	return s.DB(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&MessageBlock{BlockerID: blocker, BlockedID: blocked, CreatedAt: now}).Error
}

// UnblockMessages removes a block.
func (s *Store) UnblockMessages(ctx context.Context, blocker, blocked int64) error {
	return s.DB(ctx).Where("blocker_id = ? AND blocked_id = ?", blocker, blocked).Delete(&MessageBlock{}).Error
}

// MessageBlockers returns which of recipients block sender.
func (s *Store) MessageBlockers(ctx context.Context, sender int64, recipients []int64) ([]int64, error) {
	var out []int64
	if len(recipients) == 0 {
		return out, nil
	}
	err := s.DB(ctx).Model(&MessageBlock{}).Where("blocked_id = ? AND blocker_id IN ?", sender, uniqueIDs(recipients)).
		Pluck("blocker_id", &out).Error
	return out, err
}

// MessageBlocksOf lists whom userID blocks, newest first.
func (s *Store) MessageBlocksOf(ctx context.Context, userID int64) ([]MessageBlock, error) {
	var out []MessageBlock
	err := s.DB(ctx).Where("blocker_id = ?", userID).Order("created_at DESC").Find(&out).Error
	return out, err
}

// QuietMessageParticipants returns which of ids should not be notified of
// a new message in convID: they muted it, or an unread notification about
// it is already waiting for them.
func (s *Store) QuietMessageParticipants(ctx context.Context, convID int64, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	var muted []int64
	if err := s.DB(ctx).Model(&ConversationParticipant{}).Where("conversation_id = ? AND user_id IN ? AND muted = ?", convID, ids, true).
		Pluck("user_id", &muted).Error; err != nil {
		return nil, err
	}
	var waiting []int64
	if err := s.DB(ctx).Model(&Notification{}).Where("post_id = ? AND kind = ? AND user_id IN ? AND read_at IS NULL", convID, "message", ids).
		Pluck("user_id", &waiting).Error; err != nil {
		return nil, err
	}
	for _, id := range append(muted, waiting...) {
		out[id] = true
	}
	return out, nil
}

// MarkMessageNotificationsRead marks userID's notifications about a
// conversation read, once they read it.
func (s *Store) MarkMessageNotificationsRead(ctx context.Context, userID, convID int64, now time.Time) error {
	return s.DB(ctx).Model(&Notification{}).Where("user_id = ? AND kind = ? AND post_id = ? AND read_at IS NULL", userID, "message", convID).
		Update("read_at", now).Error
}

// MessageReport is a participant's report of one message; Context is the
// JSON copy of it and the two messages before it, all a moderator sees.
type MessageReport struct {
	ID         int64  `gorm:"primaryKey"`
	MessageID  int64  `gorm:"not null"`
	ReporterID int64  `gorm:"not null"`
	AuthorID   int64  `gorm:"not null"`
	Reason     string `gorm:"size:1000;not null;default:''"`
	Context    string `gorm:"type:text;not null"`
	CreatedAt  time.Time
}

// CreateMessageReport inserts r (unique per message and reporter).
func (s *Store) CreateMessageReport(ctx context.Context, r *MessageReport) error {
	return s.DB(ctx).Create(r).Error
}

// MessageReportsByIDs loads reports by id.
func (s *Store) MessageReportsByIDs(ctx context.Context, ids []int64) (map[int64]*MessageReport, error) {
	out := map[int64]*MessageReport{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []MessageReport
	if err := s.DB(ctx).Where("id IN ?", uniqueIDs(ids)).Find(&rows).Error; err != nil {
		return nil, err
	}
	for i := range rows {
		out[rows[i].ID] = &rows[i]
	}
	return out, nil
}

// RemoveMessage replaces a message's text (a moderator removed it).
func (s *Store) RemoveMessage(ctx context.Context, id int64, body, html string) error {
	return s.DB(ctx).Model(&Message{}).Where("id = ?", id).Updates(map[string]any{"body": body, "html": html}).Error
}
