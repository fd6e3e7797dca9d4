package federation

import (
	"context"
	"errors"
	"testing"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// TestMemberMovesOut: alice moves to her new account on new.test. Until
// that account lists her as an alias (or with a wrong password) the move
// is refused and nothing is sent; then she is marked moved, her actor
// carries movedTo, and her fediverse followers' server gets one Move
// (actor = object = alice, target = the new account), signed by her.
func TestMemberMovesOut(t *testing.T) {
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	h, d, ctx := s.h, s.d, context.Background()
	s.withForumConfig(t, func(c *config.Config) { c.URL = h.fed.base }) // one URL, as in production
	h.env.Svc.SetAccountResolver(h.fed)
	nd := newFediDouble(t, s.net, "new.test", mastodonFlavor{}, h.fed.client, "alice")
	moved := &movedDouble{d: nd, name: "alice"}
	s.net.add(t, "new.test", moved)
	newAlice := nd.actorURL("alice")
	s.deliver(t, "mia", s.hearthAlice+"/inbox", followActivity(d.nextID("follows"), s.mia, s.hearthAlice))

	for _, tc := range []struct {
		name, handle, password, field string
	}{
		{"not aliased yet", "@alice@new.test", "password123", "target"},
		{"unknown account", "@nobody@new.test", "password123", "target"},
		{"wrong password", "@alice@new.test", "wrong", "password"},
		{"an account here", "@bob@hearth.test", "password123", "target"},
	} {
		if tc.name == "wrong password" {
			moved.setAliases(s.hearthAlice)
		}
		_, err := h.env.Svc.MoveAccount(ctx, s.alice, tc.handle, tc.password)
		var ve *forum.ValidationError
		if !errors.As(err, &ve) || ve.Fields[tc.field] == "" {
			t.Errorf("%s: %v, want a validation error on %s", tc.name, err, tc.field)
		}
	}
	drain(t, h)
	if n := len(d.receivedOfType("Move")); n != 0 {
		t.Fatalf("%d Moves sent for refused moves", n)
	}

	target, err := h.env.Svc.MoveAccount(ctx, s.alice, "@alice@new.test", "password123")
	must(t, err)
	if target != newAlice {
		t.Fatalf("moved to %q", target)
	}
	drain(t, h)
	moves := d.receivedOfType("Move")
	if len(moves) != 1 || moves[0]["actor"] != s.hearthAlice || moves[0]["object"] != s.hearthAlice || moves[0]["target"] != newAlice {
		t.Fatalf("Move delivered: %v", moves)
	}
	doc := h.activity("/u/alice", 200)
	if doc["movedTo"] != newAlice {
		t.Errorf("actor movedTo: %v", doc["movedTo"])
	}
	if _, err := h.env.Svc.MoveAccount(ctx, s.alice, "@alice@new.test", "password123"); err == nil {
		t.Error("moved twice")
	}
}

// TestMemberMovesIn: bob lists rin's account as an alias (his actor then
// carries alsoKnownAs); rin's Move to bob is believed: rin is marked moved
// to bob and rin's follows of Hearth actors end. A Move of mia, whom bob
// does not list, to bob is not.
func TestMemberMovesIn(t *testing.T) {
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	h, d, ctx := s.h, s.d, context.Background()
	base := h.fed.base
	s.withForumConfig(t, func(c *config.Config) { c.URL = h.fed.base }) // one URL, as in production
	h.env.Svc.SetAccountResolver(h.fed)
	s.deliver(t, "rin", base+"/c/general/inbox", followActivity(d.nextID("follows"), s.rin, base+"/c/general"))
	s.deliver(t, "mia", base+"/c/general/inbox", followActivity(d.nextID("follows"), s.mia, base+"/c/general"))

	if err := h.env.Svc.AddAccountAlias(ctx, s.bob, "@rin@remote.test", "nope"); err == nil {
		t.Fatal("alias added without the password")
	}
	must(t, h.env.Svc.AddAccountAlias(ctx, s.bob, "@rin@remote.test", "password123"))
	doc := h.activity("/u/bob", 200)
	if aka, _ := doc["alsoKnownAs"].([]any); len(aka) != 1 || aka[0] != s.rin {
		t.Fatalf("bob's alsoKnownAs: %v", doc["alsoKnownAs"])
	}
	move := func(name, actor string) map[string]any {
		return map[string]any{"id": d.nextID("moves"), "type": "Move", "actor": actor, "object": actor, "target": s.hearthBobURL}
	}
	s.deliver(t, "mia", s.hearthInbox, move("mia", s.mia))
	s.deliver(t, "rin", s.hearthInbox, move("rin", s.rin))
	rin, _ := h.env.Store.RemoteActorByAPID(ctx, s.rin)
	mia, _ := h.env.Store.RemoteActorByAPID(ctx, s.mia)
	if rin.MovedTo != s.hearthBobURL || mia.MovedTo != "" {
		t.Errorf("movedTo: rin %q, mia %q", rin.MovedTo, mia.MovedTo)
	}
	ids, err := h.env.Store.FollowerIDs(ctx, models.ActorTypeCategory, s.cat.ID, 0, 10)
	must(t, err)
	if len(ids) != 1 || ids[0] != s.mia {
		t.Errorf("category followers after rin moved here: %v", ids)
	}
}
