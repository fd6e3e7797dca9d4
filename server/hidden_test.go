package server_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// A post hidden by flags must not leak its text through any other door:
// the post API, search, the author's profile, feeds or ActivityPub.
func TestHiddenPostTextDoesNotLeak(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	alice := ts.User("alice", models.RoleMember)
	th, _ := ts.Thread(alice, "general", "Visible thread", "an ordinary opening")
	bad := ts.Reply(alice, th.ID, "zanzibarquux is the secret word")
	for i := 0; i < 3; i++ {
		flagger := ts.User(fmt.Sprintf("flagger%d", i), models.RoleMember)
		if _, err := ts.Svc.FlagPost(ts.Ctx, flagger, bad.ID, "spam", ""); err != nil {
			t.Fatal(err)
		}
	}
	b := ts.browser()
	for _, path := range []string{
		fmt.Sprintf("/t/%d", th.ID), "/search?q=zanzibarquux", "/u/alice",
		fmt.Sprintf("/t/%d/feed.rss", th.ID), fmt.Sprintf("/t/%d/feed.atom", th.ID),
	} {
		// The search page repeats the query, so look for the rest of the text.
		if r := b.get(path); strings.Contains(r.Body, "the secret word") {
			t.Errorf("%s shows the hidden text", path)
		}
	}
	code, body := ts.api(t, "GET", fmt.Sprintf("/api/v1/posts/%d", bad.ID), "", "")
	if code != http.StatusOK || body["hidden"] != true || strings.Contains(fmt.Sprint(body), "zanzibarquux") {
		t.Fatalf("post API for a reader: %d %v", code, body)
	}
	if code, body := ts.api(t, "GET", "/api/v1/search?q=zanzibarquux", "", ""); code != 200 || len(body["posts"].([]any)) != 0 {
		t.Fatalf("search API found the hidden post: %v", body)
	}
	staff := ts.token(t, "moira", models.RoleModerator)
	if _, body := ts.api(t, "GET", fmt.Sprintf("/api/v1/posts/%d", bad.ID), staff, ""); !strings.Contains(fmt.Sprint(body["body"]), "zanzibarquux") {
		t.Fatalf("staff cannot read the hidden post: %v", body)
	}
	if _, err := ts.Svc.PostForFederation(ts.Ctx, bad.ID); !errors.Is(err, forum.ErrNotFound) {
		t.Fatalf("ActivityPub read of a hidden post: %v", err)
	}
}

// TestHiddenPostHistoryIsStaffOnly: the edit history of a post hidden
// pending review showed its current text to anyone; now visitors get 403
// and the thread page offers them no "edited" link to it.
func TestHiddenPostHistoryIsStaffOnly(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	author := ts.User("author", models.RoleMember)
	ts.User("moddy", models.RoleModerator)
	th, _ := ts.Thread(author, "general", "A thread", "fine text")
	p := ts.Reply(author, th.ID, "rude text")
	if _, err := ts.Svc.EditPost(ts.Ctx, author, p.ID, "still rude text"); err != nil {
		t.Fatal(err)
	}
	if err := ts.Store.UpdatePostFields(ts.Ctx, p.ID, map[string]any{"hidden_at": p.CreatedAt}); err != nil {
		t.Fatal(err)
	}
	rev := fmt.Sprintf("/p/%d/revisions", p.ID)
	anon := ts.browser()
	if r := anon.get(rev); r.StatusCode != http.StatusForbidden || strings.Contains(r.Body, "rude text") {
		t.Errorf("visitor reads a hidden post's history: %d", r.StatusCode)
	}
	if r := anon.get(fmt.Sprintf("/t/%d", th.ID)); strings.Contains(r.Body, rev) {
		t.Error("the thread page links visitors to a hidden post's history")
	}
	mod := ts.browser()
	mod.login("moddy")
	if r := mod.get(rev); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "still rude text") {
		t.Errorf("moderator reads the history: %d", r.StatusCode)
	}
}
