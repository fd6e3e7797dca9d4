package forum

import (
	"context"
	"errors"

	"github.com/hearth/hearth/forum/markup"
	"github.com/hearth/hearth/models"
)

// MessageRef names the message a federated one answers: LocalID for a
// message written here (federation reads it from {URL}/pm/{id}), else
// APID, the id of one received.
type MessageRef struct {
	LocalID int64
	APID    string
}

func (s *Service) messageByRef(ctx context.Context, ref MessageRef) (*models.Message, error) {
	if ref.LocalID > 0 {
		m, err := s.store.MessageByID(ctx, ref.LocalID)
		if err == nil && m.APID != nil {
			return nil, models.ErrNotFound // a received message has its own id
		}
		return m, err
	}
	if ref.APID == "" {
		return nil, models.ErrNotFound
	}
	return s.store.MessageByAPID(ctx, ref.APID)
}

// ReceivePrivateMessage stores a private Note from the fediverse for the
// local members named: a reply to a message of a conversation its author
// is in continues that conversation; anything else starts one between the
// author and those members. Members who blocked the author are left out
// (and nothing is stored when that leaves nobody), and a conversation in
// which someone blocked the author is not continued. A Note stored before
// (redelivery) is not stored again.
func (s *Service) ReceivePrivateMessage(ctx context.Context, author *models.User, names []string, inReplyTo MessageRef, n RemoteNote) error {
	if author == nil || !author.IsRemote() || n.APID == "" {
		return ErrForbidden
	}
	if _, err := s.store.MessageByAPID(ctx, n.APID); err == nil {
		return nil
	} else if !errors.Is(err, models.ErrNotFound) {
		return err
	}
	html := markup.SanitizeHTML(n.HTML)
	body := markup.PlainText(html)
	v := validation{}
	checkText(v, "body", body, 1, messageMaxRunes)
	if err := v.err(); err != nil {
		return err
	}
	ids, err := s.store.LocalUserIDsByName(ctx, names)
	if err != nil {
		return err
	}
	var recipients []int64
	for _, id := range ids {
		recipients = append(recipients, id)
	}
	ok, err := s.store.NotifiableUserIDs(ctx, recipients, s.now())
	if err != nil {
		return err
	}
	blockers, err := s.store.MessageBlockers(ctx, author.ID, recipients)
	if err != nil {
		return err
	}
	blocked := map[int64]bool{}
	for _, id := range blockers {
		blocked[id] = true
	}
	var keep []int64
	for _, id := range recipients {
		if ok[id] && !blocked[id] {
			keep = append(keep, id)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	remote := n
	remote.HTML = html
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.continuedConversation(ctx, author, inReplyTo)
		if err != nil {
			return err
		}
		if c != nil {
			// A participant who blocked the author hears no more from
			// them there: as a local sender is refused a conversation
			// with someone who blocks them (checkMessageBlocks), the
			// message does not join it, and goes to the members it was
			// addressed to who do not block the author, in a new
			// conversation.
			others, err := s.otherParticipants(ctx, c.ID, author.ID)
			if err != nil {
				return err
			}
			ids := make([]int64, len(others))
			for i, u := range others {
				ids[i] = u.ID
			}
			blockers, err := s.store.MessageBlockers(ctx, author.ID, ids)
			if err != nil {
				return err
			}
			if len(blockers) > 0 {
				c = nil
			}
		}
		if c == nil {
			now := s.now()
			c = &models.Conversation{CreatedBy: author.ID, LastMessageAt: now, CreatedAt: now}
			if err := s.store.CreateConversation(ctx, c, append([]int64{author.ID}, keep...)); err != nil {
				return err
			}
		}
		_, err = s.addMessage(ctx, author, c, body, &remote)
		if err != nil && models.IsUniqueViolation(err) {
			return nil // the same Note, stored by a concurrent worker
		}
		return err
	})
}

// continuedConversation is the conversation a reply continues: the one
// holding the message it answers, if its author is still in it. Someone
// answering a message they never received starts a new conversation
// instead of joining another.
func (s *Service) continuedConversation(ctx context.Context, author *models.User, inReplyTo MessageRef) (*models.Conversation, error) {
	m, err := s.messageByRef(ctx, inReplyTo)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if _, err := s.store.Participant(ctx, m.ConversationID, author.ID); errors.Is(err, models.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return s.store.ConversationByID(ctx, m.ConversationID)
}

// PreviousMessage is the message before m in its conversation (nil for
// the first): what m answers, for the fediverse.
func (s *Service) PreviousMessage(ctx context.Context, m *models.Message) (*models.Message, error) {
	prev, err := s.store.Messages(ctx, m.ConversationID, m.ID, 1)
	if err != nil || len(prev) == 0 {
		return nil, err
	}
	return &prev[0], nil
}
