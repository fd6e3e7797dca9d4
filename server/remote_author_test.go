package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// TestThreadShowsRemoteAuthor: a reply stored from the fediverse shows
// its author's name, @name@domain handle, remote avatar and an origin link,
// and the remote HTML is sanitised.
func TestThreadShowsRemoteAuthor(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	alice := ts.User("alice", models.RoleMember)
	thread, first := ts.Thread(alice, "general", "Hello", "First post.")
	actor, err := ts.Store.UpsertRemoteActor(ts.Ctx, &models.RemoteActor{
		APID: "https://mastodon.example/users/bob", Inbox: "https://mastodon.example/users/bob/inbox",
		PreferredUsername: "bob", Name: "Bob Builder", Domain: "mastodon.example",
		IconURL: "https://files.mastodon.example/bob.png",
	})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := ts.Svc.RemoteUser(ts.Ctx, actor)
	if err != nil {
		t.Fatal(err)
	}
	note := "https://mastodon.example/users/bob/statuses/1"
	if _, err := ts.Svc.ReplyFromRemote(ts.Ctx, bob, thread.ID, first.ID, forum.RemoteNote{
		APID: note, HTML: `<p>Hello from afar<script>alert(1)</script></p>`,
	}); err != nil {
		t.Fatal(err)
	}
	body := ts.browser().get(fmt.Sprintf("/t/%d", thread.ID)).Body
	for _, want := range []string{
		"Bob Builder", "@bob@mastodon.example", "on mastodon.example", `href="` + note + `"`,
		`href="https://mastodon.example/users/bob"`, "Hello from afar",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("thread page lacks %q", want)
		}
	}
	// The avatar is never hot-linked (federation copies it locally; see
	// TestRemoteAvatarNotHotlinked).
	if strings.Contains(body, "files.mastodon.example") {
		t.Error("the thread page hot-links the remote avatar")
	}
	if strings.Contains(body, "alert(1)") {
		t.Error("remote script reached the page")
	}
}
