package federation

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/hearth/hearth/models"
)

// TestFollowBetweenInstances: a member of B follows a category of A over
// real HTTP; A records the follower and answers Accept, B records the
// follow as accepted; a redelivered Follow changes nothing; Undo removes it.
func TestFollowBetweenInstances(t *testing.T) {
	n := newNetwork()
	a, b := newPeer(t, n, "a.test"), newPeer(t, n, "b.test")
	cat := a.env.Category("general")
	bob := b.env.User("bob", models.RoleMember)
	ctx := context.Background()

	must(t, b.fed.FollowRemote(ctx, bob, "http://a.test/c/general"))
	drain(t, a, b)

	if n, err := a.env.Store.CountFollowers(ctx, models.ActorTypeCategory, cat.ID); err != nil || n != 1 {
		t.Fatalf("A's followers of general: %d, %v", n, err)
	}
	followers := a.activity("/c/general/followers?page=1", http.StatusOK)
	if followers["totalItems"] != float64(1) {
		t.Errorf("followers collection: %v", followers)
	}
	if items, _ := followers["orderedItems"].([]any); len(items) != 1 || items[0] != "http://b.test/u/bob" {
		t.Errorf("followers page items: %v", followers["orderedItems"])
	}
	// Fan-out goes to B's shared inbox, once.
	if in, err := a.env.Store.FollowerInboxes(ctx, models.ActorTypeCategory, cat.ID); err != nil || len(in) != 1 || in[0] != "http://b.test/inbox" {
		t.Errorf("follower inboxes: %v, %v", in, err)
	}
	remote, err := b.env.Store.RemoteActorByAPID(ctx, "http://a.test/c/general")
	must(t, err)
	f, err := b.env.Store.FollowingOf(ctx, bob.ID, remote.ID)
	must(t, err)
	if !f.Accepted {
		t.Fatal("B did not record A's Accept")
	}

	// The Accept embedded the Follow and has the documented id shape.
	acc, err := a.env.Store.DeliveriesTo(ctx, "http://b.test/u/bob/inbox")
	must(t, err)
	if len(acc) != 1 || acc[0].State != models.QueueDone {
		t.Fatalf("A's deliveries to bob: %+v", acc)
	}
	var accept map[string]any
	must(t, json.Unmarshal([]byte(acc[0].ActivityJSON), &accept))
	if obj, _ := accept["object"].(map[string]any); accept["type"] != "Accept" || obj["id"] != f.FollowActivityID ||
		accept["id"] != "http://a.test/c/general#accepts/follows/1" {
		t.Errorf("Accept: %v", accept)
	}

	// Redelivery of the same Follow (peers retry after timeouts): 202,
	// nothing new to process, still one follower.
	follow, _ := json.Marshal(followActivity(f.FollowActivityID, "http://b.test/u/bob", "http://a.test/c/general"))
	signer, err := b.fed.signerFor(ctx, b.fed.userRef(bob))
	must(t, err)
	if code := signedPost(t, b.fed.client, signer, "http://a.test/inbox", follow); code != http.StatusAccepted {
		t.Fatalf("redelivery: %d", code)
	}
	if n, err := a.fed.processInbox(ctx); err != nil || n != 0 {
		t.Fatalf("redelivered Follow processed again: %d, %v", n, err)
	}

	must(t, b.fed.UnfollowRemote(ctx, bob, "http://a.test/c/general"))
	drain(t, a, b)
	if n, _ := a.env.Store.CountFollowers(ctx, models.ActorTypeCategory, cat.ID); n != 0 {
		t.Fatalf("after Undo A still has %d followers", n)
	}
	if _, err := b.env.Store.FollowingOf(ctx, bob.ID, remote.ID); err != models.ErrNotFound {
		t.Errorf("B still follows: %v", err)
	}
}

// TestFollowUnknownActor: a Follow of someone who does not exist is
// accepted at the door (it was validly signed) and then dropped.
func TestFollowUnknownActor(t *testing.T) {
	n := newNetwork()
	a, b := newPeer(t, n, "a.test"), newPeer(t, n, "b.test")
	bob := b.env.User("bob", models.RoleMember)
	ctx := context.Background()
	signer, err := b.fed.signerFor(ctx, b.fed.userRef(bob))
	must(t, err)
	body, _ := json.Marshal(followActivity("http://b.test/u/bob#follows/99", "http://b.test/u/bob", "http://a.test/c/nowhere"))
	if code := signedPost(t, b.fed.client, signer, "http://a.test/inbox", body); code != http.StatusAccepted {
		t.Fatalf("status %d", code)
	}
	drain(t, a, b)
	row, err := a.env.Store.InboxByActivityID(ctx, "http://b.test/u/bob#follows/99")
	must(t, err)
	if row.State != models.QueueFailed {
		t.Errorf("state %q", row.State)
	}
	// And the per-actor inbox of an unknown actor is a 404.
	if code := signedPost(t, b.fed.client, signer, "http://a.test/c/nowhere/inbox", body); code != http.StatusNotFound {
		t.Errorf("unknown inbox: %d", code)
	}
}
