package forum_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// kinds summarises a member's notifications, newest first, as "kind:actor".
func kinds(t *testing.T, e *forumtest.Env, u *models.User) []string {
	t.Helper()
	l, err := e.Svc.Notifications(e.Ctx, u, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range l.Items {
		out = append(out, n.Kind+":"+n.Actor.Username)
	}
	return out
}

func wantKinds(t *testing.T, e *forumtest.Env, u *models.User, want ...string) {
	t.Helper()
	if got := kinds(t, e, u); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s's notifications = %v, want %v", u.Username, got, want)
	}
}

func TestReplyNotifications(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	alice := e.User("alice", models.RoleMember)
	bob := e.User("bob", models.RoleMember)
	carol := e.User("carol", models.RoleMember)
	th, _ := e.Thread(alice, "general", "Hello there", "First post.")

	// Replying in one's own thread tells nobody.
	own := e.Reply(alice, th.ID, "Bumping my own thread.")
	wantKinds(t, e, alice)

	bobs := e.Reply(bob, th.ID, "A reply from bob.")
	wantKinds(t, e, alice, "reply:bob")
	wantKinds(t, e, bob)

	// Carol answers bob's post: bob (reply_to) and alice (thread) hear of it.
	if _, err := e.Svc.Reply(e.Ctx, carol, th.ID, forum.NewReply{Body: "Answering bob.", ReplyTo: bobs.ID}); err != nil {
		t.Fatal(err)
	}
	wantKinds(t, e, alice, "reply:carol", "reply:bob")
	wantKinds(t, e, bob, "reply:carol")

	// Answering the thread author's own post, naming her too, still tells
	// her once.
	if _, err := e.Svc.Reply(e.Ctx, bob, th.ID, forum.NewReply{Body: "@alice see this", ReplyTo: own.ID}); err != nil {
		t.Fatal(err)
	}
	wantKinds(t, e, alice, "reply:bob", "reply:carol", "reply:bob")

	// A remote reply notifies like a local one, from the remote user row.
	actor, err := e.Store.UpsertRemoteActor(e.Ctx, &models.RemoteActor{
		APID: "https://mastodon.example/users/dan", Inbox: "https://mastodon.example/users/dan/inbox",
		PreferredUsername: "dan", Domain: "mastodon.example",
	})
	if err != nil {
		t.Fatal(err)
	}
	dan, err := e.Svc.RemoteUser(e.Ctx, actor)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.ReplyFromRemote(e.Ctx, dan, th.ID, bobs.ID, forum.RemoteNote{
		APID: "https://mastodon.example/users/dan/statuses/1", HTML: "<p>From afar</p>"}); err != nil {
		t.Fatal(err)
	}
	if got := kinds(t, e, bob); len(got) != 2 || got[0] != "reply:"+dan.Username {
		t.Errorf("bob after a remote reply: %v", got)
	}

	// Bob's remote row is never a recipient: answering dan's post notifies
	// only alice.
	danPost, _ := e.Svc.RemotePost(e.Ctx, "https://mastodon.example/users/dan/statuses/1")
	if _, err := e.Svc.Reply(e.Ctx, carol, th.ID, forum.NewReply{Body: "Hi dan", ReplyTo: danPost.ID}); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.Store.CountUnreadNotifications(e.Ctx, dan.ID); n != 0 {
		t.Errorf("remote user got %d notifications", n)
	}
}

func TestMentionNotifications(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	alice := e.User("alice", models.RoleMember)
	bob := e.User("bob", models.RoleMember)
	carol := e.User("carol", models.RoleMember)
	mod := e.User("moddy", models.RoleModerator)

	th, _ := e.Thread(alice, "general", "Mentions", "Hey @bob and @BOB, also @alice, @nobody and @carol@elsewhere.social")
	wantKinds(t, e, bob, "mention:alice")
	wantKinds(t, e, alice)

	// A suspended member is skipped.
	if _, err := e.Svc.Suspend(e.Ctx, mod, "carol", "", "test"); err != nil {
		t.Fatal(err)
	}
	e.Reply(bob, th.ID, "@carol are you there?")
	if n, _ := e.Store.CountUnreadNotifications(e.Ctx, carol.ID); n != 0 {
		t.Errorf("suspended member got %d notifications", n)
	}
}

func TestLikeNotifiesOnce(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	alice := e.User("alice", models.RoleMember)
	bob := e.User("bob", models.RoleMember)
	_, first := e.Thread(alice, "general", "Likes", "Like me.")
	for _, on := range []bool{true, true, false, true} {
		if _, err := e.Svc.SetLike(e.Ctx, bob, first.ID, on); err != nil {
			t.Fatal(err)
		}
	}
	wantKinds(t, e, alice, "like:bob")
}

func TestMarkRead(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	alice := e.User("alice", models.RoleMember)
	bob := e.User("bob", models.RoleMember)
	th, _ := e.Thread(alice, "general", "Reads", "Read me.")
	e.Reply(bob, th.ID, "one")
	e.Reply(bob, th.ID, "two")
	unread := func(u *models.User) int {
		n, err := e.Svc.UnreadCount(e.Ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := unread(alice); n != 2 {
		t.Fatalf("unread = %d, want 2", n)
	}
	l, _ := e.Svc.Notifications(e.Ctx, alice, "", 1)
	if len(l.Items) != 1 || l.Next == "" {
		t.Fatalf("first page of 1: %+v", l)
	}
	if older, _ := e.Svc.Notifications(e.Ctx, alice, l.Next, 1); len(older.Items) != 1 || older.Items[0].ID >= l.Items[0].ID {
		t.Fatalf("second page: %+v", older)
	}
	if err := e.Svc.MarkRead(e.Ctx, bob, l.Items[0].ID); !errors.Is(err, forum.ErrNotFound) {
		t.Fatalf("bob marking alice's: %v", err)
	}
	if n := unread(alice); n != 2 {
		t.Fatalf("bob's attempt changed alice's count to %d", n)
	}
	if err := e.Svc.MarkRead(e.Ctx, alice, l.Items[0].ID); err != nil {
		t.Fatal(err)
	}
	if n := unread(alice); n != 1 {
		t.Fatalf("after MarkRead unread = %d, want 1", n)
	}
	if err := e.Svc.MarkAllRead(e.Ctx, alice); err != nil {
		t.Fatal(err)
	}
	if n := unread(alice); n != 0 {
		t.Fatalf("after MarkAllRead unread = %d", n)
	}
	if n, _ := e.Svc.UnreadCount(e.Ctx, nil); n != 0 {
		t.Fatal("nobody has unread notifications")
	}
}
