package forum_test

import (
	"errors"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

func TestWatchTrackMute(t *testing.T) {
	e := forumtest.New(t)
	gen := e.Category("general")
	e.Category("offtopic")
	alice := e.User("alice", models.RoleMember)
	bob := e.User("bob", models.RoleMember)
	carol := e.User("carol", models.RoleMember)
	dave := e.User("dave", models.RoleMember)
	th, _ := e.Thread(alice, "general", "Watch me", "First post.")

	// The author watches her thread by default: carol's reply to bob's
	// post reaches her as a watched post, bob as a reply.
	lv, err := e.Svc.ThreadLevel(e.Ctx, alice, th)
	if err != nil || lv.Level != models.LevelWatching || !lv.Auto {
		t.Fatalf("author's level = %+v, %v", lv, err)
	}
	bobs := e.Reply(bob, th.ID, "Bob here.")
	wantKinds(t, e, alice, "reply:bob")
	if _, err := e.Svc.Reply(e.Ctx, carol, th.ID, forum.NewReply{Body: "Hi bob", ReplyTo: bobs.ID}); err != nil {
		t.Fatal(err)
	}
	wantKinds(t, e, bob, "reply:carol")
	wantKinds(t, e, alice, "reply:carol", "reply:bob")
	// Bob replied, so he watches too: dave's plain reply reaches all three.
	e.Reply(dave, th.ID, "Dave's two cents.")
	wantKinds(t, e, bob, "posted:dave", "reply:carol")
	wantKinds(t, e, carol, "posted:dave")
	wantKinds(t, e, alice, "reply:dave", "reply:carol", "reply:bob")

	// Tracking: only replies to you and mentions.
	if _, err := e.Svc.SetThreadLevel(e.Ctx, carol, th.ID, "tracking"); err != nil {
		t.Fatal(err)
	}
	e.Reply(dave, th.ID, "More from dave.")
	wantKinds(t, e, carol, "posted:dave")
	e.Reply(dave, th.ID, "@carol what do you think?")
	wantKinds(t, e, carol, "mention:dave", "posted:dave")

	// Muted: nothing, not even a reply to her own thread or a like.
	if _, err := e.Svc.SetThreadLevel(e.Ctx, alice, th.ID, "MUTED "); err != nil {
		t.Fatal(err)
	}
	before := kinds(t, e, alice)
	e.Reply(bob, th.ID, "@alice are you there?")
	first, _ := e.Store.PostByID(e.Ctx, th.FirstPostID)
	if _, err := e.Svc.SetLike(e.Ctx, bob, first.ID, true); err != nil {
		t.Fatal(err)
	}
	wantKinds(t, e, alice, before...)
	// Posting again does not undo the mute.
	e.Reply(alice, th.ID, "Quietly back.")
	if lv, _ := e.Svc.ThreadLevel(e.Ctx, alice, th); lv.Level != models.LevelMuted {
		t.Errorf("posting undid the mute: %+v", lv)
	}

	// Watching a category: told of new threads and every post in them.
	if _, err := e.Svc.SetCategoryLevel(e.Ctx, dave, "general", "watching"); err != nil {
		t.Fatal(err)
	}
	th2, _ := e.Thread(bob, "general", "Second thread", "Body.")
	e.Reply(carol, th2.ID, "A reply.")
	e.Thread(bob, "offtopic", "Elsewhere", "Body.")
	wantKinds(t, e, dave, "posted:carol", "new_thread:bob", "posted:alice", "posted:bob")

	// A muted category silences its threads for the member (unless they
	// chose a level on the thread) and leaves them out of the latest list.
	if _, err := e.Svc.SetCategoryLevel(e.Ctx, carol, "general", "muted"); err != nil {
		t.Fatal(err)
	}
	th3, _ := e.Thread(bob, "general", "Third", "Body.")
	e.Reply(dave, th3.ID, "@carol look")
	wantKinds(t, e, carol, "mention:dave", "posted:dave")
	latest, err := e.Svc.LatestThreadsFor(e.Ctx, carol, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range latest {
		if s.Thread.CategoryID == gen.ID {
			t.Errorf("muted category's thread %q in carol's latest list", s.Thread.Title)
		}
	}
	if len(latest) != 1 {
		t.Errorf("carol's latest = %d threads, want the offtopic one", len(latest))
	}
	if all, _ := e.Svc.LatestThreadsFor(e.Ctx, bob, 10); len(all) != 4 {
		t.Errorf("bob's latest = %d threads, want 4", len(all))
	}

	// Bad input.
	if _, err := e.Svc.SetThreadLevel(e.Ctx, bob, th.ID, "loud"); !isValidation(err, "level") {
		t.Errorf("bad level: %v", err)
	}
	if _, err := e.Svc.SetThreadLevel(e.Ctx, nil, th.ID, "muted"); !errors.Is(err, forum.ErrUnauthorized) {
		t.Errorf("anonymous: %v", err)
	}
	if _, err := e.Svc.SetThreadLevel(e.Ctx, bob, 999999, "muted"); !errors.Is(err, forum.ErrNotFound) {
		t.Errorf("missing thread: %v", err)
	}
	if _, err := e.Svc.SetCategoryLevel(e.Ctx, bob, "nope", "muted"); !errors.Is(err, forum.ErrNotFound) {
		t.Errorf("missing category: %v", err)
	}
}
