package federation

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

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
	old, err := f.store.RemoteActorByAPID(ctx, act.Actor)
	if errors.Is(err, models.ErrNotFound) {
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
	// A rotated key: the old one must stop verifying at once, here, not
	// when its cache entry expires (other processes drop theirs within
	// keyCacheTTL).
	f.keys.drop(old.KeyID)
	f.keys.drop(stored.KeyID)
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
	f.keys.drop(a.KeyID) // a deleted account signs nothing more
	return f.svc.RemoteAccountDeleted(ctx, a)
}

// goneFetchTimeout bounds the check that a deleted actor answers 410,
// which the inbox request waits for.
const goneFetchTimeout = 10 * time.Second

// goneDelete accepts, without a signature that verifies, a Delete of an
// actor by itself when its own server now answers 410 Gone for it: once an
// account is gone its key may be unobtainable (a stored key that was
// rotated cannot be refreshed), yet the deletion is what its server says.
// Only actors stored here are checked (nothing to forget otherwise, and no
// fetch of an arbitrary URL on an unsigned request), and not for a refused
// server or actor. It reports whether the Delete was stored, answered 202.
func (f *Federation) goneDelete(c echo.Context, body []byte) (bool, error) {
	act, err := parseActivity(body)
	if err != nil || act.Type != "Delete" || idOf(act.Object) != act.Actor || hostOf(act.ID) != hostOf(act.Actor) {
		return false, nil
	}
	ctx := c.Request().Context()
	if _, err := f.store.RemoteActorByAPID(ctx, act.Actor); errors.Is(err, models.ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if refused, err := f.svc.InboundRefused(ctx, hostOf(act.Actor), act.Actor, act.Actor); err != nil || refused {
		return false, err
	}
	u, err := url.Parse(act.Actor)
	if err != nil || checkURL(u, f.cfg.FederationAllowPrivate) != nil {
		return false, nil
	}
	fctx, cancel := context.WithTimeout(ctx, goneFetchTimeout)
	defer cancel()
	resp, err := f.doSignedGet(fctx, u, acceptHeader)
	if err != nil {
		return false, nil
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusGone {
		return false, nil
	}
	f.log.Info("inbox: Delete of a gone actor", "actor", act.Actor)
	return true, f.inboxWriter.storeRow(ctx, &models.InboxActivity{ActivityID: act.ID, Signer: act.Actor, Body: string(body)})
}
