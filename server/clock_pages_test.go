package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/models"
)

// TestPagesDateByTheServiceClock: what a page dates by itself (a report's
// default window, an empty feed's update time) follows the service's clock,
// so a test that moves it sees the same day the domain does.
func TestPagesDateByTheServiceClock(t *testing.T) {
	ts := newTestServer(t)
	day := ts.Svc.Now().AddDate(0, 3, 0).Truncate(24 * time.Hour)
	now := day.Add(9 * time.Hour)
	ts.Svc.SetClock(func() time.Time { return now })
	ts.Category("quiet")
	ts.User("chief", models.RoleAdmin)
	admin := ts.browser()
	admin.login("chief")
	for _, tc := range []struct {
		name, path string
		b          *browser
		want       []string
	}{
		{"ambassador report window", "/mod/ambassadors", admin, []string{
			`name="from" value="` + day.AddDate(0, 0, -6).Format("2006-01-02") + `"`,
			`name="to" value="` + day.AddDate(0, 0, 1).Format("2006-01-02") + `"`,
		}},
		{"empty feed", "/c/quiet/feed.atom", ts.browser(), []string{
			"<updated>" + now.Format(time.RFC3339) + "</updated>",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.b.get(tc.path)
			if r.StatusCode != 200 {
				t.Fatalf("%s: %d", tc.path, r.StatusCode)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.Body, w) {
					t.Errorf("%s lacks %s", tc.path, w)
				}
			}
		})
	}
}
