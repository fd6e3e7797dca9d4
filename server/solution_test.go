package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

func TestMarkSolutionFromThreadPage(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("help")
	asker := ts.browser()
	asker.signup("asker")
	r := asker.post("/new", url.Values{"category": {"help"}, "title": {"How do I start?"}, "body": {"Please help"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("new thread: %d", r.StatusCode)
	}
	threadPath := r.Header.Get("Location")
	helper := ts.User("helper", models.RoleMember)
	th, _ := ts.Store.ThreadByID(ts.Ctx, mustInt(strings.Split(threadPath, "/")[2]))
	answer := ts.Reply(helper, th.ID, "Run the installer")
	anon := ts.browser()
	if r := anon.get(threadPath); strings.Contains(r.Body, "badge-solution") {
		t.Fatal("solution badge before any was marked")
	}
	if r := asker.get(threadPath); !strings.Contains(r.Body, fmt.Sprintf(`formaction="/p/%d/solution"`, answer.ID)) {
		t.Fatal("the asker sees no Mark as solution button")
	}
	bystander := ts.browser()
	bystander.signup("bystander")
	if r := bystander.get(threadPath); strings.Contains(r.Body, "/solution") {
		t.Fatal("a bystander sees the Mark as solution button")
	}
	if r := bystander.post(fmt.Sprintf("/p/%d/solution", answer.ID), nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("bystander marked a solution: %d", r.StatusCode)
	}
	if r := asker.post(fmt.Sprintf("/p/%d/solution", answer.ID), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("asker marks solution: %d", r.StatusCode)
	}
	// The logged-out page (cached before) now shows the badge.
	if r := anon.get(threadPath); !strings.Contains(r.Body, "badge-solution") {
		t.Fatal("solution badge missing for a logged-out reader: stale cache")
	}
}
