package federation

import (
	"context"
	"errors"
	"strconv"

	"github.com/hearth/hearth/models"
)

// FollowRemote makes member u follow the remote actor with id target: the
// follow is recorded (not yet accepted) and a Follow is queued for the
// actor's inbox. Following again is a no-op.
func (f *Federation) FollowRemote(ctx context.Context, u *models.User, target string) error {
	remote, err := f.remoteActor(ctx, target, false)
	if err != nil {
		return err
	}
	ref := f.userRef(u)
	return f.store.WithTx(ctx, func(ctx context.Context) error {
		if _, err := f.store.FollowingOf(ctx, u.ID, remote.ID); err == nil {
			return nil
		} else if !errors.Is(err, models.ErrNotFound) {
			return err
		}
		row := &models.Following{UserID: u.ID, RemoteActorID: remote.ID, FollowActivityID: ""}
		if err := f.store.CreateFollowing(ctx, row); err != nil {
			return err
		}
		id := ref.url + "#follows/" + strconv.FormatInt(row.ID, 10)
		if err := f.store.SetFollowingActivityID(ctx, row.ID, id); err != nil {
			return err
		}
		return f.enqueue(ctx, ref, followActivity(id, ref.url, remote.APID), []string{remote.Inbox})
	})
}

// UnfollowRemote undoes member u's follow of target, if any.
func (f *Federation) UnfollowRemote(ctx context.Context, u *models.User, target string) error {
	remote, err := f.store.RemoteActorByAPID(ctx, target)
	if errors.Is(err, models.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	ref := f.userRef(u)
	return f.store.WithTx(ctx, func(ctx context.Context) error {
		row, err := f.store.FollowingOf(ctx, u.ID, remote.ID)
		if errors.Is(err, models.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		follow := followActivity(row.FollowActivityID, ref.url, remote.APID)
		delete(follow, "@context")
		undo := map[string]any{
			"@context": asProfile,
			"id":       row.FollowActivityID + "/undo",
			"type":     "Undo",
			"actor":    ref.url,
			"object":   follow,
		}
		if err := f.store.DeleteFollowing(ctx, row.ID); err != nil {
			return err
		}
		return f.enqueue(ctx, ref, undo, []string{remote.Inbox})
	})
}

func followActivity(id, actor, object string) map[string]any {
	return map[string]any{"@context": asProfile, "id": id, "type": "Follow", "actor": actor, "object": object}
}
