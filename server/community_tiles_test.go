package server_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/models"
)

// tileRe finds one summary tile's value and change text.
func tileRe(label string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)<span class="stat-label">` + regexp.QuoteMeta(label) + `</span>\s*<strong class="stat-value">([^<]*)</strong>\s*<span class="stat-change">(.*?)</span>\s*</li>`)
}

// TestCommunityTilesAndAssignment: the window 11-12 March against 9-10
// March, every clock pinned; known posts and threads in each; then the
// queue's assignment form, for staff only.
func TestCommunityTilesAndAssignment(t *testing.T) {
	ts := newTestServer(t)
	day := time.Date(2030, 3, 12, 9, 0, 0, 0, time.UTC)
	now := day.AddDate(0, -1, 0)
	ts.Svc.SetClock(func() time.Time { return now })
	ts.Category("help")
	ts.User("moddy", models.RoleModerator)
	now = day.AddDate(0, 0, -3).Add(time.Hour) // 9 March: one thread, two members join
	asker, amb := ts.User("asker", models.RoleMember), ts.User("amby", models.RoleAmbassador)
	old, _ := ts.Thread(asker, "help", "Still waiting", "nobody answered")
	now = day.AddDate(0, 0, -1).Add(time.Hour) // 11 March: a thread and its answer
	b, _ := ts.Thread(asker, "help", "Second", "body")
	now = now.Add(30 * time.Minute)
	ts.Reply(amb, b.ID, "answer")
	now = day.Add(-time.Hour) // 12 March, 08:00: another, answered
	c, _ := ts.Thread(asker, "help", "Third", "body")
	ts.Reply(amb, c.ID, "answer")
	now = day
	for d := -3; d < 0; d++ {
		if err := ts.Svc.RollupDay(ts.Ctx, day.AddDate(0, 0, d).Truncate(24*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}

	staff := ts.browser()
	staff.login("moddy")
	r := staff.get("/community?from=2030-03-11&to=2030-03-12")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("dashboard: %d %s", r.StatusCode, r.Body)
	}
	if !strings.Contains(r.Body, "Changes compare with 2030-03-09 to 2030-03-10, the 2 days before.") {
		t.Errorf("previous window not named: %s", r.Body)
	}
	for _, c := range []struct{ label, value, change, words string }{
		{"Posts", "4", "+300%", "better"},               // 4 against 1
		{"New threads", "2", "+100%", "better"},         // 2 against 1
		{"New members", "0", "−100%", "worse"},          // 0 against 2
		{"Unanswered threads", "0%", "−100%", "better"}, // none of 2 against 1 of 1: lower is better
	} {
		m := tileRe(c.label).FindStringSubmatch(r.Body)
		if m == nil {
			t.Errorf("no %s tile", c.label)
			continue
		}
		if change := html.UnescapeString(m[2]); m[1] != c.value || !strings.Contains(change, c.change) || !strings.Contains(m[2], "against the previous 2 days, "+c.words) {
			t.Errorf("%s tile: value %q change %q, want %s %s (%s)", c.label, m[1], m[2], c.value, c.change, c.words)
		}
	}
	// The queue comes first, before the analytics.
	if q, a := strings.Index(r.Body, "Needs a response"), strings.Index(r.Body, `class="stat-tiles"`); q < 0 || a < q {
		t.Error("the needs-response queue is not first")
	}
	if !strings.Contains(r.Body, `action="/community/threads/`+strconv.FormatInt(old.ID, 10)+`/assign"`) {
		t.Fatalf("no assignment form for the waiting thread: %s", r.Body)
	}

	path := "/community/threads/" + strconv.FormatInt(old.ID, 10) + "/assign"
	res := staff.post(path, url.Values{"username": {"amby"}, "due": {"2030-03-13"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "#thread-"+strconv.FormatInt(old.ID, 10)) {
		t.Fatalf("assign: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	a, err := ts.Store.AssignmentsFor(ts.Ctx, []int64{old.ID})
	if err != nil || a[old.ID] == nil || a[old.ID].AssigneeID != amb.ID || a[old.ID].DueAt == nil || a[old.ID].DueAt.Format("2006-01-02") != "2030-03-13" {
		t.Fatalf("assignment not stored: %+v %v", a, err)
	}
	if r := staff.get("/community"); !strings.Contains(r.Body, "Assigned to amby.") {
		t.Errorf("no confirmation")
	}
	// A name that cannot be assigned: told why, nothing changes.
	staff.post(path, url.Values{"username": {"asker"}})
	if r := staff.get("/community"); !strings.Contains(r.Body, "Not assigned: assign to a moderator") {
		t.Errorf("bad assignee not explained")
	}
	if a, _ := ts.Store.AssignmentsFor(ts.Ctx, []int64{old.ID}); a[old.ID].AssigneeID != amb.ID {
		t.Error("a refused assignment changed it")
	}

	for _, who := range []string{"asker", "amby"} { // a member; an ambassador reads the queue but does not assign
		br := ts.browser()
		br.login(who)
		if res := br.post(path, url.Values{"username": {who}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s assigning: %d", who, res.StatusCode)
		}
	}
	if r := func() *response { br := ts.browser(); br.login("amby"); return br.get("/community") }(); strings.Contains(r.Body, "/assign\"") {
		t.Error("an ambassador is shown the assignment form")
	}
	// Without the CSRF token, staff are refused too.
	if res := staff.postRaw(path, url.Values{"username": {"moddy"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("no CSRF: %d", res.StatusCode)
	}
}
