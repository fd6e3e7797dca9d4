package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// TestFetchMissedReplies: the thread tool "Fetch missed replies" is on
// the thread page for moderators only, needs CSRF, queues one backfill
// (asking again while it waits queues no second) and says so; the API
// does the same and refuses members.
func TestFetchMissedReplies(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	modTok := ts.token(t, "moddy", models.RoleModerator)
	member := ts.token(t, "member1", models.RoleMember)
	author := ts.User("author", models.RoleMember)
	th, _ := ts.Thread(author, "general", "From the fediverse", "hello")
	path := fmt.Sprintf("/mod/threads/%d/fetch_replies", th.ID)

	if code, _ := ts.api(t, "POST", "/api/v1"+path, member, `{}`); code != http.StatusForbidden {
		t.Fatalf("member: %d", code)
	}
	reader := ts.browser()
	if r := reader.get(fmt.Sprintf("/t/%d", th.ID)); strings.Contains(r.Body, "Fetch missed replies") {
		t.Fatal("a visitor sees the moderator's button")
	}
	mod := ts.browser()
	mod.login("moddy")
	if r := mod.get(fmt.Sprintf("/t/%d", th.ID)); !strings.Contains(r.Body, `action="`+path+`"`) {
		t.Fatal("the thread page has no Fetch missed replies form")
	}
	if r := mod.postRaw(path, url.Values{}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("without CSRF: %d", r.StatusCode)
	}
	if r := mod.post(path, nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("form: %d %s", r.StatusCode, r.Body)
	}
	if r := mod.get(fmt.Sprintf("/t/%d", th.ID)); !strings.Contains(r.Body, "Fetching missed replies from the fediverse") {
		t.Fatal("no flash after asking")
	}
	if code, body := ts.api(t, "POST", "/api/v1"+path, modTok, `{}`); code != http.StatusOK || body["id"] != float64(th.ID) {
		t.Fatalf("API: %d %v", code, body)
	}
	rows, err := ts.Store.BackfillRequests(context.Background(), th.ID)
	if err != nil || len(rows) != 1 || rows[0].State != models.QueuePending || rows[0].RequestedBy == nil {
		t.Fatalf("backfill requests %+v (%v)", rows, err)
	}
}
