package forum_test

import (
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// A remote post its author deleted comes back when its server sends the
// Create again (a restore after an appeal); one a moderator here deleted
// stays deleted.
func TestRemoteCreateAgainRestoresOnlyAuthorsDeletion(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	th, first := e.Thread(e.User("alice", models.RoleMember), "general", "Hello there", "hello")
	dan := e.RemoteUser("dan", "mastodon.example")
	mod := e.User("moddy", models.RoleModerator)
	note := func(n string) forum.RemoteNote {
		return forum.RemoteNote{APID: "https://mastodon.example/users/dan/statuses/" + n, HTML: "<p>reply " + n + "</p>"}
	}
	p1, err := e.Svc.ReplyFromRemote(e.Ctx, dan, th.ID, first.ID, note("1"))
	if err != nil {
		t.Fatal(err)
	}
	p2, err := e.Svc.ReplyFromRemote(e.Ctx, dan, th.ID, first.ID, note("2"))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Svc.DeleteFromRemote(e.Ctx, dan, note("1").APID, nil); err != nil {
		t.Fatal(err)
	}
	if err := e.Svc.DeletePost(e.Ctx, mod, p2.ID); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"1", "2"} {
		if _, err := e.Svc.ReplyFromRemote(e.Ctx, dan, th.ID, first.ID, note(n)); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := e.Store.PostByID(e.Ctx, p1.ID); got.DeletedAt != nil {
		t.Fatal("the author's restored post is still deleted")
	}
	if got, _ := e.Store.PostByID(e.Ctx, p2.ID); got.DeletedAt == nil {
		t.Fatal("a repeated Create undid a moderator's deletion")
	}
	tp, err := e.Svc.ThreadPage(e.Ctx, nil, th.ID, 1)
	if err != nil || tp.Thread.PostCount != 3 {
		t.Fatalf("thread after restore: %v posts, %v", tp, err)
	}
}
