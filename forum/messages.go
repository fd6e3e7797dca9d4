package forum

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/hearth/hearth/models"
)

// Private messages. A conversation is seen only by its participants: every
// entry point loads it through conversationFor, which answers ErrNotFound
// (404, not 403: a conversation's existence is private too) to anyone
// else, staff included. No staff page or API lists conversations; a
// participant's report (message_reports.go) is the only way a message
// reaches a moderator.

// Limits on messages.
const (
	messageMaxRunes      = bodyMaxRunes
	subjectMaxRunes      = 200
	maxRecipients        = 20
	messagesPerPage      = 50
	conversationsPerPage = 30
	// MessageRateMax messages per MessageRateWindow from one member, and
	// SandboxRateMax per SandboxRateWindow from a newcomer in the sandbox,
	// as their replies are limited: private messages are where spam
	// goes when posts are watched.
	MessageRateMax    = 30
	MessageRateWindow = 10 * time.Minute
)

// NotifyMessage tells a member of a new message in a conversation; its
// PostID is the conversation's id (there is no thread: ThreadID is 0).
const NotifyMessage = "message"

// MessageHooks lets federation resolve fediverse recipients and deliver
// messages to them. ResolveAccount runs before any transaction (it may
// fetch over the network); MessageCreated runs inside the transaction that
// stores a message, like Hooks, with the remote participants still in it.
type MessageHooks interface {
	ResolveAccount(ctx context.Context, handle string) (*models.User, error)
	MessageCreated(ctx context.Context, c *models.Conversation, m *models.Message, remote []*models.User) error
}

// SetMessageHooks installs h (nil: fediverse recipients are refused).
func (s *Service) SetMessageHooks(h MessageHooks) { s.msgHooks = h }

// NewConversation is what a member writes to start a conversation: To
// holds usernames, or name@host for fediverse accounts.
type NewConversation struct {
	To      []string
	Subject string
	Body    string
}

// ConversationView is a conversation with its participants.
type ConversationView struct {
	models.Conversation
	Participants []*models.User
	Unread       int
	Muted        bool
}

// ConversationList is one page of a member's conversations.
type ConversationList struct {
	Items []ConversationView
	Next  string
}

// MessageView is a message with its author.
type MessageView struct {
	models.Message
	Author *models.User
}

// ConversationPage is one conversation as a participant reads it.
type ConversationPage struct {
	ConversationView
	Messages []MessageView
	Older    string // cursor for older messages, empty when none
}

// ParseRecipients splits what a form's "to" field holds (names separated
// by commas or spaces, with or without a leading @).
func ParseRecipients(raw string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == ';' }) {
		if f = strings.TrimPrefix(strings.TrimSpace(f), "@"); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// StartConversation starts a conversation between actor and the members
// and fediverse accounts named in in.To, with its first message.
func (s *Service) StartConversation(ctx context.Context, actor *models.User, in NewConversation) (*models.Conversation, *models.Message, error) {
	if actor == nil {
		return nil, nil, ErrUnauthorized
	}
	if actor.IsRemote() {
		return nil, nil, ErrForbidden
	}
	if err := s.checkEmailVerified(actor); err != nil {
		return nil, nil, err
	}
	v := validation{}
	checkText(v, "body", in.Body, 1, messageMaxRunes)
	checkText(v, "subject", in.Subject, 0, subjectMaxRunes)
	names := dedupeNames(in.To)
	switch {
	case len(names) == 0:
		v.add("to", "errors.messages.name_least_one_member")
	case len(names) > maxRecipients:
		v.add("to", "errors.messages.too_many_recipients", "Max", maxRecipients)
	}
	if err := v.err(); err != nil {
		return nil, nil, err
	}
	// Checked before resolving too: resolving fediverse names costs
	// outbound requests, which a flood of refused sends must not buy.
	if err := s.checkMessageRate(ctx, actor); err != nil {
		return nil, nil, err
	}
	recipients, err := s.resolveRecipients(ctx, actor, names)
	if err != nil {
		return nil, nil, err
	}
	if err := s.checkNotSilenced(ctx, actor); err != nil {
		return nil, nil, err
	}
	ids := make([]int64, len(recipients))
	for i, u := range recipients {
		ids[i] = u.ID
	}
	if err := s.checkMessageBlocks(ctx, actor, recipients); err != nil {
		return nil, nil, err
	}
	now := s.now()
	c := &models.Conversation{Subject: strings.TrimSpace(in.Subject), CreatedBy: actor.ID, LastMessageAt: now, CreatedAt: now}
	var m *models.Message
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		if err := s.checkMessageRate(ctx, actor); err != nil {
			return err
		}
		if err := s.store.CreateConversation(ctx, c, append([]int64{actor.ID}, ids...)); err != nil {
			return err
		}
		var err error
		m, err = s.addMessage(ctx, actor, c, in.Body, nil)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return c, m, nil
}

// dedupeNames lower-cases and drops repeated names, keeping their order.
func dedupeNames(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		n = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(n), "@"))
		if n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// resolveRecipients loads the users rows named: local members by name,
// fediverse accounts (name@host) through the message hooks. Unknown names
// are one validation error naming them all, so the form keeps the text.
func (s *Service) resolveRecipients(ctx context.Context, actor *models.User, names []string) ([]*models.User, error) {
	var out []*models.User
	var unknown []string
	for _, n := range names {
		var u *models.User
		var err error
		if strings.Contains(n, "@") {
			if s.msgHooks == nil {
				unknown = append(unknown, n)
				continue
			}
			u, err = s.msgHooks.ResolveAccount(ctx, n)
		} else {
			u, err = s.store.UserByUsername(ctx, n)
			if err == nil && (u.IsRemote() || u.ErasedAt != nil || u.AwaitingApproval) {
				err = models.ErrNotFound
			}
		}
		if errors.Is(err, models.ErrNotFound) || errors.Is(err, ErrNotFound) {
			unknown = append(unknown, n)
			continue
		} else if err != nil {
			var ve *ValidationError
			if errors.As(err, &ve) {
				unknown = append(unknown, n)
				continue
			}
			return nil, err
		}
		if u.ID == actor.ID {
			return nil, invalid("to", "errors.messages.cannot_write_yourself_name")
		}
		out = append(out, u)
	}
	if len(unknown) > 0 {
		return nil, invalid("to", "errors.messages.unknown_recipients", "Names", strings.Join(unknown, ", "))
	}
	return out, nil
}

// checkMessageBlocks refuses a message to someone who blocked the sender,
// saying who, so the sender knows why.
func (s *Service) checkMessageBlocks(ctx context.Context, actor *models.User, recipients []*models.User) error {
	ids := make([]int64, len(recipients))
	for i, u := range recipients {
		ids[i] = u.ID
	}
	blockers, err := s.store.MessageBlockers(ctx, actor.ID, ids)
	if err != nil || len(blockers) == 0 {
		return err
	}
	blocked := map[int64]bool{}
	for _, id := range blockers {
		blocked[id] = true
	}
	var names []string
	for _, u := range recipients {
		if blocked[u.ID] {
			names = append(names, u.Username)
		}
	}
	return forbidden("errors.messages.not_accepted", "Names", strings.Join(names, ", "))
}

// checkMessageRate applies the sending limits, counted in the database.
func (s *Service) checkMessageRate(ctx context.Context, actor *models.User) error {
	max, window := MessageRateMax, MessageRateWindow
	if InSandbox(actor) {
		max, window = SandboxRateMax, SandboxRateWindow
	}
	n, err := s.store.RecentMessageCount(ctx, actor.ID, s.now().Add(-window))
	if err != nil {
		return err
	}
	if n >= int64(max) {
		return rateLimited(window, "errors.messages.rate", "Max", max, "Minutes", int(window/time.Minute))
	}
	return nil
}

// SendMessage adds actor's message to a conversation they are in.
func (s *Service) SendMessage(ctx context.Context, actor *models.User, convID int64, body string) (*models.Message, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if err := s.checkEmailVerified(actor); err != nil {
		return nil, err
	}
	v := validation{}
	checkText(v, "body", body, 1, messageMaxRunes)
	if err := v.err(); err != nil {
		return nil, err
	}
	var m *models.Message
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		c, _, err := s.conversationFor(ctx, actor, convID)
		if err != nil {
			return err
		}
		// After the participant check, so a silenced outsider still gets
		// 404, never word that the conversation exists; then the same
		// rule as starting one: a silenced member writes to nobody.
		if err := s.checkNotSilenced(ctx, actor); err != nil {
			return err
		}
		if err := s.checkMessageRate(ctx, actor); err != nil {
			return err
		}
		others, err := s.otherParticipants(ctx, c.ID, actor.ID)
		if err != nil {
			return err
		}
		if err := s.checkMessageBlocks(ctx, actor, others); err != nil {
			return err
		}
		m, err = s.addMessage(ctx, actor, c, body, nil)
		return err
	})
	return m, err
}

// otherParticipants loads the participants other than userID still in a
// conversation.
func (s *Service) otherParticipants(ctx context.Context, convID, userID int64) ([]*models.User, error) {
	parts, err := s.store.Participants(ctx, convID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, p := range parts {
		if p.UserID != userID && p.LeftAt == nil {
			ids = append(ids, p.UserID)
		}
	}
	return s.userCardsInOrder(ctx, ids)
}

// addMessage renders and stores a message (local Markdown when apID is
// nil; already sanitised HTML from the fediverse otherwise), then tells
// the other participants and, for local authors, hands it to federation
// for the remote ones. It runs in the caller's transaction.
func (s *Service) addMessage(ctx context.Context, author *models.User, c *models.Conversation, body string, remote *RemoteNote) (*models.Message, error) {
	m := &models.Message{ConversationID: c.ID, UserID: author.ID, CreatedAt: s.now()}
	if remote == nil {
		wc, err := s.checkWords(ctx, "body", body)
		if err != nil {
			return nil, err
		}
		m.Body, m.HTML = wc.text, s.md.Render(wc.text).HTML
	} else {
		m.Body, m.HTML, m.APID = body, remote.HTML, &remote.APID
	}
	if err := s.store.AddMessage(ctx, m); err != nil {
		return nil, err
	}
	c.LastMessageID, c.LastMessageAt = m.ID, m.CreatedAt
	others, err := s.otherParticipants(ctx, c.ID, author.ID)
	if err != nil {
		return nil, err
	}
	if err := s.notifyMessage(ctx, author, c, m, others); err != nil {
		return nil, err
	}
	var fedi []*models.User
	for _, u := range others {
		if u.IsRemote() {
			fedi = append(fedi, u)
		}
	}
	if remote == nil && len(fedi) > 0 {
		if s.msgHooks == nil {
			return nil, invalid("to", "errors.messages.forum_does_not_federate")
		}
		if err := s.msgHooks.MessageCreated(ctx, c, m, fedi); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// conversationFor loads a conversation and actor's participant row, or
// ErrNotFound for anyone not in it (staff included).
func (s *Service) conversationFor(ctx context.Context, actor *models.User, convID int64) (*models.Conversation, *models.ConversationParticipant, error) {
	if actor == nil {
		return nil, nil, ErrUnauthorized
	}
	p, err := s.store.Participant(ctx, convID, actor.ID)
	if err != nil {
		return nil, nil, mapNotFound(err)
	}
	c, err := s.store.ConversationByID(ctx, convID)
	if err != nil {
		return nil, nil, mapNotFound(err)
	}
	return c, p, nil
}

// Conversations lists actor's conversations, newest message first.
func (s *Service) Conversations(ctx context.Context, actor *models.User, before string) (*ConversationList, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	beforeID, err := parseMessageCursor(before)
	if err != nil {
		return nil, err
	}
	rows, err := s.store.ConversationsOf(ctx, actor.ID, beforeID, conversationsPerPage)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	parts, err := s.participantCards(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := &ConversationList{Items: make([]ConversationView, len(rows))}
	for i, r := range rows {
		out.Items[i] = ConversationView{Conversation: r.Conversation, Participants: parts[r.ID], Unread: r.Unread, Muted: r.Muted}
	}
	if len(rows) == conversationsPerPage {
		out.Next = strconv.FormatInt(rows[len(rows)-1].LastMessageID, 10)
	}
	return out, nil
}

func parseMessageCursor(raw string) (int64, error) {
	if raw == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, invalid("before", "errors.common.not_valid_cursor")
	}
	return id, nil
}

// participantCards maps each conversation to its participants' cards,
// those who left included.
func (s *Service) participantCards(ctx context.Context, convIDs []int64) (map[int64][]*models.User, error) {
	parts, err := s.store.ParticipantsOf(ctx, convIDs)
	if err != nil {
		return nil, err
	}
	userIDs := make([]int64, len(parts))
	for i, p := range parts {
		userIDs[i] = p.UserID
	}
	cards, err := s.store.UserCards(ctx, userIDs)
	if err != nil {
		return nil, err
	}
	out := map[int64][]*models.User{}
	for _, p := range parts {
		if u := cards[p.UserID]; u != nil {
			out[p.ConversationID] = append(out[p.ConversationID], u)
		}
	}
	return out, nil
}

// Conversation shows one conversation to a participant and marks it read.
func (s *Service) Conversation(ctx context.Context, actor *models.User, convID int64, before string) (*ConversationPage, error) {
	c, p, err := s.conversationFor(ctx, actor, convID)
	if err != nil {
		return nil, err
	}
	beforeID, err := parseMessageCursor(before)
	if err != nil {
		return nil, err
	}
	msgs, err := s.store.Messages(ctx, c.ID, beforeID, messagesPerPage+1)
	if err != nil {
		return nil, err
	}
	page := &ConversationPage{}
	if len(msgs) > messagesPerPage {
		msgs = msgs[1:]
		page.Older = strconv.FormatInt(msgs[0].ID, 10)
	}
	parts, err := s.participantCards(ctx, []int64{c.ID})
	if err != nil {
		return nil, err
	}
	page.ConversationView = ConversationView{Conversation: *c, Participants: parts[c.ID], Muted: p.Muted}
	authors := map[int64]*models.User{}
	for _, u := range parts[c.ID] {
		authors[u.ID] = u
	}
	page.Messages = make([]MessageView, len(msgs))
	for i, m := range msgs {
		page.Messages[i] = MessageView{Message: m, Author: authors[m.UserID]}
	}
	if beforeID == 0 && (p.Unread > 0 || p.LastReadID < c.LastMessageID) {
		if err := s.store.MarkConversationRead(ctx, c.ID, actor.ID, c.LastMessageID); err != nil {
			return nil, err
		}
		if err := s.store.MarkMessageNotificationsRead(ctx, actor.ID, c.ID, s.now()); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// LeaveConversation takes actor out of a conversation: they see it no
// more and hear nothing of it.
func (s *Service) LeaveConversation(ctx context.Context, actor *models.User, convID int64) error {
	if _, _, err := s.conversationFor(ctx, actor, convID); err != nil {
		return err
	}
	return s.store.LeaveConversation(ctx, convID, actor.ID, s.now())
}

// MuteConversation stops (or restarts) notifications and the header count
// for a conversation; its messages still arrive.
func (s *Service) MuteConversation(ctx context.Context, actor *models.User, convID int64, muted bool) error {
	if _, _, err := s.conversationFor(ctx, actor, convID); err != nil {
		return err
	}
	return s.store.SetParticipantMuted(ctx, convID, actor.ID, muted)
}

// UnreadConversations counts actor's conversations with unread messages
// (0 for nobody).
func (s *Service) UnreadConversations(ctx context.Context, actor *models.User) (int, error) {
	if actor == nil {
		return 0, nil
	}
	n, err := s.store.CountUnreadConversations(ctx, actor.ID)
	return int(n), err
}

// SearchMessages finds q in actor's own conversations.
func (s *Service) SearchMessages(ctx context.Context, actor *models.User, q string) ([]MessageView, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, nil
	}
	if len([]rune(q)) > 200 {
		return nil, invalid("q", "errors.messages.search_most_200_characters")
	}
	msgs, err := s.store.SearchMessages(ctx, actor.ID, q, 50)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(msgs))
	for i, m := range msgs {
		ids[i] = m.UserID
	}
	cards, err := s.store.UserCards(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]MessageView, len(msgs))
	for i, m := range msgs {
		out[i] = MessageView{Message: m, Author: cards[m.UserID]}
	}
	return out, nil
}
