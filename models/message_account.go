package models

import (
	"context"
	"time"
)

// A member's messages in their data export and their account's erasure
// (forum/export_messages.go, forum/account_deletion.go).

// ExportMessage is one of the member's own messages with its
// conversation's subject.
type ExportMessage struct {
	Message
	Subject string
}

// MessagesForExport lists the messages userID wrote, oldest first, in
// every conversation they took part in (those they left included: the
// words are still theirs).
func (s *Store) MessagesForExport(ctx context.Context, userID int64) ([]ExportMessage, error) {
	var rows []ExportMessage
	err := s.DB(ctx).Table("messages").Select("messages.*, conversations.subject AS subject").
		Joins("JOIN conversations ON conversations.id = messages.conversation_id").
		Where("messages.user_id = ?", userID).Order("messages.id").Find(&rows).Error
	return rows, err
}

// EraseMessagesOf replaces the text of every message userID wrote with a
// placeholder, so the conversations they were in stay readable around the
// gap.
func (s *Store) EraseMessagesOf(ctx context.Context, userID int64, body, html string) error {
	return s.DB(ctx).Model(&Message{}).Where("user_id = ?", userID).
		Updates(map[string]any{"body": body, "html": html}).Error
}

// LeaveAllConversations takes userID out of every conversation they are
// still in.
func (s *Store) LeaveAllConversations(ctx context.Context, userID int64, now time.Time) error {
	return s.DB(ctx).Model(&ConversationParticipant{}).Where("user_id = ? AND left_at IS NULL", userID).
		Updates(map[string]any{"left_at": now, "unread": 0, "muted": true}).Error
}

// DeleteMessageBlocksOf removes the blocks userID made and those made
// against them.
func (s *Store) DeleteMessageBlocksOf(ctx context.Context, userID int64) error {
	return s.DB(ctx).Where("blocker_id = ? OR blocked_id = ?", userID, userID).Delete(&MessageBlock{}).Error
}
