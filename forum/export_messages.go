package forum

import (
	"context"
	"strconv"
	"time"

	"github.com/hearth/hearth/models"
)

// The member's private messages in their export (messages.json): each
// conversation they took part in, with its subject and participants, and
// the messages THEY wrote in it. Others' messages are left out, as
// Mastodon's archive (app/services/backup_service.rb dumps the account's
// own statuses, direct ones included, never those it received) and
// Discourse's user archive (lib/export_user_archive... user_archive.csv
// lists the user's own posts, private-message posts marked is_pm) do:
// the other participants' words are their personal data, not the
// exporting member's, and each of them can export their own.

type exportConversation struct {
	ID           int64                `json:"conversation_id"`
	Subject      string               `json:"subject"`
	URL          string               `json:"url"`
	Participants []string             `json:"participants"`
	Messages     []exportMessageEntry `json:"messages"`
}

type exportMessageEntry struct {
	ID      int64     `json:"id"`
	Body    string    `json:"body"`
	Created time.Time `json:"created"`
}

// exportMessages groups the member's own messages by conversation, in
// the order of each conversation's first message of theirs.
func (s *Service) exportMessages(ctx context.Context, u *models.User) ([]exportConversation, error) {
	msgs, err := s.store.MessagesForExport(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	var convIDs []int64
	byConv := map[int64]*exportConversation{}
	for _, m := range msgs {
		c := byConv[m.ConversationID]
		if c == nil {
			c = &exportConversation{ID: m.ConversationID, Subject: m.Subject,
				URL: s.cfg.URL + "/messages/" + strconv.FormatInt(m.ConversationID, 10), Participants: []string{}}
			byConv[m.ConversationID] = c
			convIDs = append(convIDs, m.ConversationID)
		}
		c.Messages = append(c.Messages, exportMessageEntry{ID: m.ID, Body: m.Body, Created: m.CreatedAt.UTC()})
	}
	parts, err := s.participantCards(ctx, convIDs)
	if err != nil {
		return nil, err
	}
	out := make([]exportConversation, 0, len(convIDs))
	for _, id := range convIDs {
		c := byConv[id]
		for _, p := range parts[id] {
			c.Participants = append(c.Participants, p.Username)
		}
		out = append(out, *c)
	}
	return out, nil
}
