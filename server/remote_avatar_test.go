package server_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// TestRemoteAvatarNotHotlinked: a remote author's avatar shows from this
// origin (federation's local copy) or as the initial letter, never from the
// remote server, which would learn who reads the thread.
func TestRemoteAvatarNotHotlinked(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	alice := ts.User("alice", models.RoleMember)
	th, _ := ts.Thread(alice, "general", "Hello", "First.")
	copied := ts.User("rin", models.RoleMember)
	bare := ts.User("mia", models.RoleMember)
	for u, file := range map[*models.User]string{copied: fmt.Sprintf("%d-0123456789abcdef.png", copied.ID), bare: ""} {
		if err := ts.Store.UpdateUserFields(ts.Ctx, u.ID, map[string]any{"domain": "social.example",
			"remote_icon_url": "https://social.example/avatars/" + u.Username + ".png", "avatar_file": file}); err != nil {
			t.Fatal(err)
		}
		ts.Reply(u, th.ID, "Hello from "+u.Username)
	}
	page := ts.browser().get(fmt.Sprintf("/t/%d", th.ID)).Body
	if strings.Contains(page, "social.example/avatars") {
		t.Error("the thread page hot-links a remote avatar")
	}
	if !strings.Contains(page, fmt.Sprintf(`src="/avatars/%d-0123456789abcdef.png"`, copied.ID)) {
		t.Error("the copied remote avatar is not shown from this origin")
	}
	// Generated avatars carry a colour class and the upper-cased initial
	// (server/polish_view.go).
	if !regexp.MustCompile(`avatar-initial avatar-c\d+" aria-hidden="true">M<`).MatchString(page) {
		t.Error("a remote author without a copy does not get the initial-letter avatar")
	}
}
