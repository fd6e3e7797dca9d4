package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// localActor resolves one of this server's actor ids (a member or a
// category); ok is false when id is not a local followable actor.
func (f *Federation) localActor(ctx context.Context, id string) (ref actorRef, ok bool, err error) {
	rest, found := strings.CutPrefix(id, f.base+"/")
	if !found {
		return actorRef{}, false, nil
	}
	kind, name, _ := strings.Cut(rest, "/")
	switch kind {
	case "u":
		u, err := f.localUser(ctx, name)
		if err != nil {
			return actorRef{}, false, notFoundOK(err)
		}
		return f.userRef(u), true, nil
	case "c":
		// Old slugs resolve too: the Group's id is its first slug's URL.
		c, _, err := f.svc.ResolveCategorySlug(ctx, nil, name)
		if err != nil {
			return actorRef{}, false, notFoundOK(err)
		}
		return f.categoryRef(c), true, nil
	}
	return actorRef{}, false, nil
}

func notFoundOK(err error) error {
	if errors.Is(err, forum.ErrNotFound) {
		return nil
	}
	return err
}

// onFollow records a remote follower of a local member or category and
// answers with Accept (Hearth's actors approve followers automatically).
// A Follow of anything else is ignored: nothing to follow, nothing to say.
func (f *Federation) onFollow(ctx context.Context, act *activity, raw json.RawMessage) error {
	target, ok, err := f.localActor(ctx, idOf(act.Object))
	if err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("%w: Follow of %s", errIgnore, idOf(act.Object))
	}
	follower, err := f.remoteActor(ctx, act.Actor, false)
	if err != nil {
		return err
	}
	if target.kind == models.ActorTypeCategory {
		f.learnSoftware(ctx, follower.APID)
	}
	defer f.groupFollowed.invalidate()
	return f.store.WithTx(ctx, func(ctx context.Context) error {
		row, err := f.store.AddFollower(ctx, &models.Follower{
			LocalActorType: target.kind, LocalActorID: target.id,
			RemoteActorID: follower.ID, FollowActivityID: act.ID,
		})
		if err != nil {
			return err
		}
		var follow any
		if err := json.Unmarshal(raw, &follow); err != nil {
			return err
		}
		if m, ok := follow.(map[string]any); ok {
			delete(m, "@context") // the Accept carries it
		}
		accept := map[string]any{
			"@context": asProfile,
			"id":       target.url + "#accepts/follows/" + strconv.FormatInt(row.ID, 10),
			"type":     "Accept",
			"actor":    target.url,
			"object":   follow,
		}
		return f.enqueue(ctx, target, accept, []string{follower.Inbox})
	})
}

// onUndo handles Undo of a Follow (the remote actor stops following), of a
// Like and of an Announce (a boost taken back).
// Mastodon embeds the Follow being undone; its object names the local actor.
func (f *Federation) onUndo(ctx context.Context, act *activity, signer string) error {
	inner, err := parseActivity(act.Object)
	if err == nil && inner.Type == "Like" && inner.Actor == act.Actor {
		return f.onLike(ctx, act.Actor, idOf(inner.Object), false, nil)
	}
	if err == nil && inner.Type == "Announce" {
		if inner.Actor != act.Actor {
			return fmt.Errorf("%w: Undo of someone else's Announce", errIgnore)
		}
		if err := signedByActor(act, signer); err != nil {
			return err
		}
		return f.onUndoAnnounce(ctx, act, inner.ID, inner.Object)
	}
	if err != nil || inner.Type != "Follow" {
		return nil // Undo of something Hearth does not keep
	}
	if inner.Actor != act.Actor {
		return fmt.Errorf("%w: Undo of someone else's Follow", errIgnore)
	}
	target, ok, err := f.localActor(ctx, idOf(inner.Object))
	if err != nil || !ok {
		return err
	}
	follower, err := f.store.RemoteActorByAPID(ctx, act.Actor)
	if errors.Is(err, models.ErrNotFound) {
		return nil // never followed
	} else if err != nil {
		return err
	}
	_, err = f.store.RemoveFollower(ctx, target.kind, target.id, follower.ID)
	f.groupFollowed.invalidate()
	return err
}

// onAcceptReject records a remote actor's answer to a local member's
// Follow. Only the followed actor's server can answer (the signer was
// checked against the activity's actor), and only for its own actor.
func (f *Federation) onAcceptReject(ctx context.Context, act *activity) error {
	remote, err := f.store.RemoteActorByAPID(ctx, act.Actor)
	if errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("%w: answer from an actor never followed", errIgnore)
	} else if err != nil {
		return err
	}
	if act.Type == "Reject" {
		// Refused: the follow is gone, so the member may ask again
		// (Mastodon drops the follow request on Reject too).
		_, err = f.store.DeleteRejectedFollowing(ctx, idOf(act.Object), remote.ID)
		return err
	}
	_, err = f.store.SetFollowingAccepted(ctx, idOf(act.Object), remote.ID, true)
	return err
}
