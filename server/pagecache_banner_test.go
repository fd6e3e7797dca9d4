package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// TestAnonymousCacheFollowsTheBanner: the banner is read with the page's
// version in one query; a cached logged-out thread or category page must
// still show a new banner, a retitled one and none once it has run out, on
// the very next request.
func TestAnonymousCacheFollowsTheBanner(t *testing.T) {
	ts := newTestServer(t)
	now := time.Date(2030, 6, 1, 9, 0, 0, 0, time.UTC)
	ts.Svc.SetClock(func() time.Time { return now })
	ts.Category("general")
	ts.Category("news")
	admin := ts.User("boss", models.RoleAdmin)
	th, _ := ts.Thread(ts.User("writer", models.RoleMember), "general", "An ordinary thread", "ordinary words")
	anon := ts.browser()
	pages := []string{fmt.Sprintf("/t/%d", th.ID), "/c/general"}

	check := func(step, want, cache string) {
		t.Helper()
		for _, p := range pages {
			r := anon.get(p)
			if !strings.Contains(r.Body, "An ordinary thread") {
				t.Fatalf("%s: %s: page missing", step, p)
			}
			banner := ""
			if i := strings.Index(r.Body, `class="site-banner"`); i >= 0 {
				banner = r.Body[i:min(len(r.Body), i+300)]
			}
			if want == "" && banner != "" || want != "" && !strings.Contains(banner, want) {
				t.Fatalf("%s: %s: banner %q, want %q", step, p, banner, want)
			}
			if got := r.Header.Get("X-Hearth-Cache"); cache != "" && got != cache {
				t.Fatalf("%s: %s: cache %q, want %q", step, p, got, cache)
			}
		}
	}
	check("first view", "", "miss")
	check("second view", "", "hit")

	st, err := ts.Svc.ScheduleThread(ts.Ctx, admin, forum.ScheduleInput{
		NewThread:   forum.NewThread{Category: "news", Title: "Meetup on Friday", Body: "Come along."},
		BannerUntil: "2030-06-03T00:00:00Z"})
	if err != nil || st.ThreadID == nil {
		t.Fatalf("announce: %+v %v", st, err)
	}
	check("banner up", "Meetup on Friday", "miss")
	check("banner up, again", "Meetup on Friday", "hit")

	if _, err := ts.Svc.EditThreadMeta(ts.Ctx, admin, *st.ThreadID, "Meetup moved to Saturday", nil); err != nil {
		t.Fatal(err)
	}
	check("banner retitled", "Meetup moved to Saturday", "miss")

	now = time.Date(2030, 6, 3, 0, 0, 1, 0, time.UTC)
	// The page from before the banner may come back from the cache: it is
	// what the page shows again.
	check("banner ran out", "", "")
}
