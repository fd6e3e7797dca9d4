package forum

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/hearth/hearth/models"
)

// Thread tools: lock, pin and move. Each is for moderators and
// administrators only, is idempotent (repeating it changes nothing and
// records nothing), and writes its audit entry in the same transaction as
// the change. Each bumps the thread's version (and the categories' on a
// move) because logged-out page caches key on them: a cached page must never
// show a thread as open after it was locked.

const reasonMaxRunes = 1000

// LockThread stops members replying to a thread; staff still can.
func (s *Service) LockThread(ctx context.Context, actor *models.User, threadID int64, reason string) error {
	return s.setThreadFlag(ctx, actor, threadID, "locked", true, "thread.lock", reason)
}

// UnlockThread reopens a locked thread.
func (s *Service) UnlockThread(ctx context.Context, actor *models.User, threadID int64, reason string) error {
	return s.setThreadFlag(ctx, actor, threadID, "locked", false, "thread.unlock", reason)
}

// PinThread keeps a thread at the top of its category.
func (s *Service) PinThread(ctx context.Context, actor *models.User, threadID int64, reason string) error {
	return s.setThreadFlag(ctx, actor, threadID, "pinned", true, "thread.pin", reason)
}

// UnpinThread returns a pinned thread to the activity order.
func (s *Service) UnpinThread(ctx context.Context, actor *models.User, threadID int64, reason string) error {
	return s.setThreadFlag(ctx, actor, threadID, "pinned", false, "thread.unpin", reason)
}

func (s *Service) setThreadFlag(ctx context.Context, actor *models.User, threadID int64, column string, on bool, action, reason string) error {
	if err := s.checkReason(ctx, actor, reason); err != nil {
		return err
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		t, err := s.threadFor(ctx, actor, threadID)
		if err != nil {
			return err
		}
		if !CanLockThread(actor, t) || (column == "pinned_global" && !CanPinThread(actor, t, true)) {
			return ErrForbidden
		}
		changed, err := s.store.SetThreadFlag(ctx, threadID, column, on)
		if err != nil || !changed {
			return err
		}
		now := s.now()
		if err := s.record(ctx, actor, action, TargetThread, threadID, reason, nil, now); err != nil {
			return err
		}
		if err := s.store.TouchThread(ctx, threadID, now); err != nil {
			return err
		}
		if h := s.threadHooks(); h != nil && column == "locked" {
			t.Locked = on
			return h.ThreadLocked(ctx, actor, t, on)
		}
		return nil
	})
}

// MoveThread moves a thread to the category with the given slug, carrying
// its posts' weight in the categories' denormalised counts.
func (s *Service) MoveThread(ctx context.Context, actor *models.User, threadID int64, categorySlug, reason string) error {
	if err := s.checkReason(ctx, actor, reason); err != nil {
		return err
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		t, err := s.threadFor(ctx, actor, threadID)
		if err != nil {
			return err
		}
		to, err := s.store.CategoryBySlug(ctx, strings.ToLower(strings.TrimSpace(categorySlug)))
		if errors.Is(err, models.ErrNotFound) {
			return invalid("category", "errors.common.choose_existing_category")
		} else if err != nil {
			return err
		}
		if !CanMoveThread(actor, t, to.ID) {
			return ErrForbidden
		}
		if to.ID == t.CategoryID {
			return nil
		}
		from, err := s.store.CategoryByID(ctx, t.CategoryID)
		if err != nil {
			return err
		}
		moved, err := s.store.MoveThreadCategory(ctx, t.ID, from.ID, to.ID)
		if err != nil || !moved {
			return err
		}
		now := s.now()
		details := map[string]any{"from": from.Slug, "to": to.Slug}
		if err := s.record(ctx, actor, "thread.move", TargetThread, t.ID, reason, details, now); err != nil {
			return err
		}
		if err := s.store.AdjustCategoryCounts(ctx, from.ID, -1, -t.PostCount, t.LastPostAt); err != nil {
			return err
		}
		if err := s.store.AdjustCategoryCounts(ctx, to.ID, 1, t.PostCount, t.LastPostAt); err != nil {
			return err
		}
		if err := s.store.TouchThread(ctx, t.ID, now); err != nil {
			return err
		}
		if err := s.store.TouchCategory(ctx, from.ID, now); err != nil {
			return err
		}
		if err := s.store.TouchCategory(ctx, to.ID, now); err != nil {
			return err
		}
		if h := s.threadHooks(); h != nil {
			t.CategoryID = to.ID
			return h.ThreadMoved(ctx, actor, t, from)
		}
		return nil
	})
}

// checkReason refuses anonymous actors, anyone who moderates nowhere, and
// over-long reasons before any work, and loads the actor's role categories
// for the category checks that follow once the target is loaded.
func (s *Service) checkReason(ctx context.Context, actor *models.User, reason string) error {
	if actor == nil {
		return ErrUnauthorized
	}
	if err := s.LoadScope(ctx, actor); err != nil {
		return err
	}
	if !CanUseModTools(actor) {
		return ErrForbidden
	}
	return checkReasonText(reason)
}

func checkReasonText(reason string) error {
	if !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > reasonMaxRunes {
		return invalid("reason", "errors.common.use_most_1000_characters")
	}
	return nil
}

// checkModerator refuses non-staff and over-long reasons before any work.
func (s *Service) checkModerator(actor *models.User, reason string) error {
	if actor == nil {
		return ErrUnauthorized
	}
	if !CanModerate(actor) {
		return ErrForbidden
	}
	if !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > reasonMaxRunes {
		return invalid("reason", "errors.common.use_most_1000_characters")
	}
	return nil
}
