package federation

import (
	"context"
	"errors"
	"image/color"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Members follow a Mastodon account (issue 13 item 8): the profile page
// resolves it, its outbox fills the page, Follow/Accept/Undo travel on the
// wire as Mastodon expects (docs.joinmastodon.org/spec/activitypub,
// "Follow", "Accept", "Undo"), and its posts reach the Following feed,
// never a category.

// followersOnly is a Note by name addressed to its followers only, as
// Mastodon sends a "followers-only" status (to: followers, cc: mentions).
func (d *fediDouble) followersOnly(name, content string) map[string]any {
	n := d.newNote(name, "", content)
	n["to"], n["cc"] = []any{d.actorURL(name) + "/followers"}, []any{}
	d.status(n)
	return n
}

// outbox serves name's outbox as Mastodon does: an OrderedCollection whose
// first page is a separate document holding Create activities.
func (d *fediDouble) outbox(name string, items ...map[string]any) {
	id := d.actorURL(name) + "/outbox"
	list := make([]any, len(items))
	for i, it := range items {
		list[i] = it
	}
	d.status(map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": id,
		"type": "OrderedCollection", "totalItems": len(items), "first": id + "/first"})
	d.status(map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": id + "/first",
		"type": "OrderedCollectionPage", "partOf": id, "orderedItems": list})
}

func feedTexts(t *testing.T, svc *forum.Service, u *models.User) []string {
	t.Helper()
	page, err := svc.FollowingFeed(context.Background(), u, "")
	must(t, err)
	var out []string
	for _, it := range page.Items {
		out = append(out, it.HTML)
	}
	return out
}

func hasText(list []string, s string) bool {
	for _, x := range list {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}

func TestFollowMastodonAccount(t *testing.T) {
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	ctx, svc, d := context.Background(), s.h.env.Svc, s.d
	d.files = map[string][]byte{"/avatars/mia.png": testPNG(t, color.RGBA{R: 200, A: 255})}
	old := d.newNote("mia", "", "<p>An old public toot</p>")
	hidden := d.followersOnly("mia", "<p>An old followers-only toot</p>")
	d.outbox("mia",
		d.wrap("Create", old["id"].(string)+"/activity", "mia", old),
		d.wrap("Create", hidden["id"].(string)+"/activity", "mia", hidden),
		d.wrap("Announce", d.nextID("users/mia/statuses")+"/activity", "mia", "http://elsewhere.test/notes/1"))

	// A visitor cannot make the forum look an unknown account up.
	if _, err := svc.RemoteAccount(ctx, nil, "mia@remote.test"); !errors.Is(err, forum.ErrNotFound) {
		t.Fatalf("visitor, unknown account: %v, want ErrNotFound", err)
	}
	// A member can: WebFinger, actor, outbox (public posts only).
	ra, err := svc.RemoteAccount(ctx, s.alice, "@mia@remote.test")
	must(t, err)
	if ra.Actor.APID != s.mia || ra.Follow != forum.FollowNone || !strings.Contains(ra.Bio, "I toot") ||
		ra.Actor.ProfileURL != d.base+"/@mia" || ra.User.AvatarFile == "" {
		t.Fatalf("resolved account: %+v %+v", ra.Actor, ra.User)
	}
	if len(ra.Notes) != 1 || !strings.Contains(ra.Notes[0].HTML, "An old public toot") {
		t.Fatalf("profile posts from the outbox: %+v", ra.Notes)
	}
	// Now known: visitors see the page too, without another lookup.
	if vr, err := svc.RemoteAccount(ctx, nil, "mia@remote.test"); err != nil || len(vr.Notes) != 1 {
		t.Fatalf("visitor, known account: %v %+v", err, vr)
	}
	if _, err := svc.RemoteAccount(ctx, s.alice, "nobody@remote.test"); !errors.Is(err, forum.ErrNotFound) {
		t.Fatalf("member, account that does not exist: %v", err)
	}

	// A profile link finds the account too: Mastodon answers /@name with
	// the actor; Hearth then fetches the id that document claims.
	pub, _ := publicKeyPEM(&d.keys["rin"].PublicKey)
	d.mu.Lock()
	d.statuses[d.base+"/@rin"] = d.flavor.actor(d, "rin", pub)
	d.mu.Unlock()
	if h, err := svc.FindRemoteAccount(ctx, s.bob, d.base+"/@rin"); err != nil || h != "rin@remote.test" {
		t.Fatalf("profile link: %q %v", h, err)
	}
	if _, err := svc.FindRemoteAccount(ctx, s.bob, d.base+"/@nobody"); err == nil {
		t.Fatal("a link to nothing found an account")
	}

	// Follow: sent from alice's actor to mia, pending until Accept.
	state, err := svc.FollowRemoteAccount(ctx, s.alice, "mia@remote.test")
	must(t, err)
	if state != forum.FollowRequested {
		t.Fatalf("state after Follow: %q", state)
	}
	drain(t, s.h)
	follows := d.receivedOfType("Follow")
	if len(follows) != 1 || follows[0]["actor"] != s.hearthAlice || follows[0]["object"] != s.mia {
		t.Fatalf("Follow on the wire: %v", follows)
	}
	s.deliver(t, "mia", s.hearthInbox, d.wrap("Accept", s.mia+"#accepts/follows/1", "mia", follows[0]))
	if ra, err = svc.RemoteAccount(ctx, s.alice, "mia@remote.test"); err != nil || ra.Follow != forum.FollowAccepted {
		t.Fatalf("after Accept: %v %q", err, ra.Follow)
	}

	// Polls of followed accounts are listed for their followers (the
	// link on /notifications says so); a followers-only poll is not kept,
	// as its page would be public.
	for _, aud := range []string{"public", "followers"} {
		id := d.nextID("users/mia/statuses")
		q := map[string]any{"id": id, "type": "Question", "attributedTo": s.mia, "content": "<p>A " + aud + " poll</p>",
			"to": []any{publicAddress}, "cc": []any{s.mia + "/followers"},
			"oneOf": []any{map[string]any{"type": "Note", "name": "Yes"}, map[string]any{"type": "Note", "name": "No"}}}
		if aud == "followers" {
			q["to"], q["cc"] = []any{s.mia + "/followers"}, []any{}
		}
		s.deliver(t, "mia", s.hearthInbox, d.wrap("Create", id+"/activity", "mia", q))
	}
	for _, c := range []struct {
		who  *models.User
		want int
	}{{s.alice, 1}, {s.bob, 0}} {
		polls, _, err := svc.FollowedPolls(ctx, c.who, 0)
		must(t, err)
		if len(polls) != c.want || c.want == 1 && !strings.Contains(polls[0].HTML, "A public poll") {
			t.Errorf("%s's followed polls: %d, want %d", c.who.Username, len(polls), c.want)
		}
	}

	// Deliveries: public and followers-only posts reach the feed; a
	// direct message and a post of an account nobody follows do not.
	public := d.newNote("mia", "", "<p>Fresh public toot</p>")
	fo := d.followersOnly("mia", "<p>Fresh followers-only toot</p>")
	direct := d.newNote("mia", "", "<p>Psst alice</p>", s.hearthAlice)
	direct["to"], direct["cc"] = []any{s.hearthAlice}, []any{}
	stranger := d.newNote("rin", "", "<p>Rin talks to nobody here</p>")
	for _, n := range []map[string]any{public, fo, direct, stranger} {
		name := strings.TrimPrefix(n["attributedTo"].(string), d.base+"/users/")
		s.deliver(t, name, s.hearthInbox, d.wrap("Create", n["id"].(string)+"/activity", name, n))
	}
	feed := feedTexts(t, svc, s.alice)
	for _, want := range []string{"Fresh public toot", "Fresh followers-only toot", "An old public toot"} {
		if !hasText(feed, want) {
			t.Errorf("alice's feed lacks %q: %q", want, feed)
		}
	}
	for _, not := range []string{"Psst alice", "Rin talks", "An old followers-only toot"} {
		if hasText(feed, not) {
			t.Errorf("alice's feed shows %q: %q", not, feed)
		}
	}
	// Bob follows nobody: nothing; and nothing landed in a category.
	if got := feedTexts(t, svc, s.bob); len(got) != 0 {
		t.Errorf("bob's feed: %q", got)
	}
	for _, n := range []map[string]any{public, fo, direct, stranger} {
		if _, err := svc.RemotePost(ctx, n["id"].(string)); !errors.Is(err, forum.ErrNotFound) {
			t.Errorf("%s became a forum post: %v", n["id"], err)
		}
	}
	list, err := svc.ListThreads(ctx, s.cat.Slug, "")
	must(t, err)
	if len(list.Threads) != 0 {
		t.Errorf("threads in the category: %+v", list.Threads)
	}

	// Update and Delete from the author are honoured.
	edited := map[string]any{}
	for k, v := range public {
		edited[k] = v
	}
	edited["content"] = "<p>Edited public toot</p>"
	delete(edited, "contentMap")
	s.deliver(t, "mia", s.hearthInbox, d.wrap("Update", public["id"].(string)+"#updates/1", "mia", edited))
	s.deliver(t, "mia", s.hearthInbox, d.wrap("Delete", fo["id"].(string)+"#delete", "mia",
		map[string]any{"id": fo["id"], "type": "Tombstone"}))
	feed = feedTexts(t, svc, s.alice)
	if !hasText(feed, "Edited public toot") || hasText(feed, "Fresh public toot") || hasText(feed, "Fresh followers-only toot") {
		t.Errorf("feed after Update and Delete: %q", feed)
	}

	// Replying from the feed federates to mia and stays out of categories.
	page, err := svc.FollowingFeed(ctx, s.alice, "")
	must(t, err)
	var target int64
	for _, it := range page.Items {
		if strings.Contains(it.HTML, "Edited public toot") {
			target = it.ID
		}
	}
	reply, err := svc.ReplyToFollowedNote(ctx, s.alice, target, "Nice one, **mia**")
	must(t, err)
	drain(t, s.h)
	var sent map[string]any
	for _, c := range d.receivedOfType("Create") {
		if obj, ok := c["object"].(map[string]any); ok && obj["id"] == reply.APID {
			sent = obj
		}
	}
	if sent == nil || sent["inReplyTo"] != public["id"] || sent["attributedTo"] != s.hearthAlice ||
		!strings.Contains(sent["content"].(string), "<strong>mia</strong>") ||
		!containsID(sent["to"], publicAddress) || !containsID(sent["cc"], s.mia) {
		t.Fatalf("reply on the wire: %v", sent)
	}
	// Its id answers with the same Note, for servers that fetch it.
	doc := s.h.activity(strings.TrimPrefix(reply.APID, s.h.fed.base), 200)
	if doc["id"] != reply.APID || doc["inReplyTo"] != public["id"] || doc["attributedTo"] != s.hearthAlice {
		t.Errorf("reply document: %v", doc)
	}
	if _, err := svc.ReplyToFollowedNote(ctx, s.bob, target, "  "); err == nil {
		t.Error("an empty reply was accepted")
	}
	if !hasText(feedTexts(t, svc, s.alice), "<strong>mia</strong>") {
		t.Error("alice's reply is not in her feed")
	}

	// Unfollow sends Undo{Follow} naming the Follow that was accepted.
	must(t, svc.UnfollowRemoteAccount(ctx, s.alice, "mia@remote.test"))
	drain(t, s.h)
	undos := d.receivedOfType("Undo")
	if len(undos) != 1 {
		t.Fatalf("Undo on the wire: %v", undos)
	}
	if inner, _ := undos[0]["object"].(map[string]any); inner["id"] != follows[0]["id"] || inner["type"] != "Follow" {
		t.Fatalf("Undo's object: %v", undos[0]["object"])
	}
	if feed := feedTexts(t, svc, s.alice); hasText(feed, "Edited public toot") {
		t.Errorf("feed still shows an unfollowed account: %q", feed)
	}

	// Reject: the request is dropped, and the member may ask again.
	_, err = svc.FollowRemoteAccount(ctx, s.bob, "mia@remote.test")
	must(t, err)
	drain(t, s.h)
	follows = d.receivedOfType("Follow")
	s.deliver(t, "mia", s.hearthInbox, d.wrap("Reject", s.mia+"#rejects/follows/2", "mia", follows[len(follows)-1]))
	if ra, err = svc.RemoteAccount(ctx, s.bob, "mia@remote.test"); err != nil || ra.Follow != forum.FollowNone {
		t.Fatalf("after Reject: %v %q", err, ra.Follow)
	}
}

func containsID(v any, id string) bool {
	list, _ := v.([]any)
	for _, x := range list {
		if x == id {
			return true
		}
	}
	return false
}
