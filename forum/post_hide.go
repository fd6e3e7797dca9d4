package forum

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/hearth/hearth/models"
)

// SetPostHidden hides a post pending review (on) or shows it again, from
// the thread page rather than the queue: moderators of the post's category
// only (CanHidePost), audited as post.hide / post.unhide in the same
// transaction. Repeating either is harmless and records nothing. Hiding
// federates a Delete and showing again a Create, through the same hooks
// the queue's hide and approve use.
func (s *Service) SetPostHidden(ctx context.Context, actor *models.User, postID int64, on bool, reason string) error {
	if actor == nil {
		return ErrUnauthorized
	}
	reason = strings.TrimSpace(reason)
	if !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > reasonMaxRunes {
		return invalid("reason", "errors.common.use_most_1000_characters")
	}
	if err := s.LoadScope(ctx, actor); err != nil {
		return err
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		p, t, err := s.PostFor(ctx, actor, postID)
		if err != nil {
			return err
		}
		if !CanHidePost(actor, t.CategoryID) || p.DeletedAt != nil {
			return ErrForbidden
		}
		if (p.HiddenAt != nil) == on {
			return nil
		}
		action := "post.unhide"
		if on {
			action = "post.hide"
		}
		if err := s.record(ctx, actor, action, TargetPost, p.ID, reason, nil, s.now()); err != nil {
			return err
		}
		return s.setHidden(ctx, p, on)
	})
}
