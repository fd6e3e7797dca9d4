package federation

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/clock"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// relayScene is three servers on one test network: Hearth (hearth.test),
// a Mastodon-shaped server B (masto.test, where rin writes) and a
// Lemmy-shaped server C (lemmy.test) whose lemmy_user follows Hearth's
// "general" category from a Person actor, as Lemmy users follow
// communities. Every delivery between them is a real signed HTTP request.
type relayScene struct {
	h           *harness
	b, c        *fediDouble
	cat         *models.Category
	alice, boss *models.User
	group       string // the category's Group id
	rin         string
	lemmyUser   string
}

func newRelayScene(t *testing.T) *relayScene {
	t.Helper()
	n := newNetwork()
	h := newPeer(t, n, "hearth.test")
	s := &relayScene{h: h,
		b: newFediDouble(t, n, "masto.test", mastodonFlavor{}, h.fed.client, "rin"),
		c: newFediDouble(t, n, "lemmy.test", lemmyFlavor{}, h.fed.client, "lemmy_user"),
	}
	s.cat = h.env.Category("general")
	s.alice = h.env.User("alice", models.RoleMember)
	s.boss = h.env.User("boss", models.RoleAdmin)
	s.group = h.fed.base + "/c/general"
	s.rin, s.lemmyUser = s.b.actorURL("rin"), s.c.actorURL("lemmy_user")
	s.deliver(t, s.c, "lemmy_user", followActivity(s.c.nextID("activities/follow"), s.lemmyUser, s.group))
	if len(s.c.receivedOfType("Accept")) != 1 {
		t.Fatalf("Lemmy's Follow was not accepted: %v", s.c.received)
	}
	return s
}

// deliver sends act from d's account to Hearth's shared inbox, then runs
// Hearth's workers (inbox and deliveries) until they settle.
func (s *relayScene) deliver(t *testing.T, d *fediDouble, name string, act map[string]any) {
	t.Helper()
	if code := d.send(name, s.h.fed.base+"/inbox", act); code != http.StatusAccepted {
		t.Fatalf("%s %s: status %d", d.flavor.name(), act["type"], code)
	}
	drain(t, s.h)
}

// relayed counts the Announces d received from the Group whose object is
// the activity innerID, embedded; it fails the test on an Announce by
// anyone else or one the double dropped or refused.
func (s *relayScene) relayed(t *testing.T, d *fediDouble, innerID string) int {
	t.Helper()
	n := 0
	for _, a := range d.receivedOfType("Announce") {
		if a["actor"] != s.group {
			t.Errorf("Announce by %v", a["actor"])
		}
		if inner, ok := a["object"].(map[string]any); ok && inner["id"] == innerID {
			n++
		}
	}
	if len(d.dropped)+len(d.refused) > 0 {
		t.Errorf("%s dropped %v, refused %v", d.flavor.name(), d.dropped, d.refused)
	}
	return n
}

// reply is a Mastodon status by rin answering inReplyTo, and its Create.
func (s *relayScene) reply(inReplyTo, content string) (note, create map[string]any) {
	note = s.b.newNote("rin", inReplyTo, "<p>"+content+"</p>", s.h.fed.base+"/u/alice")
	return note, s.b.wrap("Create", note["id"].(string)+"/activity", "rin", note)
}

// TestGroupRelaysTheWholeConversation: the Lemmy-shaped follower C of a
// category, known to be group-aware only from its NodeInfo, gets the
// Group's Announce of every accepted activity in the category's threads,
// whether it came from Hearth or from the Mastodon-shaped B, each exactly
// once and embedded as it arrived; activities that C itself sent are not
// announced back to it, and repeats and refusals are not relayed.
func TestGroupRelaysTheWholeConversation(t *testing.T) {
	s := newRelayScene(t)
	h, ctx := s.h, context.Background()
	if host, err := h.env.Store.DeliveryHostByName(ctx, "lemmy.test"); err != nil || host.Software != "lemmy" {
		t.Fatalf("lemmy.test's software after its Follow: %+v %v", host, err)
	}
	if in, err := h.fed.groupAwareInboxes(ctx, h.fed.categoryRef(s.cat)); err != nil || len(in) != 1 || in[0] != "http://lemmy.test/inbox" {
		t.Fatalf("group-aware inboxes: %v %v", in, err)
	}

	// A thread started here: C gets the Group's Announce{Create}, not the
	// bare boost Mastodon followers get.
	thread, first := h.env.Thread(s.alice, "general", "Hello, groups", "Welcome.")
	drain(t, h)
	firstURL := fmt.Sprintf("%s/p/%d", h.fed.base, first.ID)
	if got := s.relayed(t, s.c, firstURL+"#create"); got != 1 {
		t.Fatalf("thread start relayed %d times: %v", got, s.c.received)
	}
	for _, a := range s.c.receivedOfType("Announce") {
		if _, bare := a["object"].(string); bare {
			t.Errorf("C got a bare Announce: %v", a)
		}
	}

	// B's reply, its Like, its edit and its deletion: each relayed once,
	// embedded exactly as B sent it.
	note, create := s.reply(firstURL, "hello from Mastodon")
	s.deliver(t, s.b, "rin", create)
	if got := s.relayed(t, s.c, create["id"].(string)); got != 1 {
		t.Fatalf("B's reply relayed %d times", got)
	}
	for _, a := range s.c.receivedOfType("Announce") {
		if inner, _ := a["object"].(map[string]any); inner["id"] == create["id"] {
			obj, _ := inner["object"].(map[string]any)
			if inner["actor"] != s.rin || obj["content"] != "<p>hello from Mastodon</p>" || obj["id"] != note["id"] {
				t.Errorf("relayed Create: %v", inner)
			}
			if _, ok := inner["@context"]; ok {
				t.Errorf("relayed Create keeps its @context: %v", inner)
			}
		}
	}
	s.deliver(t, s.b, "rin", create) // redelivered: stored once, relayed once
	if got := s.relayed(t, s.c, create["id"].(string)); got != 1 {
		t.Errorf("a redelivered Create relayed again: %d", got)
	}

	like := s.b.wrap("Like", s.b.nextID("users/rin/likes"), "rin", firstURL)
	s.deliver(t, s.b, "rin", like)
	if got := s.relayed(t, s.c, like["id"].(string)); got != 1 {
		t.Errorf("B's Like relayed %d times", got)
	}

	note["content"] = "<p>hello from Mastodon, edited</p>"
	note["updated"] = clock.Now().UTC().Format(time.RFC3339)
	update := s.b.wrap("Update", note["id"].(string)+"#updates/1", "rin", note)
	s.deliver(t, s.b, "rin", update)
	if got := s.relayed(t, s.c, update["id"].(string)); got != 1 {
		t.Errorf("B's Update relayed %d times", got)
	}
	again := s.b.wrap("Update", note["id"].(string)+"#updates/2", "rin", note) // no change
	s.deliver(t, s.b, "rin", again)
	if got := s.relayed(t, s.c, again["id"].(string)); got != 0 {
		t.Errorf("an Update that changed nothing was relayed")
	}

	// A reply written here reaches C through the Group.
	local, err := h.env.Svc.Reply(ctx, s.alice, thread.ID, forum.NewReply{Body: "Welcome, rin!"})
	must(t, err)
	drain(t, h)
	if got := s.relayed(t, s.c, fmt.Sprintf("%s/p/%d#create", h.fed.base, local.ID)); got != 1 {
		t.Errorf("Hearth's reply relayed %d times", got)
	}

	// C's own Like counts here but is not announced back to C.
	mine := s.c.wrap("Like", s.c.nextID("activities/like"), "lemmy_user", firstURL)
	s.deliver(t, s.c, "lemmy_user", mine)
	if got := s.relayed(t, s.c, mine["id"].(string)); got != 0 {
		t.Errorf("C's own Like was announced back to C")
	}
	if p, err := h.env.Store.PostByID(ctx, first.ID); err != nil || p.LikeCount != 2 {
		t.Errorf("likes on the first post: %+v %v", p, err)
	}

	del := s.b.wrap("Delete", note["id"].(string)+"#delete", "rin", map[string]any{"id": note["id"], "type": "Tombstone"})
	del["to"] = []any{publicAddress}
	s.deliver(t, s.b, "rin", del)
	if got := s.relayed(t, s.c, del["id"].(string)); got != 1 {
		t.Errorf("B's Delete relayed %d times", got)
	}

	// A reply to nothing in the category is not relayed: nothing accepted.
	stray, strayCreate := s.reply("http://masto.test/users/someone/statuses/404", "not here")
	_ = stray
	s.deliver(t, s.b, "rin", strayCreate)
	if got := s.relayed(t, s.c, strayCreate["id"].(string)); got != 0 {
		t.Errorf("a Create answering nothing here was relayed")
	}
	if n := len(s.b.receivedOfType("Announce")); n != 0 {
		t.Errorf("B, who follows nothing, got %d Announces", n)
	}
}

// TestGroupRelaysHeldReplyOnApproval: a reply from a silenced instance is
// held and not relayed; approved, the Group relays the activity it
// arrived in, once; a rejected one never is.
func TestGroupRelaysHeldReplyOnApproval(t *testing.T) {
	s := newRelayScene(t)
	h, ctx := s.h, context.Background()
	_, first := h.env.Thread(s.alice, "general", "Quiet please", "Shh.")
	drain(t, h)
	firstURL := fmt.Sprintf("%s/p/%d", h.fed.base, first.ID)
	if _, err := h.env.Svc.BlockInstance(ctx, s.boss, "masto.test", models.BlockSilence, "noisy"); err != nil {
		t.Fatal(err)
	}
	_, approved := s.reply(firstURL, "may I?")
	_, rejected := s.reply(firstURL, "and I?")
	s.deliver(t, s.b, "rin", approved)
	s.deliver(t, s.b, "rin", rejected)
	for _, c := range []map[string]any{approved, rejected} {
		if got := s.relayed(t, s.c, c["id"].(string)); got != 0 {
			t.Fatalf("a held reply was relayed before approval")
		}
	}
	q, err := h.env.Svc.Queue(ctx, s.boss, "", "")
	must(t, err)
	if len(q.Items) != 2 {
		t.Fatalf("approval queue: %+v", q.Items)
	}
	for _, it := range q.Items {
		action := forum.ResolveDismiss
		if strings.Contains(it.Held.HTML, "may I?") {
			action = forum.ResolveApprove
		}
		must(t, h.env.Svc.ResolveQueueItem(ctx, s.boss, it.ID, action, ""))
	}
	drain(t, h)
	if got := s.relayed(t, s.c, approved["id"].(string)); got != 1 {
		t.Errorf("approved reply relayed %d times", got)
	}
	if got := s.relayed(t, s.c, rejected["id"].(string)); got != 0 {
		t.Errorf("rejected reply relayed %d times", got)
	}
}
