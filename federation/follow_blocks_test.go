package federation

import (
	"context"
	"net/http"
	"testing"

	"github.com/hearth/hearth/models"
)

// TestSuspensionEndsFollowsOnBothSides: suspending an instance sends each
// of its accounts that followed a Hearth actor a Reject of that very
// Follow (by id, with actor and object embedded), and an Undo of every
// member's follow of its accounts; both get through although the instance
// is suspended, and only once (suspending again sends nothing more). A
// Follow that arrives during the block is refused and answered with a
// Reject (once, however often it is repeated), so it does not stay
// pending on the peer. Mastodon does the same on a domain block
// (app/services/block_domain_service.rb, reject_follow_service.rb).
func TestSuspensionEndsFollowsOnBothSides(t *testing.T) {
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	h, d, ctx := s.h, s.d, context.Background()
	base := h.fed.base
	catFollow := followActivity(d.nextID("follows"), s.mia, base+"/c/general")
	s.deliver(t, "mia", base+"/c/general/inbox", catFollow)
	aliceFollow := followActivity(d.nextID("follows"), s.rin, s.hearthAlice)
	s.deliver(t, "rin", s.hearthAlice+"/inbox", aliceFollow)
	must(t, h.fed.FollowRemote(ctx, s.bob, s.rin))
	drain(t, h)
	bobsFollow := d.receivedOfType("Follow")
	if len(bobsFollow) != 1 {
		t.Fatalf("bob's Follow: %d delivered", len(bobsFollow))
	}

	admin := h.env.User("boss", models.RoleAdmin)
	for range 2 {
		_, err := h.env.Svc.BlockInstance(ctx, admin, "remote.test", models.BlockSuspend, "spam")
		must(t, err)
		drain(t, h)
	}
	rejects := d.receivedOfType("Reject")
	want := map[string]string{catFollow["id"].(string): base + "/c/general", aliceFollow["id"].(string): s.hearthAlice}
	if len(rejects) != len(want) {
		t.Fatalf("Rejects after the suspension: %d, want %d: %v", len(rejects), len(want), rejects)
	}
	for _, r := range rejects {
		obj, _ := r["object"].(map[string]any)
		target, ok := want[idOfAny(obj["id"])]
		if !ok || r["actor"] != target || obj["object"] != target || obj["type"] != "Follow" {
			t.Errorf("Reject %v does not reject a follow of %q", r, target)
		}
	}
	undos := d.receivedOfType("Undo")
	if len(undos) != 1 {
		t.Fatalf("Undos after the suspension: %d, want 1", len(undos))
	}
	if obj, _ := undos[0]["object"].(map[string]any); obj["id"] != bobsFollow[0]["id"] || undos[0]["actor"] != s.hearthBobURL || obj["object"] != s.rin {
		t.Errorf("Undo %v is not of bob's Follow %v", undos[0], bobsFollow[0]["id"])
	}
	if n, _ := h.env.Store.CountFollowers(ctx, models.ActorTypeCategory, s.cat.ID); n != 0 {
		t.Errorf("followers kept after the suspension: %d", n)
	}

	// A Follow during the block: 403, then one Reject, however often sent.
	again := followActivity(d.nextID("follows"), s.mia, base+"/c/general")
	for range 2 {
		if code := d.send("mia", base+"/c/general/inbox", again); code != http.StatusForbidden {
			t.Fatalf("Follow from a suspended instance: %d", code)
		}
		drain(t, h)
	}
	rejects = d.receivedOfType("Reject")
	if len(rejects) != 3 {
		t.Fatalf("Rejects after a Follow during the block: %d, want 3", len(rejects))
	}
	if obj, _ := rejects[2]["object"].(map[string]any); obj["id"] != again["id"] {
		t.Errorf("the blocked Follow's Reject names %v, want %v", obj["id"], again["id"])
	}
	// Anything else still stops at the block.
	h.env.Reply(s.alice, firstThread(t, h), "after the block")
	drain(t, h)
	if n := len(d.receivedOfType("Create")); n != 0 {
		t.Errorf("%d Creates reached the suspended instance", n)
	}
}

func idOfAny(v any) string {
	s, _ := v.(string)
	return s
}

// firstThread starts a thread by alice in general and returns its id.
func firstThread(t *testing.T, h *harness) int64 {
	t.Helper()
	alice, err := h.env.Store.UserByUsername(context.Background(), "alice")
	must(t, err)
	th, _ := h.env.Thread(alice, "general", "After", "a thread after the block")
	return th.ID
}
