package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hearth/hearth/models"
)

// Accounts move. A remote account moving elsewhere sends Move{actor: old,
// object: old, target: new} to its followers' servers. What a receiving
// server does is Mastodon's app/lib/activitypub/activity/move.rb and
// app/workers/move_worker.rb: believe it only when the new account,
// fetched fresh, lists the old one in alsoKnownAs (anyone could otherwise
// steal an account's followers), process one Move per account per
// cooldown, remember where the account went, and have the local followers
// of the old account follow the new one. Hearth also carries the old
// account's follows of Hearth's members and categories over to the new
// account, which is what its user wanted (the Move says this account is now
// that one).

const (
	// moveCooldown is how long after a believed Move the account's next
	// Move is ignored: Mastodon's PROCESSING_COOLDOWN.
	moveCooldown = 7 * 24 * time.Hour
	// moveRetryWait is how long after a Move that was not believed
	// (the target did not list the account yet, or could not be fetched)
	// the next is looked at: each costs a fetch.
	moveRetryWait = time.Hour
)

// onMove handles a Move signed by the moving account itself.
func (f *Federation) onMove(ctx context.Context, act *activity, body []byte, signer string) error {
	if err := signedByActor(act, signer); err != nil {
		return err
	}
	var raw struct {
		Target json.RawMessage `json:"target"`
	}
	_ = json.Unmarshal(body, &raw) // parseActivity read the same body
	target := absoluteURL(idOf(raw.Target))
	if idOf(act.Object) != act.Actor || target == "" || target == act.Actor {
		return fmt.Errorf("%w: Move of %s to %q by %s", errIgnore, idOf(act.Object), target, act.Actor)
	}
	old, err := f.store.RemoteActorByAPID(ctx, act.Actor)
	if errors.Is(err, models.ErrNotFound) {
		return nil // nobody here knows the account
	} else if err != nil {
		return err
	}
	now := f.now()
	if old.MoveAt != nil {
		wait := moveRetryWait
		if old.MovedTo != "" {
			wait = moveCooldown
		}
		if now.Sub(*old.MoveAt) < wait {
			return fmt.Errorf("%w: %s moved less than %s ago", errIgnore, act.Actor, wait)
		}
	}
	// The attempt counts before the fetch, so a flood of Moves costs one
	// fetch per wait whatever their targets do.
	if err := f.store.SetRemoteActorMove(ctx, old.ID, old.MovedTo, now); err != nil {
		return err
	}
	if hostOf(target) == hostOf(f.base) {
		return f.moveToLocal(ctx, old, target, now)
	}
	if refused, err := f.svc.InboundRefused(ctx, hostOf(target), target); err != nil {
		return err
	} else if refused {
		return fmt.Errorf("%w: Move to blocked %s", errIgnore, target)
	}
	moved, err := f.remoteActor(ctx, target, true) // fresh: the alias may be new
	if err != nil {
		return fmt.Errorf("%w: Move target %s: %v", errIgnore, target, err)
	}
	if !slices.Contains(moved.Aliases(), old.APID) {
		return fmt.Errorf("%w: %s does not list %s in alsoKnownAs", errIgnore, target, old.APID)
	}
	return f.store.WithTx(ctx, func(ctx context.Context) error {
		if err := f.store.SetRemoteActorMove(ctx, old.ID, moved.APID, now); err != nil {
			return err
		}
		if _, err := f.store.MoveFollowers(ctx, old.ID, moved.ID, now); err != nil {
			return err
		}
		// Members who followed the old account follow the new one
		// (Mastodon's MoveWorker): Undo to the old, Follow to the new.
		rows, err := f.store.FollowingsOfRemoteActor(ctx, old.ID)
		if err != nil {
			return err
		}
		for _, row := range rows {
			u, err := f.store.UserByID(ctx, row.UserID)
			if err != nil {
				return err
			}
			if err := f.UnfollowRemote(ctx, u, old.APID); err != nil {
				return err
			}
			if err := f.FollowRemote(ctx, u, moved.APID); err != nil {
				return err
			}
		}
		return nil
	})
}

// moveToLocal handles a remote account moving to a member here: believed
// when that member lists the old account among their aliases (settings,
// "Moving here from another server"). The person is a member now: the old
// account's follows of Hearth actors end (a member reads the forum here),
// and members who followed it stop (Undo), as nothing is delivered to a
// member through federation.
func (f *Federation) moveToLocal(ctx context.Context, old *models.RemoteActor, target string, now time.Time) error {
	name, ok := strings.CutPrefix(target, f.base+"/u/")
	if !ok {
		return fmt.Errorf("%w: Move of %s to %s, not a member", errIgnore, old.APID, target)
	}
	u, err := f.localUser(ctx, name)
	if err != nil {
		return fmt.Errorf("%w: Move of %s to %s: %v", errIgnore, old.APID, target, err)
	}
	if f.userRef(u).url != target || !slices.Contains(u.Aliases(), old.APID) {
		return fmt.Errorf("%w: %s does not list %s as an alias", errIgnore, target, old.APID)
	}
	return f.store.WithTx(ctx, func(ctx context.Context) error {
		if err := f.store.SetRemoteActorMove(ctx, old.ID, target, now); err != nil {
			return err
		}
		rows, err := f.store.FollowingsOfRemoteActor(ctx, old.ID)
		if err != nil {
			return err
		}
		for _, row := range rows {
			follower, err := f.store.UserByID(ctx, row.UserID)
			if err != nil {
				return err
			}
			if err := f.UnfollowRemote(ctx, follower, old.APID); err != nil {
				return err
			}
		}
		_, err = f.store.RemoveFollowsOfRemoteActors(ctx, []int64{old.ID})
		return err
	})
}
