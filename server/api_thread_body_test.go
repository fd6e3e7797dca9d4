package server_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hearth/hearth/models"
)

// TestAPIThreadPostsCarryBody: GET /api/v1/threads/{id} gives each post its
// Markdown body, as docs/API.md promises (the page query skips it, so the
// API answered "" for every post); a post flags hid keeps its body from
// members but not from staff, and a deleted post has none.
func TestAPIThreadPostsCarryBody(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("help")
	member := ts.token(t, "asker", models.RoleMember)
	mod := ts.token(t, "moddy", models.RoleModerator)
	asker, err := ts.Store.UserByUsername(ts.Ctx, "asker")
	if err != nil {
		t.Fatal(err)
	}
	th, _ := ts.Thread(asker, "help", "Markdown please", "Hello *api*")
	hidden := ts.Reply(asker, th.ID, "second **post**")
	gone := ts.Reply(asker, th.ID, "third post")
	if err := ts.Store.UpdatePostFields(ts.Ctx, hidden.ID, map[string]any{"hidden_at": gone.CreatedAt}); err != nil {
		t.Fatal(err)
	}
	if err := ts.Store.UpdatePostFields(ts.Ctx, gone.ID, map[string]any{"deleted_at": gone.CreatedAt}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		token string
		want  []string
	}{
		{member, []string{"Hello *api*", "", ""}},
		{mod, []string{"Hello *api*", "second **post**", ""}},
	} {
		code, body := ts.api(t, "GET", fmt.Sprintf("/api/v1/threads/%d", th.ID), tc.token, "")
		posts, _ := body["posts"].([]any)
		if code != http.StatusOK || len(posts) != 3 {
			t.Fatalf("get thread: %d %v", code, body)
		}
		for i, want := range tc.want {
			if got := posts[i].(map[string]any)["body"]; got != want {
				t.Errorf("post %d body = %q, want %q", i+1, got, want)
			}
		}
	}
}
