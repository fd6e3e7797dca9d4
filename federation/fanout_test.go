package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// sentTo decodes every activity A queued for inbox, in order.
func sentTo(t *testing.T, h *harness, inbox string) []map[string]any {
	t.Helper()
	rows, err := h.env.Store.DeliveriesTo(context.Background(), inbox)
	must(t, err)
	out := make([]map[string]any, len(rows))
	for i, r := range rows {
		must(t, json.Unmarshal([]byte(r.ActivityJSON), &out[i]))
		if r.State != models.QueueDone {
			t.Errorf("delivery %v to %s: state %q (%s)", out[i]["id"], inbox, r.State, r.LastError)
		}
	}
	return out
}

// receivedOnce checks that B's inbox stored the activity, verified as
// signed by signer, and that A queued it for B's shared inbox exactly once;
// it returns the stored activity.
func receivedOnce(t *testing.T, a, b *harness, id, signer string) map[string]any {
	t.Helper()
	n := 0
	for _, act := range sentTo(t, a, "http://b.test/inbox") {
		if act["id"] == id {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%s queued for B's shared inbox %d times, want 1", id, n)
	}
	row, err := b.env.Store.InboxByActivityID(context.Background(), id)
	if err != nil {
		t.Fatalf("B's inbox has no %s: %v", id, err)
	}
	if row.Signer != signer {
		t.Errorf("%s signed by %q, want %q", id, row.Signer, signer)
	}
	var act map[string]any
	must(t, json.Unmarshal([]byte(row.Body), &act))
	return act
}

// TestFanOutBetweenInstances: B's member follows both A's category and A's
// member, so both fan-outs land on B's one shared inbox. A new thread
// arrives as the member's Create and the category's Announce, a reply as a
// Create only, an edit as Update, a deletion as Delete; each once.
func TestFanOutBetweenInstances(t *testing.T) {
	n := newNetwork()
	a, b := newPeer(t, n, "a.test"), newPeer(t, n, "b.test")
	a.env.Category("general")
	a.env.Category("quiet")
	alice := a.env.User("alice", models.RoleMember)
	carol := a.env.User("carol", models.RoleMember)
	bob := b.env.User("bob", models.RoleMember)
	ctx := context.Background()
	must(t, b.fed.FollowRemote(ctx, bob, "http://a.test/c/general"))
	must(t, b.fed.FollowRemote(ctx, bob, "http://a.test/u/alice"))
	drain(t, a, b)
	before := len(sentTo(t, a, "http://b.test/inbox"))

	thread, first := a.env.Thread(alice, "general", "Hello, fediverse", "First **post**.")
	drain(t, a, b)
	postURL := fmt.Sprintf("http://a.test/p/%d", first.ID)

	create := receivedOnce(t, a, b, postURL+"#create", "http://a.test/u/alice")
	note, _ := create["object"].(map[string]any)
	if create["type"] != "Create" || create["actor"] != "http://a.test/u/alice" ||
		note["id"] != postURL || note["type"] != "Note" || !strings.HasPrefix(fmt.Sprint(note["content"]), titleParagraph("Hello, fediverse")) {
		t.Errorf("Create: %v", create)
	}
	if _, ok := note["@context"]; ok {
		t.Error("the embedded Note repeats @context")
	}
	if to, _ := create["to"].([]any); len(to) != 1 || to[0] != publicAddress {
		t.Errorf("Create to: %v", create["to"])
	}
	announce := receivedOnce(t, a, b, fmt.Sprintf("http://a.test/c/general/announce/%d", first.ID), "http://a.test/c/general")
	if announce["type"] != "Announce" || announce["actor"] != "http://a.test/c/general" || announce["object"] != postURL {
		t.Errorf("Announce: %v", announce)
	}
	if cc, _ := announce["cc"].([]any); len(cc) != 1 || cc[0] != "http://a.test/c/general/followers" {
		t.Errorf("Announce cc: %v", announce["cc"])
	}

	// A reply: Create, and no Announce (a boost per reply floods Mastodon).
	reply := a.env.Reply(alice, thread.ID, "And a reply.")
	drain(t, a, b)
	replyURL := fmt.Sprintf("http://a.test/p/%d", reply.ID)
	rc := receivedOnce(t, a, b, replyURL+"#create", "http://a.test/u/alice")
	if obj, _ := rc["object"].(map[string]any); obj["inReplyTo"] != postURL {
		t.Errorf("reply's Note: %v", obj)
	}

	// Editing the first post: its audience is both followings, one inbox.
	edited, err := a.env.Svc.EditPost(a.env.Ctx, alice, first.ID, "First post, edited.")
	must(t, err)
	drain(t, a, b)
	updateID := fmt.Sprintf("%s#update-%d-%d", postURL, edited.EditedAt.Unix(), edited.EditCount)
	update := receivedOnce(t, a, b, updateID, "http://a.test/u/alice")
	if obj, _ := update["object"].(map[string]any); update["type"] != "Update" || obj["id"] != postURL ||
		obj["content"] != titleParagraph("Hello, fediverse")+"<p>First post, edited.</p>\n" || obj["updated"] == nil {
		t.Errorf("Update: %v", update)
	}

	must(t, a.env.Svc.DeletePost(a.env.Ctx, alice, reply.ID))
	drain(t, a, b)
	gone, err := a.env.Store.PostByID(ctx, reply.ID)
	must(t, err)
	del := receivedOnce(t, a, b, fmt.Sprintf("%s#delete-%d", replyURL, gone.DeletedAt.UnixMicro()), "http://a.test/u/alice")
	if obj, _ := del["object"].(map[string]any); del["type"] != "Delete" || obj["id"] != replyURL || obj["type"] != "Tombstone" {
		t.Errorf("Delete: %v", del)
	}

	// Five activities, no more: the reply was not announced and nothing
	// went twice.
	if got := len(sentTo(t, a, "http://b.test/inbox")) - before; got != 5 {
		t.Errorf("%d activities sent to B, want 5", got)
	}

	// Nobody follows carol or the quiet category: nothing is queued.
	a.env.Thread(carol, "quiet", "Talking to myself", "Anyone?")
	if got := len(sentTo(t, a, "http://b.test/inbox")) - before; got != 5 {
		t.Errorf("a post nobody follows queued %d deliveries", got-5)
	}
}

// TestFanOutRollback: a thread made in a transaction that then fails
// leaves no delivery behind, because the job is written in that
// transaction.
func TestFanOutRollback(t *testing.T) {
	n := newNetwork()
	a, b := newPeer(t, n, "a.test"), newPeer(t, n, "b.test")
	a.env.Category("general")
	alice := a.env.User("alice", models.RoleMember)
	bob := b.env.User("bob", models.RoleMember)
	ctx := context.Background()
	must(t, b.fed.FollowRemote(ctx, bob, "http://a.test/c/general"))
	must(t, b.fed.FollowRemote(ctx, bob, "http://a.test/u/alice"))
	drain(t, a, b)
	before := len(sentTo(t, a, "http://b.test/inbox"))

	boom := errors.New("boom")
	queued := 0
	err := a.env.Store.WithTx(ctx, func(ctx context.Context) error {
		if _, _, err := a.env.Svc.CreateThread(ctx, alice, forum.NewThread{Category: "general", Title: "Doomed", Body: "Never seen."}); err != nil {
			return err
		}
		// Inside the transaction the jobs exist (the hook ran)…
		rows, err := a.env.Store.DeliveriesTo(ctx, "http://b.test/inbox")
		must(t, err)
		queued = len(rows) - before
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("WithTx: %v", err)
	}
	if queued != 2 {
		t.Errorf("inside the transaction %d jobs were queued, want 2 (Create and Announce)", queued)
	}
	// …and after the rollback they do not.
	drain(t, a, b)
	if got := len(sentTo(t, a, "http://b.test/inbox")) - before; got != 0 {
		t.Errorf("rolled-back thread left %d deliveries", got)
	}
}
