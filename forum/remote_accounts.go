package forum

import (
	"context"
	"errors"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/models"
)

// Remote accounts change and go away on their own servers; federation/
// verifies that the actor itself said so and calls these.

// RefreshRemoteUser copies a remote actor's new name and avatar (an
// Update of the actor) to its users row, so its posts show them.
func (s *Service) RefreshRemoteUser(ctx context.Context, a *models.RemoteActor) error {
	if a == nil || a.ID == 0 {
		return nil
	}
	return s.store.UpdateRemoteUserProfile(ctx, a, s.now())
}

// RemoteAccountDeleted forgets a remote actor that deleted its account:
// follows in both directions go, and its posts here are treated as the
// operator chose (--federation-remote-delete-posts): marked deleted (rows
// and numbers stay; threads show the usual placeholder), hidden (as flags
// hide a post: moderators still see it and may restore it) or kept. Its
// boosts are removed with the boosted posts' counts unless posts are kept
// (a day's remote_boosts drop them when the day is computed again, as for
// an Undo).
func (s *Service) RemoteAccountDeleted(ctx context.Context, a *models.RemoteActor) error {
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.store.RemoveFollowsOfRemoteActors(ctx, []int64{a.ID}); err != nil {
			return err
		}
		u, err := s.store.UserByRemoteActorID(ctx, a.ID)
		if err != nil {
			return notFoundOK(err)
		}
		now := s.now()
		var threads []int64
		switch s.cfg.FederationRemoteDeletePosts {
		case config.RemoteDeletePostsKeep:
			return nil
		case config.RemoteDeletePostsHide:
			threads, err = s.store.HidePostsBy(ctx, u.ID, now)
		default:
			threads, err = s.store.SoftDeletePostsBy(ctx, u.ID, now)
		}
		if err != nil {
			return err
		}
		// Their attachments go too; the media collector takes the copies.
		if err := s.store.DeleteRemoteAttachmentsBy(ctx, u.ID); err != nil {
			return err
		}
		boosted, err := s.store.RemoveBoostsBy(ctx, u.ID)
		if err != nil {
			return err
		}
		threads = append(threads, boosted...)
		for _, id := range threads {
			if err := s.store.TouchThread(ctx, id, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// notFoundOK treats a missing row as nothing to do.
func notFoundOK(err error) error {
	if errors.Is(err, models.ErrNotFound) {
		return nil
	}
	return err
}
