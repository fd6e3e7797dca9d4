package server_test

import (
	"encoding/csv"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/models"
)

// TestCommunityDashboard: staff see SVG charts, each with its title and a
// data table, choose the window, and download it as CSV; a bad date keeps
// what was typed and says what is wrong; members get 403 on the CSV.
func TestCommunityDashboard(t *testing.T) {
	ts := newTestServer(t)
	day := time.Date(2030, 3, 12, 9, 0, 0, 0, time.UTC)
	now := day.AddDate(0, -1, 0) // the staff joined a month before
	ts.Svc.SetClock(func() time.Time { return now })
	ts.Category("help")
	ts.User("moddy", models.RoleModerator)
	now = day
	asker, amb := ts.User("asker", models.RoleMember), ts.User("amby", models.RoleAmbassador)
	for _, u := range []*models.User{asker, amb} {
		if err := ts.Store.UpdateUserFields(ts.Ctx, u.ID, map[string]any{"created_at": day}); err != nil {
			t.Fatal(err)
		}
	}
	th, _ := ts.Thread(asker, "help", "How do I start?", "body")
	now = now.Add(30 * time.Minute)
	ts.Reply(amb, th.ID, "Like this")
	now = day.Add(24 * time.Hour) // the next morning: 12 March is rolled up
	if err := ts.Svc.RollupDay(ts.Ctx, day); err != nil {
		t.Fatal(err)
	}
	ts.Thread(asker, "help", "And today?", "body")
	now = now.Add(time.Minute)

	staff := ts.browser()
	staff.login("moddy")
	r := staff.get("/community?from=2030-03-12&to=2030-03-13")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("dashboard: %d %s", r.StatusCode, r.Body)
	}
	for _, want := range []string{
		`<svg class="chart"`, `<title id="chart-posts-title">Posts per day</title>`, `aria-labelledby="chart-dau-title chart-dau-desc"`,
		`<th scope="row">03-12</th><td>2</td>`, // posts on 12 March in the posts chart's table
		`<rect class="chart-mark"`, `href="/community/stats.csv?from=2030-03-12&amp;to=2030-03-13"`,
		`value="2030-03-12"`, "Replies by ambassadors", "Weekly retention", `<a href="/c/help">help</a>`,
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	if strings.Contains(r.Body, `<script src="http`) || strings.Contains(r.Body, "<svg><script") {
		t.Error("the dashboard must not load third-party scripts")
	}
	bad := staff.get("/community?from=last+week")
	if bad.StatusCode != http.StatusOK || !strings.Contains(bad.Body, `value="last week"`) || !strings.Contains(bad.Body, "use a date like") {
		t.Errorf("bad date: %d", bad.StatusCode)
	}

	res := staff.get("/community/stats.csv?from=2030-03-12&to=2030-03-13")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"day", "dau", "new_members", "posts", "threads", "contributors", "remote_replies", "remote_boosts"},
		{"2030-03-12", "2", "2", "2", "1", "2", "0", "0"},
		{"2030-03-13", "2", "0", "1", "1", "1", "0", "0"}, // asker posted, moddy signed in
	}
	if len(rows) != len(want) || strings.Join(rows[0], ",") != strings.Join(want[0], ",") || strings.Join(rows[1], ",") != strings.Join(want[1], ",") || strings.Join(rows[2], ",") != strings.Join(want[2], ",") {
		t.Errorf("csv rows: %v, want %v", rows, want)
	}

	member := ts.browser()
	member.signup("member1")
	if r := member.get("/community/stats.csv"); r.StatusCode != http.StatusForbidden {
		t.Errorf("member csv: %d", r.StatusCode)
	}
	_, stats := ts.api(t, http.MethodGet, "/api/v1/community/stats?from=2030-03-12&to=2030-03-12", ts.token(t, "mod2", models.RoleModerator), "")
	if stats["ambassador_replies"] != float64(1) || stats["welcome_rate"] != 0.5 || stats["ttfr_median_seconds"] != float64(1800) {
		t.Errorf("stats json: %v", stats)
	}
}

// TestCommunityStatsEmpty: an empty forum gives zeros and empty lists.
func TestCommunityStatsEmpty(t *testing.T) {
	ts := newTestServer(t)
	code, stats := ts.api(t, http.MethodGet, "/api/v1/community/stats", ts.token(t, "mod1", models.RoleModerator), "")
	if code != http.StatusOK || stats["posts"] != float64(0) || stats["ttfr_p90_seconds"] != float64(0) || stats["welcome_rate"] != float64(0) {
		t.Fatalf("empty: %d %v", code, stats)
	}
	if days, _ := stats["days"].([]any); len(days) != 30 {
		t.Errorf("days: %v", stats["days"])
	}
	staff := ts.browser()
	staff.login("mod1")
	if r := staff.get("/community"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Nobody posted in these days.") {
		t.Errorf("empty dashboard: %d", r.StatusCode)
	}
}

// TestStatsCacheVersion: figures are reused within a minute for the same
// rollups, and recomputed when the minute turns or a day is rolled up.
func TestStatsCacheVersion(t *testing.T) {
	ts := newTestServer(t)
	now := time.Date(2030, 3, 12, 9, 0, 0, 0, time.UTC)
	ts.Svc.SetClock(func() time.Time { return now })
	ts.Category("help")
	staff := ts.token(t, "mod1", models.RoleModerator)
	u := ts.User("poster", models.RoleMember)
	posts := func() any {
		_, st := ts.api(t, http.MethodGet, "/api/v1/community/stats", staff, "")
		return st["posts"]
	}
	ts.Thread(u, "help", "First one", "body")
	now = now.Add(time.Second)
	if p := posts(); p != float64(1) {
		t.Fatalf("posts = %v", p)
	}
	ts.Thread(u, "help", "Second one", "body")
	now = now.Add(time.Second)
	if p := posts(); p != float64(1) {
		t.Fatalf("same minute, same rollups: %v, want the cached 1", p)
	}
	now = now.Add(time.Minute)
	if p := posts(); p != float64(2) {
		t.Fatalf("next minute: %v, want 2", p)
	}
	ts.Thread(u, "help", "Third one", "body")
	if err := ts.Svc.RollupDay(ts.Ctx, now.AddDate(0, 0, -1)); err != nil {
		t.Fatal(err)
	}
	if p := posts(); p != float64(3) {
		t.Fatalf("after a rollup: %v, want 3", p)
	}
}

// TestCommunityCategoryWithoutAnswers: a category nobody answered in has
// no time to first response, shown as a dash rather than "0.0 / 0.0".
func TestCommunityCategoryWithoutAnswers(t *testing.T) {
	ts := newTestServer(t)
	now := time.Date(2030, 3, 12, 9, 0, 0, 0, time.UTC)
	ts.Svc.SetClock(func() time.Time { return now })
	ts.Category("help")
	ts.Category("quiet")
	ts.User("moddy", models.RoleModerator)
	asker, helper := ts.User("asker", models.RoleMember), ts.User("helper", models.RoleMember)
	th, _ := ts.Thread(asker, "help", "Answered", "body")
	ts.Thread(asker, "quiet", "Nobody answers", "body")
	now = now.Add(30 * time.Minute)
	ts.Reply(helper, th.ID, "Here you go")
	staff := ts.browser()
	staff.login("moddy")
	r := staff.get("/community?from=2030-03-12&to=2030-03-12")
	help := r.Body[strings.Index(r.Body, `<a href="/c/help">help</a>`):]
	help = help[:strings.Index(help, "</tr>")]
	quiet := r.Body[strings.Index(r.Body, `<a href="/c/quiet">quiet</a>`):]
	quiet = quiet[:strings.Index(quiet, "</tr>")]
	if !strings.Contains(help, "<td>30.0 / 30.0</td>") || strings.Contains(quiet, "0.0 / 0.0") || !strings.Contains(quiet, "—") {
		t.Fatalf("TTFR cells: help %q, quiet %q", help, quiet)
	}
	_, stats := ts.api(t, http.MethodGet, "/api/v1/community/stats?from=2030-03-12&to=2030-03-12", ts.token(t, "mod2", models.RoleModerator), "")
	if stats["answered_threads"] != float64(1) {
		t.Fatalf("answered_threads: %v", stats["answered_threads"])
	}
	// Every table on the dashboard has padded cells in the stylesheet.
	css := staff.get(regexp.MustCompile(`/static/app\.[0-9a-f]{8}\.css`).FindString(r.Body)).Body
	padded := map[string]bool{}
	for _, rule := range regexp.MustCompile(`([^{}]+)\{([^}]*)\}`).FindAllStringSubmatch(css, -1) {
		if strings.Contains(rule[2], "padding") {
			for _, sel := range strings.Split(rule[1], ",") {
				padded[strings.TrimSpace(sel)] = true
			}
		}
	}
	for _, m := range regexp.MustCompile(`<table class="([a-z-]+)"`).FindAllStringSubmatch(r.Body, -1) {
		if !padded["."+m[1]+" td"] {
			t.Errorf("table %s has no cell padding", m[1])
		}
	}
}
