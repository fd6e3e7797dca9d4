package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/models"
)

// TestCommunityAPI: members get 403 on every community endpoint, staff get
// the documented shapes, ambassadors read the queue but not the analytics.
func TestCommunityAPI(t *testing.T) {
	ts := newTestServer(t)
	now := ts.Svc.Now().Truncate(time.Second)
	ts.Svc.SetClock(func() time.Time { return now })
	ts.Category("help")
	staff := ts.token(t, "mod1", models.RoleModerator)
	amb := ts.token(t, "amb1", models.RoleAmbassador)
	member := ts.token(t, "member1", models.RoleMember)
	asker := ts.User("asker", models.RoleMember)
	th, _ := ts.Thread(asker, "help", "Nobody answers me", "body")
	answered, _ := ts.Thread(asker, "help", "Somebody answered", "body")
	reply := ts.Reply(ts.User("helper", models.RoleMember), answered.ID, "here you go")
	now = now.Add(2 * time.Hour)

	gets := []string{"/api/v1/community/needs-response", "/api/v1/community/stats", "/api/v1/community/retention?weeks=4"}
	for _, p := range gets {
		if code, body := ts.api(t, http.MethodGet, p, member, ""); code != http.StatusForbidden || body["error"] == nil {
			t.Errorf("member GET %s: %d %v", p, code, body)
		}
		if code, _ := ts.api(t, http.MethodGet, p, "", ""); code != http.StatusUnauthorized {
			t.Errorf("anonymous GET %s: %d", p, code)
		}
		if code, body := ts.api(t, http.MethodGet, p, staff, ""); code != http.StatusOK {
			t.Errorf("staff GET %s: %d %v", p, code, body)
		}
	}
	if code, _ := ts.api(t, http.MethodGet, gets[0], amb, ""); code != http.StatusOK {
		t.Errorf("ambassador queue: %d", code)
	}
	if code, _ := ts.api(t, http.MethodGet, gets[1], amb, ""); code != http.StatusForbidden {
		t.Errorf("ambassador stats: %d", code)
	}
	assignPath := fmt.Sprintf("/api/v1/threads/%d/assign", th.ID)
	due := now.Add(-time.Minute).Format(time.RFC3339)
	if code, _ := ts.api(t, http.MethodPost, assignPath, member, `{"username":"amb1"}`); code != http.StatusForbidden {
		t.Errorf("member assign: %d", code)
	}
	if code, body := ts.api(t, http.MethodPost, assignPath, staff, `{"username":"amb1","due":"tomorrow"}`); code != http.StatusUnprocessableEntity {
		t.Errorf("bad due: %d %v", code, body)
	}
	if code, body := ts.api(t, http.MethodPost, assignPath, staff, `{"username":"amb1","due":"`+due+`"}`); code != http.StatusOK || body["thread_id"] != float64(th.ID) {
		t.Errorf("assign: %d %v", code, body)
	}

	_, body := ts.api(t, http.MethodGet, gets[0], staff, "")
	threads, _ := body["threads"].([]any)
	if len(threads) != 1 { // the answered thread is not waiting
		t.Fatalf("queue: %v", body)
	}
	item := threads[0].(map[string]any)
	for _, k := range []string{"id", "title", "url", "category", "author", "created_at", "waiting_seconds", "assigned_to", "due", "overdue"} {
		if _, ok := item[k]; !ok {
			t.Errorf("queue item lacks %q: %v", k, item)
		}
	}
	if item["id"] != float64(th.ID) || item["category"] != "help" || item["overdue"] != true || item["waiting_seconds"] != float64(7200) {
		t.Errorf("queue item: %v", item)
	}
	if a, _ := item["assigned_to"].(map[string]any); a["username"] != "amb1" {
		t.Errorf("assigned_to: %v", item["assigned_to"])
	}

	solPath := fmt.Sprintf("/api/v1/posts/%d/solution", reply.ID)
	if code, _ := ts.api(t, http.MethodPost, solPath, member, ""); code != http.StatusForbidden {
		t.Errorf("member marks someone else's solution: %d", code)
	}
	for i := 0; i < 2; i++ {
		if code, body := ts.api(t, http.MethodPost, solPath, staff, ""); code != http.StatusOK || body["solved"] != true {
			t.Errorf("staff marks solution (%d): %d %v", i, code, body)
		}
	}

	_, stats := ts.api(t, http.MethodGet, gets[1], staff, "")
	for _, k := range []string{"dau", "wau", "mau", "new_members", "posts", "threads", "ttfr_median_seconds", "ttfr_p90_seconds", "no_response_share", "remote_followers", "remote_replies"} {
		if _, ok := stats[k]; !ok {
			t.Errorf("stats lacks %q: %v", k, stats)
		}
	}
	if stats["threads"] != float64(2) || stats["no_response_share"] != 0.5 {
		t.Errorf("stats: %v", stats)
	}
	if code, _ := ts.api(t, http.MethodGet, "/api/v1/community/stats?from=nope", staff, ""); code != http.StatusUnprocessableEntity {
		t.Errorf("bad from: %d", code)
	}
	_, ret := ts.api(t, http.MethodGet, gets[2], staff, "")
	if cohorts, _ := ret["cohorts"].([]any); len(cohorts) != 4 {
		t.Errorf("retention: %v", ret)
	}
	if code, _ := ts.api(t, http.MethodGet, "/api/v1/community/retention?weeks=99", staff, ""); code != http.StatusUnprocessableEntity {
		t.Errorf("99 weeks: %d", code)
	}
}

// TestCommunityPage: the team sees the queue (overdue marked) and, for
// staff, the figures; members are refused.
func TestCommunityPage(t *testing.T) {
	ts := newTestServer(t)
	now := ts.Svc.Now().Truncate(time.Second)
	ts.Svc.SetClock(func() time.Time { return now })
	ts.Category("help")
	mod := ts.User("moddy", models.RoleModerator)
	ts.User("amby", models.RoleAmbassador)
	th, _ := ts.Thread(ts.User("asker", models.RoleMember), "help", "Waiting for an answer", "body")
	due := now.Add(time.Hour)
	if _, _, err := ts.Svc.Assign(ts.Ctx, mod, th.ID, "amby", &due); err != nil {
		t.Fatal(err)
	}
	now = now.Add(3 * time.Hour)

	member := ts.browser()
	member.signup("member1")
	if r := member.get("/community"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("member /community: %d", r.StatusCode)
	}
	if strings.Contains(member.get("/").Body, `href="/community"`) {
		t.Error("members should not see the Community link")
	}
	staff := ts.browser()
	staff.login("moddy")
	r := staff.get("/community")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("staff /community: %d %s", r.StatusCode, r.Body)
	}
	for _, want := range []string{"Waiting for an answer", `class="overdue"`, "amby", "Time to first response", `href="/community"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("staff page lacks %q", want)
		}
	}
	ambassador := ts.browser()
	ambassador.login("amby")
	r = ambassador.get("/community")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Waiting for an answer") || strings.Contains(r.Body, "Time to first response") {
		t.Fatalf("ambassador page: %d", r.StatusCode)
	}
}
