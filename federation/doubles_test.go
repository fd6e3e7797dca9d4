package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/clock"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// The flows of issue 4 against servers that behave like Mastodon and like
// GoToSocial on the wire (fedi_double_test.go and its flavors).

// newNote is a status by account name, served by the double at its id.
// mentions are actor URLs, each given a Mention tag and put in cc, as
// both servers do for the people a post addresses.
func (d *fediDouble) newNote(name, inReplyTo, content string, mentions ...string) map[string]any {
	id := d.nextID("users/" + name + "/statuses")
	actor := d.actorURL(name)
	cc := []any{actor + "/followers"}
	tags := []any{}
	for _, m := range mentions {
		cc = append(cc, m)
		tags = append(tags, map[string]any{"type": "Mention", "href": m, "name": "@" + m[strings.LastIndex(m, "/")+1:]})
	}
	note := map[string]any{
		"id": id, "type": "Note", "attributedTo": actor, "inReplyTo": inReplyTo,
		"content": content, "published": clock.Now().Add(-time.Minute).UTC().Format(time.RFC3339),
		"url": d.base + "/@" + name + "/" + id[strings.LastIndex(id, "/")+1:],
		"to":  []any{publicAddress}, "cc": cc, "tag": tags,
	}
	d.flavor.noteExtras(d, note)
	d.status(note)
	return note
}

// wrap is an activity of account name about object, addressed as object is.
func (d *fediDouble) wrap(typ, id, name string, object any) map[string]any {
	act := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": typ,
		"actor": d.actorURL(name), "object": object}
	if n, ok := object.(map[string]any); ok {
		act["to"], act["cc"] = n["to"], n["cc"]
		act["published"] = n["published"]
	}
	return act
}

// doubleScene is one Hearth instance and one double, with the members and
// accounts the flows use: mia follows, rin only replies.
type doubleScene struct {
	net          *network
	h            *harness
	d            *fediDouble
	cat          *models.Category
	alice, bob   *models.User
	sharedInbox  bool // the double delivers to Hearth's shared inbox
	hearthInbox  string
	mia, rin     string
	hearthAlice  string
	hearthBobURL string
}

func newDoubleScene(t *testing.T, flavor doubleFlavor, hearthHost string, shared bool) *doubleScene {
	n := newNetwork()
	h := newPeer(t, n, hearthHost)
	d := newFediDouble(t, n, "remote.test", flavor, h.fed.client, "mia", "rin")
	s := &doubleScene{net: n, h: h, d: d, sharedInbox: shared, mia: d.actorURL("mia"), rin: d.actorURL("rin")}
	s.cat = h.env.Category("general")
	s.alice = h.env.User("alice", models.RoleMember)
	s.bob = h.env.User("bob", models.RoleMember)
	s.hearthAlice, s.hearthBobURL = h.fed.base+"/u/alice", h.fed.base+"/u/bob"
	s.hearthInbox = s.hearthAlice + "/inbox"
	if shared {
		s.hearthInbox = h.fed.base + "/inbox"
	}
	return s
}

// deliver sends act from the account to Hearth and runs Hearth's workers.
func (s *doubleScene) deliver(t *testing.T, name, inbox string, act map[string]any) {
	t.Helper()
	if code := s.d.send(name, inbox, act); code != http.StatusAccepted {
		t.Fatalf("%s %s to %s: status %d", s.d.flavor.name(), act["type"], inbox, code)
	}
	drain(t, s.h)
}

func (s *doubleScene) posts(t *testing.T, threadID int64) []forum.PostView {
	t.Helper()
	page, err := s.h.env.Svc.ThreadPage(context.Background(), nil, threadID, 1)
	must(t, err)
	return page.Posts
}

func TestMastodonDouble(t *testing.T) {
	runDoubleFlows(t, newDoubleScene(t, mastodonFlavor{}, "hearth.test", true))
}

// TestGoToSocialDouble runs the same flows with Hearth on a port (GoToSocial
// puts it in the acct: it looks up) against a server that refuses unsigned
// GETs and drops replies that do not mention their parent's author.
func TestGoToSocialDouble(t *testing.T) {
	s := newDoubleScene(t, gotosocialFlavor{}, "hearth.test:8080", false)
	// The double itself refuses unsigned fetches: the test would prove
	// nothing if it did not.
	for ua, want := range map[string]int{"hearth/test": http.StatusUnauthorized, "": http.StatusForbidden} {
		req, _ := http.NewRequest(http.MethodGet, s.d.actorURL("mia"), nil)
		req.Header.Set("User-Agent", ua)
		resp, err := s.h.fed.client.Do(req)
		must(t, err)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("unsigned GET of the GoToSocial double with User-Agent %q: %d, want %d", ua, resp.StatusCode, want)
		}
	}
	s.d.refused = nil
	runDoubleFlows(t, s)
}

func runDoubleFlows(t *testing.T, s *doubleScene) {
	h, d, ctx := s.h, s.d, context.Background()
	base := h.fed.base

	// Discovery as the remote server does it: acct:alice@host[:port].
	wf, err := d.webfingerLookup(base, "alice@"+h.fed.host)
	must(t, err)
	if wf != s.hearthAlice {
		t.Fatalf("WebFinger self link %q", wf)
	}

	// Follow the category and the member.
	catFollow := followActivity(d.nextID("users/mia/follow"), s.mia, base+"/c/general")
	memberFollow := followActivity(d.nextID("users/mia/follow"), s.mia, s.hearthAlice)
	s.deliver(t, "mia", base+"/c/general/inbox", catFollow)
	s.deliver(t, "mia", s.hearthAlice+"/inbox", memberFollow)
	accepted := map[any]bool{}
	for _, a := range d.receivedOfType("Accept") {
		obj, _ := a["object"].(map[string]any)
		accepted[obj["id"]] = true
	}
	if !accepted[catFollow["id"]] || !accepted[memberFollow["id"]] {
		t.Fatalf("Accepts received: %v", accepted)
	}
	for _, ref := range []struct {
		kind string
		id   int64
	}{{models.ActorTypeCategory, s.cat.ID}, {models.ActorTypeUser, s.alice.ID}} {
		if n, _ := h.env.Store.CountFollowers(ctx, ref.kind, ref.id); n != 1 {
			t.Fatalf("%s followers: %d", ref.kind, n)
		}
	}

	// A new thread: the Group boosts it (the double fetches the Note, signed),
	// and the author's followers get the Create.
	thread, first := h.env.Thread(s.alice, "general", "Hello, fediverse", "Welcome, everyone.")
	drain(t, h)
	noteURL := fmt.Sprintf("%s/p/%d", base, first.ID)
	ann := d.receivedOfType("Announce")
	if len(ann) != 1 || ann[0]["actor"] != base+"/c/general" || ann[0]["object"] != noteURL {
		t.Fatalf("Announces: %v", ann)
	}
	if n := d.fetched[noteURL]; n["type"] != "Note" || !strings.HasPrefix(fmt.Sprint(n["content"]), "<p><strong>Hello, fediverse</strong></p>") || n["attributedTo"] != s.hearthAlice {
		t.Fatalf("announced Note as fetched: %v", n)
	}
	if cr := d.receivedOfType("Create"); len(cr) != 1 || cr[0]["actor"] != s.hearthAlice {
		t.Fatalf("Creates: %v", cr)
	}

	// rin, who follows nothing, replies the way these servers address a
	// reply: to the parent's author, mentioning bob too.
	note := d.newNote("rin", noteURL, `<p><span class="h-card"><a href="`+s.hearthAlice+`" class="u-url mention">@<span>alice</span></a></span> `+
		`<span class="h-card"><a href="`+s.hearthBobURL+`" class="u-url mention">@<span>bob</span></a></span> glad to be here</p>`,
		s.hearthAlice, s.hearthBobURL)
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Create", note["id"].(string)+"/activity", "rin", note))
	posts := s.posts(t, thread.ID)
	if len(posts) != 2 || posts[1].Author.Username != "rin@remote.test" || !strings.Contains(posts[1].HTML, "glad to be here") {
		t.Fatalf("thread after the remote reply: %+v", posts)
	}
	remote := posts[1]
	if got := notificationKinds(t, h, s.bob); got != models.NotifyMention {
		t.Errorf("bob's notifications: %q, want a mention", got)
	}
	if got := notificationKinds(t, h, s.alice); got != models.NotifyReply {
		t.Errorf("alice's notifications: %q, want a reply", got)
	}

	// Like, then Update of the reply.
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Like", d.nextID("users/rin/liked"), "rin", noteURL))
	if got := s.posts(t, thread.ID)[0].LikeCount; got != 1 {
		t.Errorf("like count %d", got)
	}
	note["content"] = "<p>edited from afar</p>"
	note["updated"] = clock.Now().UTC().Format(time.RFC3339)
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Update", note["id"].(string)+"#updates/1", "rin", note))
	if got := s.posts(t, thread.ID)[1]; got.HTML != "<p>edited from afar</p>" {
		t.Errorf("after Update: %q", got.HTML)
	}

	// alice answers rin: the reply goes to rin's server, in reply to rin's
	// Note, mentioning rin (GoToSocial drops it otherwise).
	_, err = h.env.Svc.Reply(ctx, s.alice, thread.ID, forum.NewReply{Body: "Welcome, rin!", ReplyTo: remote.ID})
	must(t, err)
	drain(t, h)
	var answer map[string]any
	for _, c := range d.receivedOfType("Create") {
		if obj, _ := c["object"].(map[string]any); obj["inReplyTo"] == note["id"] {
			answer = obj
		}
	}
	if answer == nil {
		t.Fatalf("rin's server did not get alice's answer (dropped: %v)", d.dropped)
	}
	if !hasMention(answer, s.rin) || !containsString(answer["cc"], s.rin) {
		t.Errorf("answer does not address rin: tag %v cc %v", answer["tag"], answer["cc"])
	}
	if d.flavor.name() == "mastodon" {
		golden(t, "note_reply_to_remote", answer)
	}
	if len(d.dropped) != 0 || len(d.refused) != 0 {
		t.Errorf("the %s double dropped %v and refused %v", d.flavor.name(), d.dropped, d.refused)
	}

	// Delete of the reply, then Undo of the category follow.
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Delete", note["id"].(string)+"#delete", "rin",
		map[string]any{"id": note["id"], "type": "Tombstone"}))
	if got := s.posts(t, thread.ID)[1]; !got.Deleted() {
		t.Errorf("after Delete the reply shows: %q", got.HTML)
	}
	s.deliver(t, "mia", s.hearthInbox, d.wrap("Undo", catFollow["id"].(string)+"/undo", "mia", catFollow))
	if n, _ := h.env.Store.CountFollowers(ctx, models.ActorTypeCategory, s.cat.ID); n != 0 {
		t.Errorf("category followers after Undo: %d", n)
	}
	if n, _ := h.env.Store.CountFollowers(ctx, models.ActorTypeUser, s.alice.ID); n != 1 {
		t.Errorf("member followers after the category's Undo: %d", n)
	}
}

// webfingerLookup resolves acct (name@host) at a Hearth base URL as a
// remote server does and returns the self link.
func (d *fediDouble) webfingerLookup(base, acct string) (string, error) {
	resp, err := d.client.Get(base + "/.well-known/webfinger?resource=acct:" + acct)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var jrd struct {
		Subject string
		Links   []struct{ Rel, Type, Href string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&jrd); err != nil {
		return "", err
	}
	if jrd.Subject != "acct:"+acct {
		return "", fmt.Errorf("subject %q for %q", jrd.Subject, acct)
	}
	for _, l := range jrd.Links {
		if l.Rel == relSelf && l.Type == activityJSON {
			return l.Href, nil
		}
	}
	return "", fmt.Errorf("no self link")
}

// notificationKinds lists u's notification kinds, newest first, joined.
func notificationKinds(t *testing.T, h *harness, u *models.User) string {
	t.Helper()
	list, err := h.env.Svc.Notifications(context.Background(), u, "", 0)
	must(t, err)
	var kinds []string
	for _, n := range list.Items {
		kinds = append(kinds, n.Kind)
	}
	return strings.Join(kinds, ",")
}

func hasMention(note map[string]any, href string) bool {
	tags, _ := note["tag"].([]any)
	for _, t := range tags {
		if m, _ := t.(map[string]any); m["type"] == "Mention" && m["href"] == href {
			return true
		}
	}
	return false
}

func containsString(list any, s string) bool {
	items, _ := list.([]any)
	for _, x := range items {
		if x == s {
			return true
		}
	}
	return false
}
