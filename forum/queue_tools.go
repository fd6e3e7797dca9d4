package forum

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/hearth/hearth/models"
)

// Review-queue tools beyond resolving: claiming an item, private notes, and
// the one-click actions on an item's author and thread (lock, warn,
// silence, suspend). Each checks the actor's rights in the item's category.

const noteMaxRunes = 2000

// NoteView is a private moderator note with its author.
type NoteView struct {
	models.ModNote
	Author *models.User
}

// Queue actions on an item beyond resolving it.
const (
	QueueActLock    = "lock"
	QueueActWarn    = "warn"
	QueueActSilence = "silence"
	QueueActSuspend = "suspend"
)

// itemCategory is the category of the item's post, or 0 for an appeal
// (which is about a member, not a post).
func (s *Service) itemCategory(ctx context.Context, item *models.ModQueueItem) (int64, *models.Post, error) {
	if item.Kind == models.QueueKindAppeal || item.PostID <= 0 {
		return 0, nil, nil
	}
	p, err := s.store.PostByID(ctx, item.PostID)
	if err != nil {
		return 0, nil, mapNotFound(err)
	}
	t, err := s.store.ThreadByID(ctx, p.ThreadID)
	if err != nil {
		return 0, nil, mapNotFound(err)
	}
	return t.CategoryID, p, nil
}

// checkItemRights refuses an actor who does not moderate the item's category.
func (s *Service) checkItemRights(ctx context.Context, actor *models.User, item *models.ModQueueItem) error {
	if item.Kind == models.QueueKindApproval {
		// Held posts are decided by approvers (ambassadors and staff),
		// whatever their category.
		if !CanApprove(actor) {
			return ErrForbidden
		}
		return nil
	}
	cat, _, err := s.itemCategory(ctx, item)
	if err != nil {
		return err
	}
	if !CanResolveQueueItem(actor, cat) {
		return ErrForbidden
	}
	return nil
}

// ClaimQueueItem makes the actor the item's assignee, so two moderators do
// not work the same report. Claiming one's own claimed item again is a
// no-op; an item someone else claimed, or a resolved one, is ErrConflict.
func (s *Service) ClaimQueueItem(ctx context.Context, actor *models.User, itemID int64) error {
	return s.claim(ctx, actor, itemID, true)
}

// UnclaimQueueItem returns a claimed item to the open list.
func (s *Service) UnclaimQueueItem(ctx context.Context, actor *models.User, itemID int64) error {
	return s.claim(ctx, actor, itemID, false)
}

func (s *Service) claim(ctx context.Context, actor *models.User, itemID int64, on bool) error {
	if err := s.checkReason(ctx, actor, ""); err != nil {
		return err
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		item, err := s.store.QueueItemByID(ctx, itemID)
		if err != nil {
			return mapNotFound(err)
		}
		if err := s.checkItemRights(ctx, actor, item); err != nil {
			return err
		}
		mine := item.AssigneeID != nil && *item.AssigneeID == actor.ID
		var ok bool
		switch {
		case on && item.State == models.QueueItemClaimed && mine:
			return nil
		case on:
			ok, err = s.store.ClaimQueueItem(ctx, item.ID, actor.ID)
		case item.State == models.QueueItemOpen:
			return nil
		case item.State == models.QueueItemClaimed && !mine && !CanModerate(actor):
			// Site staff may free an item a colleague left claimed;
			// a category moderator releases only their own.
			return ErrForbidden
		default:
			ok, err = s.store.UnclaimQueueItem(ctx, item.ID)
		}
		if err != nil {
			return err
		}
		if !ok {
			return &conflictError{"errors.conflicts.taken"}
		}
		action := "queue.claim"
		if !on {
			action = "queue.unclaim"
		}
		return s.record(ctx, actor, action, TargetQueueItem, item.ID, "", nil, s.now())
	})
}

// TargetQueueItem is the audit target type for actions on a review item.
const TargetQueueItem = "queue_item"

// AddQueueNote adds a private note to an item, visible to moderators only;
// the note is also filed on the record of the member the item is about.
func (s *Service) AddQueueNote(ctx context.Context, actor *models.User, itemID int64, body string) (*models.ModNote, error) {
	if err := s.checkReason(ctx, actor, ""); err != nil {
		return nil, err
	}
	body = strings.TrimSpace(body)
	if body == "" || !utf8.ValidString(body) || utf8.RuneCountInString(body) > noteMaxRunes {
		return nil, invalid("note", "errors.queue_tools.write_note_up_2000")
	}
	var n *models.ModNote
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		item, err := s.store.QueueItemByID(ctx, itemID)
		if err != nil {
			return mapNotFound(err)
		}
		cat, p, err := s.itemCategory(ctx, item)
		if err != nil {
			return err
		}
		if !CanResolveQueueItem(actor, cat) {
			return ErrForbidden
		}
		n = &models.ModNote{ItemID: item.ID, AuthorID: actor.ID, Body: body, CreatedAt: s.now()}
		if p != nil {
			n.SubjectID = p.UserID
		} else if item.AppealID != nil {
			if a, err := s.store.AppealByID(ctx, *item.AppealID); err == nil {
				n.SubjectID = a.UserID
			}
		}
		return s.store.CreateModNote(ctx, n)
	})
	return n, err
}

// AddMemberNote files a private note on a member's record.
func (s *Service) AddMemberNote(ctx context.Context, actor *models.User, username, body string) (*models.ModNote, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if !CanReadMemberRecord(actor) {
		return nil, ErrForbidden
	}
	body = strings.TrimSpace(body)
	if body == "" || !utf8.ValidString(body) || utf8.RuneCountInString(body) > noteMaxRunes {
		return nil, invalid("note", "errors.queue_tools.write_note_up_2000")
	}
	target, err := s.store.UserByUsername(ctx, strings.TrimSpace(username))
	if err != nil {
		return nil, mapNotFound(err)
	}
	n := &models.ModNote{SubjectID: target.ID, AuthorID: actor.ID, Body: body, CreatedAt: s.now()}
	return n, s.store.CreateModNote(ctx, n)
}

// QueueAct runs a one-click action on an item's thread or author: lock the
// thread, warn the author, or silence / suspend them for duration ("" is
// indefinite) with a reason. The item stays open: acting on the author and
// deciding the post are separate choices.
func (s *Service) QueueAct(ctx context.Context, actor *models.User, itemID int64, op, duration, reason string) error {
	if err := s.checkReason(ctx, actor, reason); err != nil {
		return err
	}
	item, err := s.store.QueueItemByID(ctx, itemID)
	if err != nil {
		return mapNotFound(err)
	}
	cat, p, err := s.itemCategory(ctx, item)
	if err != nil {
		return err
	}
	if p == nil {
		return invalid("action", "errors.queue_tools.item_has_no_post")
	}
	if !CanResolveQueueItem(actor, cat) {
		return ErrForbidden
	}
	author, err := s.store.UserByID(ctx, p.UserID)
	if err != nil {
		return mapNotFound(err)
	}
	switch op {
	case QueueActLock:
		return s.LockThread(ctx, actor, p.ThreadID, reason)
	case QueueActWarn:
		_, err := s.Warn(ctx, actor, author.Username, p.ID, reason)
		return err
	case QueueActSilence:
		_, err := s.Silence(ctx, actor, author.Username, duration, reason)
		return err
	case QueueActSuspend:
		_, err := s.Suspend(ctx, actor, author.Username, duration, reason)
		return err
	}
	return invalid("action", "errors.queue_tools.use_lock_warn_silence")
}
