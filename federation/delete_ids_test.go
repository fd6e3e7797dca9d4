package federation

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// TestHideTwiceReachesPeer: a post hidden, shown again and hidden again
// sends two Deletes, and the peer's inbox (which drops an id it has seen)
// takes both: each Delete has its own id (#delete-<µs>, like the re-sent
// Create). With one #delete id the second hide never reached B.
// (Plain #delete ids, as Hearth sent before and Mastodon sends, are
// handled by object id: see TestRemoteReplyLifecycle's Delete.)
func TestHideTwiceReachesPeer(t *testing.T) {
	n := newNetwork()
	a, b := newPeer(t, n, "a.test"), newPeer(t, n, "b.test")
	a.env.Category("general")
	alice := a.env.User("alice", models.RoleMember)
	mod := a.env.User("martha", models.RoleModerator)
	bob := b.env.User("bob", models.RoleMember)
	ctx := context.Background()
	must(t, b.fed.FollowRemote(ctx, bob, "http://a.test/u/alice"))
	drain(t, a, b)
	thread, _ := a.env.Thread(alice, "general", "Hello", "First.")
	reply := a.env.Reply(alice, thread.ID, "Something rude.")
	drain(t, a, b)
	replyURL := fmt.Sprintf("http://a.test/p/%d", reply.ID)
	var deleteIDs []string
	for _, on := range []bool{true, false, true} {
		must(t, a.env.Svc.SetPostHidden(ctx, mod, reply.ID, on, "step"))
		drain(t, a, b)
	}
	for _, act := range sentTo(t, a, "http://b.test/inbox") {
		if id, _ := act["id"].(string); act["type"] == "Delete" {
			if !strings.HasPrefix(id, replyURL+"#delete-") {
				t.Errorf("Delete id %q, want %s#delete-<µs>", id, replyURL)
			}
			deleteIDs = append(deleteIDs, id)
		}
	}
	if len(deleteIDs) != 2 || deleteIDs[0] == deleteIDs[1] {
		t.Fatalf("Delete ids sent to B: %v, want two distinct", deleteIDs)
	}
	for _, id := range deleteIDs {
		receivedOnce(t, a, b, id, "http://a.test/u/alice")
	}
}

// TestDeleteIDFormsHandled: a Hearth inbox applies a Delete by its object,
// whatever the activity id: the plain #delete Hearth sent before (and
// Mastodon-style ids) and the #delete-<µs> it sends now.
func TestDeleteIDFormsHandled(t *testing.T) {
	for _, suffix := range []string{"#delete", "#delete-1795427520000000"} {
		t.Run(suffix, func(t *testing.T) {
			s := newRemoteScene(t)
			s.send(t, s.bobSigner, activityOf(s.note+"/activity", "Create", s.bobURL,
				noteDocFor(s.note, s.bobURL, s.parentURL, "<p>Hi</p>")))
			if got := s.posts(t); len(got) != 2 || got[1].Deleted() {
				t.Fatalf("before Delete: %d posts", len(got))
			}
			s.send(t, s.bobSigner, activityOf(s.note+suffix, "Delete", s.bobURL,
				map[string]any{"id": s.note, "type": "Tombstone"}))
			if got := s.posts(t)[1]; !got.Deleted() {
				t.Fatalf("Delete %s not applied", suffix)
			}
		})
	}
}
