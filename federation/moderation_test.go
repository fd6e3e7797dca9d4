package federation

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Federation moderation against the Mastodon double: instance suspension
// and remote-user blocks cut follows and refuse activity; hiding a local
// post federates its Delete; reports travel as Flags both ways.

// modScene: mia follows the category and alice; rin has replied in
// alice's thread; boss is an administrator, mod a moderator.
type modScene struct {
	*doubleScene
	boss, mod *models.User
	thread    *models.Thread
	first     *models.Post
	noteURL   string
	rinNote   map[string]any
	rinPost   *models.Post
}

func newModScene(t *testing.T) *modScene {
	s := &modScene{doubleScene: newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)}
	h, d, base := s.h, s.d, s.h.fed.base
	s.boss = h.env.User("boss", models.RoleAdmin)
	s.mod = h.env.User("martha", models.RoleModerator)
	s.deliver(t, "mia", base+"/c/general/inbox", followActivity(d.nextID("follows"), s.mia, base+"/c/general"))
	s.deliver(t, "rin", s.hearthAlice+"/inbox", followActivity(d.nextID("follows"), s.rin, s.hearthAlice))
	s.thread, s.first = h.env.Thread(s.alice, "general", "Hello", "First.")
	s.noteURL = fmt.Sprintf("%s/p/%d", base, s.first.ID)
	s.rinNote = d.newNote("rin", s.noteURL, "<p>buy my stuff</p>", s.hearthAlice)
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Create", s.rinNote["id"].(string)+"/activity", "rin", s.rinNote))
	p, err := h.env.Store.PostByAPID(context.Background(), s.rinNote["id"].(string))
	must(t, err)
	s.rinPost = p
	return s
}

func (s *modScene) followers(t *testing.T) (cat, alice int) {
	ctx := context.Background()
	cat, _ = s.h.env.Store.CountFollowers(ctx, models.ActorTypeCategory, s.cat.ID)
	alice, _ = s.h.env.Store.CountFollowers(ctx, models.ActorTypeUser, s.alice.ID)
	return cat, alice
}

func TestSuspendDropsFollows(t *testing.T) {
	s := newModScene(t)
	if cat, alice := s.followers(t); cat != 1 || alice != 1 {
		t.Fatalf("followers before: %d %d", cat, alice)
	}
	_, err := s.h.env.Svc.BlockInstance(context.Background(), s.boss, "remote.test", models.BlockSuspend, "spam wave")
	must(t, err)
	if cat, alice := s.followers(t); cat != 0 || alice != 0 {
		t.Fatalf("followers after suspending remote.test: %d %d", cat, alice)
	}
	like := s.d.wrap("Like", s.d.nextID("likes"), "mia", s.noteURL)
	if code := s.d.send("mia", s.hearthInbox, like); code != http.StatusForbidden {
		t.Errorf("activity from a suspended instance: %d", code)
	}
}

func TestRemoteUserBlock(t *testing.T) {
	s := newModScene(t)
	ctx := context.Background()
	member := s.bob
	if _, err := s.h.env.Svc.BlockRemoteUser(ctx, member, "rin@remote.test", "spam"); err != forum.ErrForbidden {
		t.Fatalf("a member blocked a remote user: %v", err)
	}
	if _, err := s.h.env.Svc.BlockRemoteUser(ctx, s.mod, "nobody@nowhere.test", "spam"); err == nil {
		t.Fatal("blocked an unknown handle")
	}
	b, err := s.h.env.Svc.BlockRemoteUser(ctx, s.mod, "rin@remote.test", "spam")
	must(t, err)
	if b.ActorAPID != s.rin {
		t.Fatalf("block of %q", b.ActorAPID)
	}
	again, err := s.h.env.Svc.BlockRemoteUser(ctx, s.mod, s.rin, "spam")
	must(t, err)
	if again.ID != b.ID {
		t.Errorf("blocking twice made a second block")
	}
	if cat, alice := s.followers(t); cat != 1 || alice != 0 {
		t.Fatalf("followers after blocking rin: category %d, alice %d", cat, alice)
	}
	like := s.d.wrap("Like", s.d.nextID("likes"), "rin", s.noteURL)
	if code := s.d.send("rin", s.hearthInbox, like); code != http.StatusForbidden {
		t.Errorf("activity from a blocked actor: %d", code)
	}
	// Others on the same server are unaffected.
	if code := s.d.send("mia", s.hearthInbox, s.d.wrap("Like", s.d.nextID("likes"), "mia", s.noteURL)); code != http.StatusAccepted {
		t.Errorf("activity from mia: %d", code)
	}
	// Answering rin's post no longer writes to rin.
	creates := len(s.d.receivedOfType("Create"))
	_, err = s.h.env.Svc.Reply(ctx, s.alice, s.thread.ID, forum.NewReply{Body: "Go away, rin.", ReplyTo: s.rinPost.ID})
	must(t, err)
	drain(t, s.h)
	if got := len(s.d.receivedOfType("Create")); got != creates {
		t.Errorf("a blocked actor was sent %d new Creates", got-creates)
	}
	entries, err := s.h.env.Store.AuditEntries(ctx, models.AuditQuery{Action: "remote_user.block"}, 10)
	must(t, err)
	if len(entries) != 1 || entries[0].ActorID != s.mod.ID || entries[0].Reason != "spam" {
		t.Errorf("audit entries: %+v", entries)
	}
	must(t, s.h.env.Svc.UnblockRemoteUser(ctx, s.mod, b.ID, "appeal"))
	if code := s.d.send("rin", s.hearthInbox, like); code != http.StatusAccepted {
		t.Errorf("after unblocking: %d", code)
	}
}

// TestHideFederatesDelete: a moderator hiding a local post sends its
// Delete to the peers that got it, and approving it sends it again.
func TestHideFederatesDelete(t *testing.T) {
	s := newModScene(t)
	ctx := context.Background()
	reply := s.h.env.Reply(s.alice, s.thread.ID, "something rude")
	drain(t, s.h)
	_, err := s.h.env.Svc.FlagPost(ctx, s.bob, reply.ID, "harassment", "")
	must(t, err)
	item, err := s.h.env.Store.UnresolvedQueueItem(ctx, reply.ID)
	must(t, err)
	must(t, s.h.env.Svc.ResolveQueueItem(ctx, s.mod, item.ID, forum.ResolveHide, "rude"))
	drain(t, s.h)
	url := fmt.Sprintf("%s/p/%d", s.h.fed.base, reply.ID)
	var deleted bool
	for _, a := range s.d.receivedOfType("Delete") {
		if obj, _ := a["object"].(map[string]any); obj["id"] == url && a["actor"] == s.hearthAlice {
			deleted = true
		}
	}
	if !deleted {
		t.Fatalf("no Delete of the hidden post reached the follower: %v", s.d.receivedOfType("Delete"))
	}
}

// TestReportsBothWays: a Flag as Mastodon sends it lands in the queue; a
// moderator forwards a report about rin's post to rin's server as a Flag
// from the instance actor.
func TestReportsBothWays(t *testing.T) {
	s := newModScene(t)
	ctx := context.Background()
	flag := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": s.d.nextID("flags"), "type": "Flag",
		"actor": s.d.actorURL(instanceKey), "content": "This is spam", "object": []any{s.hearthAlice, s.noteURL}}
	s.deliver(t, instanceKey, s.h.fed.base+"/inbox", flag)
	s.deliver(t, instanceKey, s.h.fed.base+"/inbox", flag) // redelivered: still one flag
	page, err := s.h.env.Svc.Queue(ctx, s.mod, "", "")
	must(t, err)
	if len(page.Items) != 1 || page.Items[0].PostID != s.first.ID || len(page.Items[0].Flags) != 1 {
		t.Fatalf("queue after a remote report: %+v", page.Items)
	}
	f := page.Items[0].Flags[0]
	if f.Message != "This is spam" || f.User == nil || f.User.Domain != "remote.test" {
		t.Errorf("remote flag: %+v by %+v", f.Flag, f.User)
	}

	// A member's flag of rin's post, forwarded to remote.test.
	_, err = s.h.env.Svc.FlagPost(ctx, s.bob, s.rinPost.ID, "spam", "ads")
	must(t, err)
	item, err := s.h.env.Store.UnresolvedQueueItem(ctx, s.rinPost.ID)
	must(t, err)
	if err := s.h.env.Svc.ForwardReport(ctx, s.bob, item.ID, "x"); err != forum.ErrForbidden {
		t.Errorf("a member forwarded a report: %v", err)
	}
	if err := s.h.env.Svc.ForwardReport(ctx, s.mod, page.Items[0].ID, "x"); err == nil {
		t.Error("forwarded a report about a local post")
	}
	must(t, s.h.env.Svc.ForwardReport(ctx, s.mod, item.ID, "Spam account, please look"))
	drain(t, s.h)
	got := s.d.receivedOfType("Flag")
	if len(got) != 1 {
		t.Fatalf("Flags received: %v", got)
	}
	obj, _ := got[0]["object"].([]any)
	if got[0]["actor"] != s.h.fed.base+"/actor" || got[0]["content"] != "Spam account, please look" ||
		len(obj) != 2 || obj[0] != s.rin || obj[1] != s.rinNote["id"] {
		t.Errorf("forwarded Flag: %v", got[0])
	}
}

// TestRemoteFlagBetweenInstances: instance B forwards a report about A's
// post; it lands in A's review queue, reported by B's instance actor.
func TestRemoteFlagBetweenInstances(t *testing.T) {
	n := newNetwork()
	a, b := newPeer(t, n, "a.test"), newPeer(t, n, "b.test")
	ctx := context.Background()
	a.env.Category("general")
	alice := a.env.User("alice", models.RoleMember)
	mod := a.env.User("martha", models.RoleModerator)
	_, first := a.env.Thread(alice, "general", "Hi there", "Buy now!")
	_, err := b.fed.remoteActor(ctx, "http://a.test/u/alice", false)
	must(t, err)
	must(t, b.env.Store.WithTx(ctx, func(ctx context.Context) error {
		return outbox{b.fed}.ReportForwarded(ctx, forum.ForwardedReport{ItemID: 1, ActorID: "http://a.test/u/alice",
			ObjectID: fmt.Sprintf("http://a.test/p/%d", first.ID), Comment: "spam from your member"})
	}))
	drain(t, a, b)
	page, err := a.env.Svc.Queue(ctx, mod, "", "")
	must(t, err)
	if len(page.Items) != 1 || page.Items[0].PostID != first.ID || len(page.Items[0].Flags) != 1 ||
		page.Items[0].Flags[0].User.Username != "b.test@b.test" || page.Items[0].Flags[0].Message != "spam from your member" {
		t.Fatalf("A's queue: %+v", page.Items)
	}
}

// TestSilencedInstanceHeld: a reply from a silenced instance waits hidden
// in the review queue until a moderator approves it.
func TestSilencedInstanceHeld(t *testing.T) {
	s := newModScene(t)
	ctx := context.Background()
	_, err := s.h.env.Svc.BlockInstance(ctx, s.boss, "remote.test", models.BlockSilence, "too many ads")
	must(t, err)
	note := s.d.newNote("rin", s.noteURL, "<p>more ads</p>", s.hearthAlice)
	s.deliver(t, "rin", s.hearthInbox, s.d.wrap("Create", note["id"].(string)+"/activity", "rin", note))
	posts := s.posts(t, s.thread.ID)
	if len(posts) != 3 || !posts[2].Hidden || strings.Contains(posts[2].HTML, "more ads") {
		t.Fatalf("reply from a silenced instance: %d posts, last %+v", len(posts), posts[len(posts)-1].Post)
	}
	item, err := s.h.env.Store.UnresolvedQueueItem(ctx, posts[2].ID)
	must(t, err)
	if item.Kind != forum.QueueKindSilenced {
		t.Errorf("queue item kind %q", item.Kind)
	}
	must(t, s.h.env.Svc.ResolveQueueItem(ctx, s.mod, item.ID, forum.ResolveApprove, ""))
	if got := s.posts(t, s.thread.ID)[2]; got.Hidden || !strings.Contains(got.HTML, "more ads") {
		t.Errorf("approved reply: hidden %v %q", got.Hidden, got.HTML)
	}
}
