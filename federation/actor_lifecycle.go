package federation

import (
	"context"
	"errors"
	"fmt"

	"github.com/hearth/hearth/models"
)

// Remote actors change (Update of the Person: a new name, avatar or key)
// and go away (Delete whose object is the actor itself). Both are only
// taken from the actor's own signature: the inbox checked the signer's
// host, signedByActor the signer itself.

// actorTypes are the ActivityStreams actor types an Update may refresh.
var actorTypes = map[string]bool{"Person": true, "Service": true, "Application": true, "Group": true, "Organization": true}

// onUpdateActor refreshes the cached actor from the Update's object (or,
// when only its id was sent, from a fresh fetch) and the name and avatar
// its posts show here.
func (f *Federation) onUpdateActor(ctx context.Context, act *activity) error {
	if _, err := f.store.RemoteActorByAPID(ctx, act.Actor); errors.Is(err, models.ErrNotFound) {
		return nil // never seen: nothing here to refresh
	} else if err != nil {
		return err
	}
	var stored *models.RemoteActor
	if a, err := parseRemoteActor(act.Object, act.Actor); err == nil {
		if a.APID != act.Actor {
			return fmt.Errorf("%w: Update of %s by %s", errIgnore, a.APID, act.Actor)
		}
		a.FetchedAt = f.now()
		if stored, err = f.cacheActor(ctx, a, act.Object); err != nil {
			return err
		}
	} else {
		if stored, err = f.remoteActor(ctx, act.Actor, true); err != nil {
			return err
		}
	}
	if err := f.svc.RefreshRemoteUser(ctx, stored); err != nil {
		return err
	}
	if u, err := f.store.UserByRemoteActorID(ctx, stored.ID); err == nil {
		f.syncAvatar(ctx, u) // a new icon: copy it, drop the old copy
	}
	return nil
}

// onDeleteActor forgets an actor that deleted its account: its follows
// here and its posts (marked deleted).
func (f *Federation) onDeleteActor(ctx context.Context, act *activity) error {
	a, err := f.store.RemoteActorByAPID(ctx, act.Actor)
	if errors.Is(err, models.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	return f.svc.RemoteAccountDeleted(ctx, a)
}
