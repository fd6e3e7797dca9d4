package forum

import (
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hearth/hearth/models"
)

// Reporting a private message. Staff never read conversations; a
// participant who reports one message puts a copy of it, with the two
// messages before it for context, in the review queue. The copy is taken
// when the report is made: the moderator sees what was reported, and
// nothing else of the conversation, ever.

// reportContext is how many messages before the reported one a report
// copies.
const reportContext = 2

// ReportedMessage is one message as a report copied it.
type ReportedMessage struct {
	Author    string    `json:"author"`
	HTML      string    `json:"html"`
	CreatedAt time.Time `json:"created_at"`
	Reported  bool      `json:"reported"`
}

// ErrAlreadyReported: the member reported this message before.
var ErrAlreadyReported = &conflictError{"errors.conflicts.already_reported"}

// ReportMessage reports message id of conversation convID, which actor
// must be in (any other message is ErrNotFound), to the review queue.
func (s *Service) ReportMessage(ctx context.Context, actor *models.User, convID, id int64, reason string) (*models.MessageReport, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	reason = strings.TrimSpace(reason)
	if !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > reasonMaxRunes {
		return nil, invalid("reason", "errors.common.use_most_1000_characters")
	}
	var r *models.MessageReport
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		m, err := s.store.MessageByID(ctx, id)
		if err != nil || m.ConversationID != convID {
			return ErrNotFound
		}
		if _, _, err := s.conversationFor(ctx, actor, m.ConversationID); err != nil {
			return err
		}
		if m.UserID == actor.ID {
			return invalid("message", "errors.message_reports.cannot_report_own_message")
		}
		msgs, err := s.store.Messages(ctx, m.ConversationID, m.ID+1, reportContext+1)
		if err != nil {
			return err
		}
		ids := make([]int64, len(msgs))
		for i, x := range msgs {
			ids[i] = x.UserID
		}
		cards, err := s.store.UserCards(ctx, ids)
		if err != nil {
			return err
		}
		copied := make([]ReportedMessage, len(msgs))
		for i, x := range msgs {
			name := "someone"
			if u := cards[x.UserID]; u != nil {
				name = u.Username
			}
			copied[i] = ReportedMessage{Author: name, HTML: x.HTML, CreatedAt: x.CreatedAt, Reported: x.ID == m.ID}
		}
		raw, err := json.Marshal(copied)
		if err != nil {
			return err
		}
		now := s.now()
		r = &models.MessageReport{MessageID: m.ID, ReporterID: actor.ID, AuthorID: m.UserID, Reason: reason, Context: string(raw), CreatedAt: now}
		if err := s.store.CreateMessageReport(ctx, r); err != nil {
			if models.IsUniqueViolation(err) {
				return ErrAlreadyReported
			}
			return err
		}
		return s.store.CreateQueueItem(ctx, &models.ModQueueItem{Kind: models.QueueKindMessage, State: models.QueueItemOpen,
			MessageReportID: &r.ID, CreatedAt: now})
	})
	return r, err
}

// withMessageReports fills message items' report, copy and author.
func (s *Service) withMessageReports(ctx context.Context, items []QueueItemView) ([]QueueItemView, error) {
	var ids []int64
	for _, it := range items {
		if it.MessageReportID != nil {
			ids = append(ids, *it.MessageReportID)
		}
	}
	if len(ids) == 0 {
		return items, nil
	}
	reports, err := s.store.MessageReportsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	var userIDs []int64
	for _, r := range reports {
		userIDs = append(userIDs, r.AuthorID)
	}
	cards, err := s.store.UserCards(ctx, userIDs)
	if err != nil {
		return nil, err
	}
	for i := range items {
		it := &items[i]
		if it.MessageReportID == nil || reports[*it.MessageReportID] == nil {
			continue
		}
		r := reports[*it.MessageReportID]
		it.Report, it.Author = r, cards[r.AuthorID]
		_ = json.Unmarshal([]byte(r.Context), &it.Reported)
	}
	return items, nil
}

// removedMessage is what a message removed by a moderator shows.
const removedMessage = "<p><em>This message was removed by a moderator.</em></p>"

// resolveMessageItem closes a message report: approve or dismiss leaves
// the message; hide or delete removes its text from the conversation.
// Only site-wide moderators handle them (a message is in no category).
func (s *Service) resolveMessageItem(ctx context.Context, actor *models.User, item *models.ModQueueItem, action, note string) error {
	if !CanModerate(actor) {
		return ErrForbidden
	}
	switch action {
	case ResolveApprove, ResolveDismiss, ResolveHide, ResolveDelete:
	default:
		return invalid("action", "errors.common.use_approve_dismiss_hide")
	}
	now := s.now()
	ok, err := s.store.ResolveQueueItem(ctx, item.ID, actor.ID, action, note, now)
	if err != nil {
		return err
	}
	if !ok {
		return errAlreadyResolved
	}
	reports, err := s.store.MessageReportsByIDs(ctx, []int64{*item.MessageReportID})
	if err != nil {
		return err
	}
	r := reports[*item.MessageReportID]
	if r == nil {
		return ErrNotFound
	}
	if err := s.record(ctx, actor, "queue."+action, TargetMessage, r.MessageID, note, map[string]any{"item": item.ID}, now); err != nil {
		return err
	}
	if action == ResolveHide || action == ResolveDelete {
		return s.store.RemoveMessage(ctx, r.MessageID, "This message was removed by a moderator.", removedMessage)
	}
	return nil
}

// TargetMessage is the audit target type of a private message.
const TargetMessage = "message"
