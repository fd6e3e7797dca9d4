package forum

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/hearth/hearth/models"
)

// FlagReasons are the reasons a member may give for flagging a post.
var FlagReasons = []string{"spam", "off_topic", "harassment", "inappropriate", "other"}

// DefaultFlagHideThreshold is the flag weight that hides a post until a
// moderator reviews it, when Service.FlagHideThreshold is unset.
const DefaultFlagHideThreshold = 3

const flagMessageMaxRunes = 1000

// ErrAlreadyFlagged is returned when a member flags a post a second time.
var ErrAlreadyFlagged error = &conflictError{"errors.conflicts.already_flagged"}

// HiddenPlaceholder is what non-staff see instead of a hidden post's body.
const HiddenPlaceholder = "This post is hidden pending review."

func (s *Service) flagHideThreshold() int {
	if s.FlagHideThreshold > 0 {
		return s.FlagHideThreshold
	}
	return DefaultFlagHideThreshold
}

// FlagPost records a member's flag on someone else's post and puts the post
// in the review queue (one unresolved item per post, however many flags).
// When the flags on that item reach the threshold the post is hidden until a
// moderator resolves it; hiding bumps the thread's version so no cached page
// keeps showing the post.
func (s *Service) FlagPost(ctx context.Context, actor *models.User, postID int64, reason, message string) (*models.Flag, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	reason = strings.TrimSpace(reason)
	v := validation{}
	if !validFlagReason(reason) {
		v.add("reason", "errors.flags.choose_reason", "Reasons", strings.Join(FlagReasons, ", "))
	}
	if !utf8.ValidString(message) || utf8.RuneCountInString(message) > flagMessageMaxRunes {
		v.add("message", "errors.common.use_most_1000_characters")
	}
	var flag *models.Flag
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		p, t, err := s.PostFor(ctx, actor, postID)
		if err != nil {
			return err
		}
		if err := s.LoadScope(ctx, actor); err != nil {
			return err
		}
		if !CanFlag(actor, p) {
			return ErrForbidden
		}
		if err := v.err(); err != nil {
			return err
		}
		// Checked first so the usual repeat is a clear error; the unique
		// index still settles two submits racing each other.
		if dup, err := s.store.HasFlagged(ctx, p.ID, actor.ID); err != nil {
			return err
		} else if dup {
			return ErrAlreadyFlagged
		}
		now := s.now()
		flag = &models.Flag{PostID: p.ID, UserID: actor.ID, Reason: reason, Message: strings.TrimSpace(message), Weight: FlagWeightIn(actor, t.CategoryID), CreatedAt: now}
		if err := s.store.CreateFlag(ctx, flag); err != nil {
			if models.IsUniqueViolation(err) {
				return ErrAlreadyFlagged
			}
			return err
		}
		item, err := s.store.UnresolvedQueueItem(ctx, p.ID)
		if errors.Is(err, models.ErrNotFound) {
			item = &models.ModQueueItem{Kind: models.QueueKindFlag, PostID: p.ID, State: models.QueueItemOpen, CreatedAt: now}
			err = s.store.CreateQueueItem(ctx, item)
		}
		if err != nil {
			return err
		}
		return s.maybeAutoHide(ctx, p, item)
	})
	return flag, err
}

// maybeAutoHide hides the post once the weight of the flags raised since its
// queue item opened reaches the threshold. Flags from before an earlier
// review do not count again.
func (s *Service) maybeAutoHide(ctx context.Context, p *models.Post, item *models.ModQueueItem) error {
	weight, err := s.store.FlagWeightSince(ctx, p.ID, item.CreatedAt)
	if err != nil || weight < s.flagHideThreshold() {
		return err
	}
	hidden, err := s.store.HiddenPostIDs(ctx, []int64{p.ID})
	if err != nil || hidden[p.ID] {
		return err
	}
	now := s.now()
	details := map[string]any{"weight": weight, "threshold": s.flagHideThreshold(), "item": item.ID}
	if err := s.record(ctx, nil, "post.auto_hide", TargetPost, p.ID, "flag threshold reached", details, now); err != nil {
		return err
	}
	return s.setHidden(ctx, p, true)
}

// setHidden hides or unhides a post and bumps its thread's version.
func (s *Service) setHidden(ctx context.Context, p *models.Post, on bool) error {
	now := s.now()
	if on {
		if err := s.store.SetPostHidden(ctx, p.ID, &now, now); err != nil {
			return err
		}
	} else if err := s.store.SetPostHidden(ctx, p.ID, nil, now); err != nil {
		return err
	}
	if err := s.store.TouchThread(ctx, p.ThreadID, now); err != nil {
		return err
	}
	// The hooks see the post as it now is (federation dates the Delete,
	// and makes its id, from the hiding).
	p.HiddenAt, p.UpdatedAt = nil, now
	if on {
		p.HiddenAt = &now
	}
	if h := s.moderationHooks(); h != nil {
		return h.PostHidden(ctx, p, on)
	}
	return nil
}

func validFlagReason(r string) bool {
	for _, ok := range FlagReasons {
		if r == ok {
			return true
		}
	}
	return false
}
