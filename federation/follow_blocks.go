package federation

import (
	"context"
	"strconv"
	"time"

	"github.com/hearth/hearth/ttlcache"

	"github.com/hearth/hearth/models"
)

// Ending follows so both sides agree. When an instance is suspended (or a
// remote account blocked) the forum drops every follow with its actors;
// without a word the peer would go on believing them: its users still
// "follow" a category that sends nothing, and a Follow sent during the
// block stays pending there forever. So, as Mastodon does when it blocks a
// domain (app/services/block_domain_service.rb → UnfollowService and
// RejectFollowService), each remote follower gets a Reject of its Follow,
// and each member's follow of a remote account an Undo. These are the only
// activities delivered to a suspended instance (Delivery.PastBlock).

// FollowsSevered queues, in the transaction that drops the follows, a
// Reject{Follow} for every remote follower of a local actor and an
// Undo{Follow} for every follow a member made.
func (o outbox) FollowsSevered(ctx context.Context, followers []models.Follower, following []models.Following) error {
	f := o.f
	actors := map[int64]*models.RemoteActor{}
	remote := func(id int64) (*models.RemoteActor, error) {
		if a, ok := actors[id]; ok {
			return a, nil
		}
		a, err := f.store.RemoteActorByID(ctx, id)
		if err != nil {
			return nil, err
		}
		actors[id] = a
		return a, nil
	}
	for _, row := range followers {
		a, err := remote(row.RemoteActorID)
		if err != nil {
			return err
		}
		ref, err := f.refOf(ctx, row.LocalActorType, row.LocalActorID)
		if err != nil {
			return err
		}
		if err := f.queueReject(ctx, ref, a, row.FollowActivityID, strconv.FormatInt(row.ID, 10)); err != nil {
			return err
		}
	}
	for _, row := range following {
		a, err := remote(row.RemoteActorID)
		if err != nil {
			return err
		}
		u, err := f.store.UserByID(ctx, row.UserID)
		if err != nil {
			return err
		}
		ref := f.userRef(u)
		follow := map[string]any{"type": "Follow", "actor": ref.url, "object": a.APID}
		id := ref.url + "#follows/" + strconv.FormatInt(row.ID, 10) + "/undo"
		if row.FollowActivityID != "" {
			follow["id"] = row.FollowActivityID
			id = row.FollowActivityID + "/undo"
		}
		undo := map[string]any{"@context": asProfile, "id": id, "type": "Undo", "actor": ref.url, "object": follow}
		if err := f.enqueuePastBlock(ctx, ref, undo, a.Inbox); err != nil {
			return err
		}
	}
	return nil
}

// queueReject queues target's Reject of a's Follow (followID, as the peer
// sent it; key makes the Reject's id unique).
func (f *Federation) queueReject(ctx context.Context, target actorRef, a *models.RemoteActor, followID, key string) error {
	follow := map[string]any{"type": "Follow", "actor": a.APID, "object": target.url}
	if followID != "" {
		// Mastodon finds the follow request by the embedded Follow's
		// actor and object; GoToSocial by its id: both are sent.
		follow["id"] = followID
	}
	reject := map[string]any{
		"@context": asProfile,
		"id":       target.url + "#rejects/follows/" + key,
		"type":     "Reject",
		"actor":    target.url,
		"object":   follow,
	}
	return f.enqueuePastBlock(ctx, target, reject, a.Inbox)
}

func (f *Federation) enqueuePastBlock(ctx context.Context, ref actorRef, act map[string]any, inbox string) error {
	if inbox == "" {
		return nil
	}
	body, err := encode(act)
	if err != nil {
		return err
	}
	return f.store.EnqueueDeliveriesPastBlock(ctx, string(body), ref.kind, ref.id, []string{inbox}, f.now())
}

// blockedFollowRejects remembers the Follows answered with a Reject while
// their instance was blocked, so a peer repeating one does not make
// Hearth queue a Reject per request.
type blockedFollowRejects struct {
	seen *ttlcache.Cache[string, struct{}]
}

func newBlockedFollowRejects() *blockedFollowRejects {
	return &blockedFollowRejects{seen: ttlcache.New[string, struct{}](10000, time.Hour)}
}

// rejectBlockedFollow answers a Follow the inbox refused (its instance or
// actor is blocked) with a Reject, so the follow does not stay pending on
// the peer. Only a Follow by its signer of a local actor is answered, once
// an hour per follower and target.
func (f *Federation) rejectBlockedFollow(ctx context.Context, act *activity, signer *models.RemoteActor) error {
	if act.Type != "Follow" || act.Actor != signer.APID || signer.ID == 0 {
		return nil
	}
	target, ok, err := f.localActor(ctx, idOf(act.Object))
	if err != nil || !ok {
		return err
	}
	key := signer.APID + " " + target.url
	if f.blockedFollows.seen.Contains(key) {
		return nil
	}
	f.blockedFollows.seen.Add(key, struct{}{})
	return f.queueReject(ctx, target, signer, act.ID, "blocked-"+strconv.FormatInt(f.now().UnixNano(), 36))
}
