package federation

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/hearth/hearth/models"
)

// movedDouble serves d with its account name's actor document listing
// aliases in alsoKnownAs (what the new account shows once its owner added
// the old one as an alias).
type movedDouble struct {
	d    *fediDouble
	name string
	mu   sync.Mutex
	aka  []any
}

func (m *movedDouble) setAliases(aka ...any) { m.mu.Lock(); m.aka = aka; m.mu.Unlock() }

func (m *movedDouble) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || r.URL.Path != "/users/"+m.name {
		m.d.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	m.d.ServeHTTP(rec, r)
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		http.Error(w, "double", http.StatusInternalServerError)
		return
	}
	m.mu.Lock()
	if m.aka != nil {
		doc["alsoKnownAs"] = m.aka
	}
	m.mu.Unlock()
	writeDoubleJSON(w, doc)
}

// TestIncomingMove: a Move of mia (remote.test) to mia on new.test is
// believed only once new.test's mia lists the old account in alsoKnownAs;
// then her follows of Hearth's category and member pass to the new
// account, and bob, who followed the old account, unfollows it and follows
// the new one (Mastodon's MoveWorker). Moves are rate limited per account:
// one an hour while they fail, one a week once one succeeded (Mastodon's
// PROCESSING_COOLDOWN).
func TestIncomingMove(t *testing.T) {
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	h, d, ctx := s.h, s.d, context.Background()
	base := h.fed.base
	nd := newFediDouble(t, s.net, "new.test", mastodonFlavor{}, h.fed.client, "mia")
	moved := &movedDouble{d: nd, name: "mia"}
	s.net.add(t, "new.test", moved)
	newMia := nd.actorURL("mia")

	s.deliver(t, "mia", base+"/c/general/inbox", followActivity(d.nextID("follows"), s.mia, base+"/c/general"))
	s.deliver(t, "mia", s.hearthAlice+"/inbox", followActivity(d.nextID("follows"), s.mia, s.hearthAlice))
	must(t, h.fed.FollowRemote(ctx, s.bob, s.mia))
	drain(t, h)
	old, err := h.env.Store.RemoteActorByAPID(ctx, s.mia)
	must(t, err)

	followers := func() []string {
		ids, err := h.env.Store.FollowerIDs(ctx, models.ActorTypeCategory, s.cat.ID, 0, 10)
		must(t, err)
		alice, err := h.env.Store.FollowerIDs(ctx, models.ActorTypeUser, s.alice.ID, 0, 10)
		must(t, err)
		return append(ids, alice...)
	}
	move := func(id, target string) map[string]any {
		return map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": "Move",
			"actor": s.mia, "object": s.mia, "target": target}
	}

	// The new account does not list the old one: nothing moves.
	s.deliver(t, "mia", s.hearthInbox, move(d.nextID("moves"), newMia))
	if got := followers(); len(got) != 2 || got[0] != s.mia || got[1] != s.mia {
		t.Fatalf("followers after an unverified Move: %v", got)
	}
	// It lists it now, but the failed Move was less than an hour ago.
	moved.setAliases(s.mia)
	s.deliver(t, "mia", s.hearthInbox, move(d.nextID("moves"), newMia))
	if got := followers(); got[0] != s.mia {
		t.Fatalf("a second Move within the hour was processed: %v", got)
	}
	// An hour later (the attempt's time moved back: signatures pin the
	// clock to within an hour of now) it is believed.
	must(t, h.env.Store.SetRemoteActorMove(ctx, old.ID, "", h.env.Svc.Now().Add(-moveRetryWait-time.Minute)))
	s.deliver(t, "mia", s.hearthInbox, move(d.nextID("moves"), newMia))
	if got := followers(); len(got) != 2 || got[0] != newMia || got[1] != newMia {
		t.Fatalf("followers after a verified Move: %v", got)
	}
	if a, _ := h.env.Store.RemoteActorByAPID(ctx, s.mia); a.MovedTo != newMia {
		t.Errorf("old account's movedTo: %q", a.MovedTo)
	}
	// bob: Undo to the old account, Follow to the new.
	undos := d.receivedOfType("Undo")
	if len(undos) != 1 || undos[0]["actor"] != s.hearthBobURL {
		t.Fatalf("Undo of bob's follow of the old account: %v", undos)
	}
	follows := nd.receivedOfType("Follow")
	if len(follows) != 1 || follows[0]["actor"] != s.hearthBobURL || follows[0]["object"] != newMia {
		t.Fatalf("bob's Follow of the new account: %v", follows)
	}
	newActor, err := h.env.Store.RemoteActorByAPID(ctx, newMia)
	must(t, err)
	if _, err := h.env.Store.FollowingOf(ctx, s.bob.ID, newActor.ID); err != nil {
		t.Errorf("bob does not follow the new account: %v", err)
	}
	if _, err := h.env.Store.FollowingOf(ctx, s.bob.ID, old.ID); err == nil {
		t.Error("bob still follows the old account")
	}

	// A Move to elsewhere within the week is ignored.
	other := newFediDouble(t, s.net, "other.test", mastodonFlavor{}, h.fed.client, "mia")
	om := &movedDouble{d: other, name: "mia", aka: []any{s.mia}}
	s.net.add(t, "other.test", om)
	s.deliver(t, "mia", s.hearthInbox, move(d.nextID("moves"), other.actorURL("mia")))
	if a, _ := h.env.Store.RemoteActorByAPID(ctx, s.mia); a.MovedTo != newMia {
		t.Errorf("a second Move within the week moved the account to %q", a.MovedTo)
	}
}

// TestMoveMustBeTheActorsOwn: a Move must move its own actor (object =
// actor): rin sending Move{object: mia} moves nobody, although the target
// lists both accounts.
func TestMoveMustBeTheActorsOwn(t *testing.T) {
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	h, d, ctx := s.h, s.d, context.Background()
	base := h.fed.base
	s.deliver(t, "mia", base+"/c/general/inbox", followActivity(d.nextID("follows"), s.mia, base+"/c/general"))
	s.deliver(t, "rin", s.hearthInbox, followActivity(d.nextID("follows"), s.rin, base+"/c/general"))
	nd := newFediDouble(t, s.net, "new.test", mastodonFlavor{}, h.fed.client, "x")
	s.net.add(t, "new.test", &movedDouble{d: nd, name: "x", aka: []any{s.mia, s.rin}})
	s.deliver(t, "rin", s.hearthInbox, map[string]any{"id": d.nextID("moves"), "type": "Move",
		"actor": s.rin, "object": s.mia, "target": nd.actorURL("x")})
	ids, err := h.env.Store.FollowerIDs(ctx, models.ActorTypeCategory, s.cat.ID, 0, 10)
	must(t, err)
	if len(ids) != 2 || ids[0] != s.mia || ids[1] != s.rin {
		t.Fatalf("followers after a Move of someone else: %v", ids)
	}
}
