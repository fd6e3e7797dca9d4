package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

func TestAnonymousCacheNeverServesStalePosts(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	alice := ts.User("alice", models.RoleMember)
	bob := ts.User("bob", models.RoleMember)
	th, first := ts.Thread(alice, "general", "Cached thread", "original words")
	path := fmt.Sprintf("/t/%d", th.ID)
	anon := ts.browser()

	get := func(want string) *response {
		t.Helper()
		r := anon.get(path)
		if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, want) {
			t.Fatalf("GET %s: %d, want %q in body", path, r.StatusCode, want)
		}
		return r
	}
	if r := get("original words"); r.Header.Get("X-Hearth-Cache") != "miss" {
		t.Fatalf("first anonymous view: cache %q", r.Header.Get("X-Hearth-Cache"))
	}
	if r := get("original words"); r.Header.Get("X-Hearth-Cache") != "hit" {
		t.Fatalf("second anonymous view: cache %q", r.Header.Get("X-Hearth-Cache"))
	}
	ts.Reply(bob, th.ID, "a fresh reply")
	get("a fresh reply")
	if _, err := ts.Svc.EditPost(ts.Ctx, alice, first.ID, "edited words"); err != nil {
		t.Fatal(err)
	}
	get("edited words")
	if _, err := ts.Svc.SetLike(ts.Ctx, bob, first.ID, true); err != nil {
		t.Fatal(err)
	}
	r := get("edited words")
	if r.Header.Get("X-Hearth-Cache") != "miss" {
		t.Fatal("a like did not change the thread version")
	}
	if err := ts.Svc.DeletePost(ts.Ctx, alice, first.ID); err != nil {
		t.Fatal(err)
	}
	if r := anon.get(path); strings.Contains(r.Body, "edited words") {
		t.Fatal("deleted post served from cache")
	}
	// The cached page must not carry any visitor's CSRF token, and logged-in
	// members never get a cached page.
	other := ts.browser()
	if r := other.get(path); strings.Contains(r.Body, anon.csrf()) || strings.Contains(r.Body, other.csrf()) {
		t.Fatal("a CSRF token leaked into a cached page")
	}
	member := ts.browser()
	member.signup("carol")
	if r := member.get(path); r.Header.Get("X-Hearth-Cache") != "" {
		t.Fatalf("logged-in view used the anonymous cache: %q", r.Header.Get("X-Hearth-Cache"))
	}
}

func TestPostFragmentsFollowEditsAndRenames(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	alice := ts.User("alice", models.RoleMember)
	th, first := ts.Thread(alice, "general", "Fragments", "first words")
	path := fmt.Sprintf("/t/%d", th.ID)
	member := ts.browser()
	member.signup("reader")
	if r := member.get(path); !strings.Contains(r.Body, "first words") || !strings.Contains(r.Body, ">alice<") {
		t.Fatalf("first view:\n%s", r.Body)
	}
	if _, err := ts.Svc.EditPost(ts.Ctx, alice, first.ID, "second words"); err != nil {
		t.Fatal(err)
	}
	if err := ts.Svc.UpdateProfile(ts.Ctx, alice, forum.ProfileInput{DisplayName: "Alice Liddell"}); err != nil {
		t.Fatal(err)
	}
	r := member.get(path)
	if strings.Contains(r.Body, "first words") || !strings.Contains(r.Body, "second words") || !strings.Contains(r.Body, "Alice Liddell") {
		t.Fatalf("cached fragment is stale:\n%s", r.Body)
	}
	if !strings.Contains(r.Body, "/revisions") {
		t.Fatal("edited marker missing")
	}
}

func TestAnonymousCategoryCacheFollowsActivity(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	alice := ts.User("alice", models.RoleMember)
	old, _ := ts.Thread(alice, "general", "Old thread", "x")
	anon := ts.browser()
	if r := anon.get("/c/general"); r.Header.Get("X-Hearth-Cache") != "miss" || !strings.Contains(r.Body, "Old thread") {
		t.Fatalf("first view: %q", r.Header.Get("X-Hearth-Cache"))
	}
	if r := anon.get("/c/general"); r.Header.Get("X-Hearth-Cache") != "hit" {
		t.Fatalf("second view: %q", r.Header.Get("X-Hearth-Cache"))
	}
	ts.Thread(alice, "general", "Brand new thread", "y")
	r := anon.get("/c/general")
	if !strings.Contains(r.Body, "Brand new thread") || strings.Index(r.Body, "Brand new thread") > strings.Index(r.Body, "Old thread") {
		t.Fatal("new thread missing or not first")
	}
	ts.Reply(alice, old.ID, "bump")
	if r := anon.get("/c/general"); strings.Index(r.Body, "Old thread") > strings.Index(r.Body, "Brand new thread") {
		t.Fatal("bumped thread not moved to the top: stale cache")
	}
	admin := ts.User("root1", models.RoleAdmin)
	if _, err := ts.Svc.CreateCategory(ts.Ctx, admin, forum.CategoryInput{Name: "Subtopic", ParentSlug: "general"}); err != nil {
		t.Fatal(err)
	}
	if r := anon.get("/c/general"); !strings.Contains(r.Body, "Subtopic") {
		t.Fatal("new subcategory missing: stale cache")
	}
	if r := anon.get("/c/nope"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown category: %d", r.StatusCode)
	}
}
