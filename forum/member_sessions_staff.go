package forum

import (
	"context"
	"strings"

	"github.com/hearth/hearth/models"
)

// EndMemberSession signs out one of a member's browsers for staff (a lost
// phone, a shared computer), under the sanction rule: only members below
// the actor's role. Audited as user.session_end in the same transaction.
// An unknown session id is ErrNotFound.
func (s *Service) EndMemberSession(ctx context.Context, actor *models.User, username, publicID string) error {
	if err := s.checkModerator(actor, ""); err != nil {
		return err
	}
	publicID = strings.TrimSpace(publicID)
	if publicID == "" {
		return ErrNotFound
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		target, err := s.sanctionTarget(ctx, actor, username)
		if err != nil {
			return err
		}
		l, err := s.Sessions(ctx, target, "")
		if err != nil {
			return err
		}
		var ended *SessionView
		for i := range l {
			if l[i].PublicID == publicID {
				ended = &l[i]
			}
		}
		if ended == nil {
			return ErrNotFound
		}
		if ok, err := s.store.DeleteUserSession(ctx, target.ID, publicID); err != nil {
			return err
		} else if !ok {
			return ErrNotFound
		}
		return s.record(ctx, actor, "user.session_end", TargetUser, target.ID, "",
			map[string]any{"username": target.Username, "browser": ended.Browser, "address": ended.Addr}, s.now())
	})
}
