package federation

import (
	"context"
	"fmt"
	"testing"

	"github.com/hearth/hearth/models"
)

// announcesTo returns the Announces A queued for inbox, by id.
func announcesTo(t *testing.T, a *harness, inbox string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, act := range sentTo(t, a, inbox) {
		if act["type"] == "Announce" {
			out[act["id"].(string)] = act
		}
	}
	return out
}

// TestGroupAwareFollowers: B's follower of A's category is flagged
// group-aware (as a Group actor would be when fetched), C's is a plain
// Person. B gets the category's Announce of every activity (the thread's
// Create, a reply's Create, an Update, a Delete), C only the thread start's
// Announce of the Note.
func TestGroupAwareFollowers(t *testing.T) {
	n := newNetwork()
	a, b, c := newPeer(t, n, "a.test"), newPeer(t, n, "b.test"), newPeer(t, n, "c.test")
	a.env.Category("general")
	alice := a.env.User("alice", models.RoleMember)
	bob := b.env.User("bob", models.RoleMember)
	carol := c.env.User("carol", models.RoleMember)
	ctx := context.Background()
	must(t, b.fed.FollowRemote(ctx, bob, "http://a.test/c/general"))
	must(t, c.fed.FollowRemote(ctx, carol, "http://a.test/c/general"))
	drain(t, a, b, c)
	// A fetched both followers and recorded them as Persons: nobody is
	// group-aware yet.
	general, err := a.env.Store.CategoryBySlug(ctx, "general")
	must(t, err)
	cat := a.fed.categoryRef(general)
	if in, err := a.fed.groupAwareInboxes(ctx, cat); err != nil || len(in) != 0 {
		t.Fatalf("group-aware before flagging: %v %v", in, err)
	}
	must(t, a.env.Store.SetRemoteActorType(ctx, "http://b.test/u/bob", "Group"))

	thread, first := a.env.Thread(alice, "general", "Hello groups", "First.")
	reply := a.env.Reply(alice, thread.ID, "A reply.")
	_, err = a.env.Svc.EditPost(a.env.Ctx, alice, reply.ID, "A reply, edited.")
	must(t, err)
	must(t, a.env.Svc.DeletePost(a.env.Ctx, alice, reply.ID))
	drain(t, a, b, c)

	gone, err := a.env.Store.PostByID(ctx, reply.ID)
	must(t, err)
	base := "http://a.test/c/general/announce/"
	toB := announcesTo(t, a, "http://b.test/inbox")
	for id, inner := range map[string]string{
		fmt.Sprintf("%s%d#create", base, first.ID):                                "Create",
		fmt.Sprintf("%s%d#create", base, reply.ID):                                "Create",
		fmt.Sprintf("%s%d#delete-%d", base, reply.ID, gone.DeletedAt.UnixMicro()): "Delete",
	} {
		obj, _ := toB[id]["object"].(map[string]any)
		if obj["type"] != inner {
			t.Errorf("B: %s carries %v, want %s", id, toB[id]["object"], inner)
		}
		if _, err := b.env.Store.InboxByActivityID(ctx, id); err != nil {
			t.Errorf("B's inbox has no %s: %v", id, err)
		}
	}
	updates := 0
	for id, act := range toB {
		if obj, _ := act["object"].(map[string]any); obj["type"] == "Update" && obj["actor"] == "http://a.test/u/alice" {
			updates++
		} else if obj == nil {
			t.Errorf("B got the bare Announce %s", id)
		}
	}
	if updates != 1 {
		t.Errorf("B got %d Announce{Update}, want 1", updates)
	}

	toC := announcesTo(t, a, "http://c.test/inbox")
	want := fmt.Sprintf("%s%d", base, first.ID)
	if len(toC) != 1 || toC[want] == nil || toC[want]["object"] != fmt.Sprintf("http://a.test/p/%d", first.ID) {
		t.Errorf("C's Announces: %v, want only the thread start's boost", toC)
	}
}
