package federation

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hearth/hearth/clock"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// announce is a Mastodon boost by account name of object (a post's id):
// its id is the boost status's id + "/activity", addressed to the public
// and to the booster's followers and the post's author.
func (d *fediDouble) announce(name, object, author string) map[string]any {
	id := d.nextID("users/"+name+"/statuses") + "/activity"
	act := d.wrap("Announce", id, name, object)
	act["to"] = []any{publicAddress}
	act["cc"] = []any{author, d.actorURL(name) + "/followers"}
	act["published"] = clock.Now().UTC().Format(time.RFC3339)
	return act
}

// TestMastodonBoost: a Mastodon boost of a Hearth post counts once per
// account, tells the post's author (unless they muted the thread), bumps
// the thread's version (the page caches key on it), and its Undo takes it
// back. Boosts of what may not be boosted are processed and not counted;
// a suspended instance's Announce is refused at the inbox.
func TestMastodonBoost(t *testing.T) {
	s, thread, noteURL, boosts := boostScene(t)
	h, d, ctx := s.h, s.d, context.Background()
	base := h.fed.base
	version := func() string {
		t.Helper()
		v, err := h.env.Svc.ThreadVersion(ctx, thread.ID)
		must(t, err)
		return v
	}

	v0 := version()
	boost := d.announce("mia", noteURL, s.hearthAlice)
	s.deliver(t, "mia", s.hearthInbox, boost)
	if got := boosts(); got != 1 {
		t.Fatalf("boost count after mia's boost: %d", got)
	}
	if got := notificationKinds(t, h, s.alice); got != models.NotifyBoost {
		t.Errorf("alice's notifications: %q, want a boost", got)
	}
	if version() == v0 {
		t.Error("a boost left the thread version unchanged: cached pages would not show it")
	}

	// The same account again (a second Announce of the post): still one,
	// and no second notification.
	s.deliver(t, "mia", s.hearthInbox, d.announce("mia", noteURL, s.hearthAlice))
	if got := boosts(); got != 1 {
		t.Errorf("boost count after mia boosted twice: %d", got)
	}
	if got := notificationKinds(t, h, s.alice); got != models.NotifyBoost {
		t.Errorf("alice's notifications after a repeated boost: %q", got)
	}

	// rin boosts too, the object embedded as some servers send it; alice
	// has muted the thread meanwhile: counted, not notified.
	_, err := h.env.Svc.SetThreadLevel(ctx, s.alice, thread.ID, models.LevelMuted)
	must(t, err)
	embedded := d.announce("rin", "", s.hearthAlice)
	embedded["object"] = map[string]any{"id": noteURL, "type": "Note", "attributedTo": s.hearthAlice}
	s.deliver(t, "rin", s.hearthInbox, embedded)
	if got := boosts(); got != 2 {
		t.Errorf("boost count after rin's boost: %d", got)
	}
	if got := notificationKinds(t, h, s.alice); got != models.NotifyBoost {
		t.Errorf("a muted thread's boost notified alice: %q", got)
	}

	// mia's Undo, embedding the Announce as Mastodon does.
	v1 := version()
	undo := d.wrap("Undo", boost["id"].(string)+"#undo", "mia", boost)
	s.deliver(t, "mia", s.hearthInbox, undo)
	if got := boosts(); got != 1 {
		t.Errorf("boost count after mia's Undo: %d", got)
	}
	if version() == v1 {
		t.Error("an undone boost left the thread version unchanged")
	}
	// rin may not undo mia's boost, nor mia her own twice.
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Undo", d.nextID("users/rin/undo"), "rin", d.announce("mia", noteURL, s.hearthAlice)))
	s.deliver(t, "mia", s.hearthInbox, d.wrap("Undo", d.nextID("users/mia/undo"), "mia", boost))
	if got := boosts(); got != 1 {
		t.Errorf("boost count after Undos of mia's boost: %d, want rin's 1", got)
	}
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Undo", d.nextID("users/rin/undo"), "rin", embedded))
	if got := boosts(); got != 0 {
		t.Errorf("boost count after rin's Undo: %d", got)
	}

	// What may not be boosted is processed (not retried) and not counted:
	// a post from elsewhere, a deleted post, a hidden one, one in the
	// private category, one that does not exist.
	reply := h.env.Reply(s.bob, thread.ID, "A reply, deleted below.")
	must(t, h.env.Svc.DeletePost(ctx, s.bob, reply.ID))
	hidden := h.env.Reply(s.bob, thread.ID, "A reply hidden by flags.")
	must(t, h.env.Store.UpdatePostFields(ctx, hidden.ID, map[string]any{"hidden_at": h.env.Svc.Now()}))
	boss := h.env.User("boss", models.RoleAdmin)
	_, err = h.env.Svc.CreateCategory(ctx, boss, forum.CategoryInput{Name: "Ambassadors", Slug: "amb", AmbassadorsOnly: true})
	must(t, err)
	_, private := h.env.Thread(boss, "amb", "Private", "Only for ambassadors.")
	for _, obj := range []string{
		"https://elsewhere.test/users/x/statuses/1",
		fmt.Sprintf("%s/p/%d", base, reply.ID),
		fmt.Sprintf("%s/p/%d", base, hidden.ID),
		fmt.Sprintf("%s/p/%d", base, private.ID),
		base + "/p/999999",
		noteURL + "#create",
	} {
		act := d.announce("mia", obj, s.hearthAlice)
		s.deliver(t, "mia", s.hearthInbox, act)
		row, err := h.env.Store.InboxByActivityID(ctx, act["id"].(string))
		must(t, err)
		if row.State != models.QueueDone {
			t.Errorf("Announce of %s: inbox state %q (%s), want done", obj, row.State, row.LastError)
		}
	}
	var n int64
	must(t, h.env.Store.DB(ctx).Model(&models.PostBoost{}).Count(&n).Error)
	if n != 0 {
		t.Errorf("boosts recorded for what may not be boosted: %d", n)
	}

	// A suspended instance's boost is refused before it is stored.
	_, err = h.env.Svc.BlockInstance(ctx, boss, "remote.test", models.BlockSuspend, "spam")
	must(t, err)
	blocked := d.announce("mia", noteURL, s.hearthAlice)
	if code := d.send("mia", s.hearthInbox, blocked); code != http.StatusForbidden {
		t.Fatalf("Announce from a suspended instance: %d", code)
	}
	drain(t, h)
	if got := boosts(); got != 0 {
		t.Errorf("boost from a suspended instance counted: %d", got)
	}
}

// TestPeerBoost: two Hearth instances. B's member bob boosts a post on A
// the way a fediverse server does (an Announce signed by bob's key, which
// A fetches from B), then takes it back: A counts it and then does not.
func TestPeerBoost(t *testing.T) {
	n := newNetwork()
	a, b := newPeer(t, n, "a.test"), newPeer(t, n, "b.test")
	ctx := context.Background()
	a.env.Category("general")
	alice := a.env.User("alice", models.RoleMember)
	_, first := a.env.Thread(alice, "general", "Across instances", "Boost this.")
	bob := b.env.User("bob", models.RoleMember)
	noteURL := fmt.Sprintf("http://a.test/p/%d", first.ID)
	boost := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": "http://b.test/u/bob#boosts/1",
		"type": "Announce", "actor": "http://b.test/u/bob", "object": noteURL,
		"to": []any{publicAddress}, "cc": []any{"http://a.test/u/alice"}}
	must(t, b.fed.enqueue(ctx, b.fed.userRef(bob), boost, []string{"http://a.test/inbox"}))
	drain(t, a, b)
	count := func() int {
		t.Helper()
		p, _, err := a.env.Svc.PostFor(ctx, nil, first.ID)
		must(t, err)
		return p.BoostCount
	}
	if got := count(); got != 1 {
		t.Fatalf("boost count on A: %d", got)
	}
	if got := notificationKinds(t, a, alice); got != models.NotifyBoost {
		t.Errorf("alice's notifications on A: %q", got)
	}
	undo := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": "http://b.test/u/bob#boosts/1/undo",
		"type": "Undo", "actor": "http://b.test/u/bob", "object": map[string]any{"id": boost["id"], "type": "Announce",
			"actor": boost["actor"], "object": noteURL}}
	must(t, b.fed.enqueue(ctx, b.fed.userRef(bob), undo, []string{"http://a.test/inbox"}))
	drain(t, a, b)
	if got := count(); got != 0 {
		t.Errorf("boost count on A after the Undo: %d", got)
	}
}

// TestMastodonBoostDeletedAndSilenced: when a Mastodon account is deleted
// (Delete of the actor) its boosts go with its other content and the
// post's count follows; a boost from a silenced instance still counts but
// does not notify the author, as Mastodon filters notifications from
// limited accounts.
func TestMastodonBoostDeletedAndSilenced(t *testing.T) {
	s, thread, noteURL, boosts := boostScene(t)
	h, d, ctx := s.h, s.d, context.Background()
	base := h.fed.base
	s.deliver(t, "mia", s.hearthInbox, d.announce("mia", noteURL, s.hearthAlice))
	s.deliver(t, "rin", s.hearthInbox, d.announce("rin", noteURL, s.hearthAlice))
	if got := boosts(); got != 2 {
		t.Fatalf("boost count after two boosts: %d", got)
	}

	v0, err := h.env.Svc.ThreadVersion(ctx, thread.ID)
	must(t, err)
	s.deliver(t, "mia", s.hearthInbox, d.wrap("Delete", s.mia+"#delete", "mia", s.mia))
	if got := boosts(); got != 1 {
		t.Errorf("boost count after mia deleted her account: %d, want rin's 1", got)
	}
	var left []models.PostBoost
	must(t, h.env.Store.DB(ctx).Find(&left).Error)
	if len(left) != 1 {
		t.Errorf("boost rows after mia's deletion: %d, want 1", len(left))
	}
	if v, err := h.env.Svc.ThreadVersion(ctx, thread.ID); err != nil || v == v0 {
		t.Errorf("the thread version did not change when mia's boost went (%v): cached pages would still show it", err)
	}

	boss := h.env.User("boss", models.RoleAdmin)
	_, err = h.env.Svc.BlockInstance(ctx, boss, "remote.test", models.BlockSilence, "noisy")
	must(t, err)
	before := notificationKinds(t, h, s.alice)
	_, second := h.env.Thread(s.alice, "general", "Another one", "Boost this too.")
	drain(t, h)
	s.deliver(t, "rin", s.hearthInbox, d.announce("rin", fmt.Sprintf("%s/p/%d", base, second.ID), s.hearthAlice))
	p, _, err := h.env.Svc.PostFor(ctx, nil, second.ID)
	must(t, err)
	if p.BoostCount != 1 {
		t.Errorf("a silenced instance's boost was not counted: %d", p.BoostCount)
	}
	if got := notificationKinds(t, h, s.alice); got != before {
		t.Errorf("a silenced instance's boost notified alice: %q, before %q", got, before)
	}
	// Today's figures: rin's two boosts; mia's went with her account.
	st, err := h.env.Svc.Stats(ctx, boss, "", "")
	must(t, err)
	if st.RemoteBoosts != 2 {
		t.Errorf("remote_boosts today: %d, want 2", st.RemoteBoosts)
	}
}

// boostScene starts a Mastodon double beside a Hearth with alice's thread
// to boost: the thread, its first post's URL, and a reader of its boost count.
func boostScene(t *testing.T) (*doubleScene, *models.Thread, string, func() int) {
	t.Helper()
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	thread, first := s.h.env.Thread(s.alice, "general", "Worth sharing", "A post people boost.")
	drain(t, s.h)
	boosts := func() int {
		t.Helper()
		return s.posts(t, thread.ID)[0].BoostCount
	}
	return s, thread, fmt.Sprintf("%s/p/%d", s.h.fed.base, first.ID), boosts
}
