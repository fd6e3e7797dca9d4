package forum

import (
	"context"

	"github.com/hearth/hearth/forum/markup"
	"github.com/hearth/hearth/models"
)

// Updates and Deletes of direct messages received from the fediverse.
// Only the message's own author may change it: federation checks that the
// activity is signed by its actor, and these check that the actor wrote
// the message.

// deletedRemoteMessage is what a message its author deleted shows, so
// the conversation still reads in order.
const deletedRemoteMessage = "<p><em>This message was deleted by its author.</em></p>"

// ownRemoteMessage loads the received message apID if author wrote it:
// ErrNotFound when there is none, ErrForbidden when it is someone else's.
func (s *Service) ownRemoteMessage(ctx context.Context, author *models.User, apID string) (*models.Message, error) {
	if author == nil || !author.IsRemote() || apID == "" {
		return nil, ErrForbidden
	}
	m, err := s.store.MessageByAPID(ctx, apID)
	if err != nil {
		return nil, mapNotFound(err)
	}
	if m.UserID != author.ID {
		return nil, ErrForbidden
	}
	return m, nil
}

// EditMessageFromRemote applies an Update of a received message by its
// author. A message already deleted stays deleted.
func (s *Service) EditMessageFromRemote(ctx context.Context, author *models.User, n RemoteNote) error {
	m, err := s.ownRemoteMessage(ctx, author, n.APID)
	if err != nil {
		return err
	}
	if m.HTML == deletedRemoteMessage {
		return nil
	}
	html := markup.SanitizeHTML(n.HTML)
	body := markup.PlainText(html)
	v := validation{}
	checkText(v, "body", body, 1, messageMaxRunes)
	if err := v.err(); err != nil {
		return err
	}
	return s.store.RemoveMessage(ctx, m.ID, body, html)
}

// DeleteMessageFromRemote applies a Delete of a received message by its
// author: its text goes, a placeholder stays.
func (s *Service) DeleteMessageFromRemote(ctx context.Context, author *models.User, apID string) error {
	m, err := s.ownRemoteMessage(ctx, author, apID)
	if err != nil {
		return err
	}
	return s.store.RemoveMessage(ctx, m.ID, "This message was deleted by its author.", deletedRemoteMessage)
}
