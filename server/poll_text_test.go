package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// TestRemotePollText: a standalone remote poll's page and the /polls list
// show the question's sanitised text, folded in <details> behind its
// content warning when it has one; an Update's new text shows at once.
func TestRemotePollText(t *testing.T) {
	ts := newTestServer(t)
	member := ts.browser()
	member.signup("bob")
	bob, err := ts.Store.UserByUsername(ts.Ctx, "bob")
	if err != nil {
		t.Fatal(err)
	}
	p := remotePoll(t, ts, bob, "5") // stored without text, as before
	a, err := ts.Store.RemoteActorByAPID(ts.Ctx, "https://social.example/users/carol")
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/polls/%d", p.ID)
	if r := member.get(path); !strings.Contains(r.Body, "read it where it was posted") {
		t.Errorf("a poll without text does not link to it: %s", r.Body)
	}

	q := forum.RemoteQuestion{APID: *p.APID, Options: []string{"Tea", "Coffee"}, Votes: []int{3, 1}, Voters: 4,
		HTML: `<p>Tea or <strong>coffee</strong>?<script>alert(1)</script><img src=x onerror=alert(2)></p>`, Summary: "Hot drinks"}
	if err := ts.Svc.RefreshRemotePoll(ts.Ctx, a, q); err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{path, "/polls"} {
		r := member.get(page)
		if !strings.Contains(r.Body, `<details class="content-warning">`) || !strings.Contains(r.Body, "<summary>Hot drinks</summary>") ||
			!strings.Contains(r.Body, "Tea or <strong>coffee</strong>?") {
			t.Errorf("%s without the question behind its warning: %s", page, r.Body)
		}
		if strings.Contains(r.Body, "alert(") {
			t.Errorf("%s shows unsanitised text: %s", page, r.Body)
		}
	}

	q.HTML, q.Summary = "<p>Tea, coffee or water?</p>", ""
	if err := ts.Svc.RefreshRemotePoll(ts.Ctx, a, q); err != nil {
		t.Fatal(err)
	}
	r := member.get(path)
	if !strings.Contains(r.Body, "<p>Tea, coffee or water?</p>") || strings.Contains(r.Body, "content-warning") {
		t.Errorf("after the Update: %s", r.Body)
	}

	// Only its author may change it.
	other, err := ts.Store.UpsertRemoteActor(ts.Ctx, &models.RemoteActor{APID: "https://social.example/users/mallory",
		Inbox: "https://social.example/users/mallory/inbox", PreferredUsername: "mallory", Domain: "social.example"})
	if err != nil {
		t.Fatal(err)
	}
	q.HTML = "<p>hijacked</p>"
	if err := ts.Svc.RefreshRemotePoll(ts.Ctx, other, q); err == nil {
		t.Error("another account changed the question")
	}
}
