package forum_test

import (
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// TestNeedsResponseAfter: the grace time before an unanswered thread joins
// the needs-response queue is the configured one; 0s lists a thread the
// moment it is posted, and an unset value keeps the default.
func TestNeedsResponseAfter(t *testing.T) {
	dur := func(d time.Duration) *time.Duration { return &d }
	for _, tc := range []struct {
		name string
		set  *time.Duration
		wait time.Duration // the thread is listed from exactly this age
	}{
		{"unset keeps the default", nil, forum.DefaultNeedsResponseWait},
		{"0s lists at once", dur(0), 0},
		{"2h waits two hours", dur(2 * time.Hour), 2 * time.Hour},
		{"90s", dur(90 * time.Second), 90 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := forumtest.New(t)
			cfg := env.Cfg
			cfg.NeedsResponseAfter = tc.set
			if err := cfg.Normalize(); err != nil {
				t.Fatal(err)
			}
			env.Svc = forum.New(env.Store, cfg)
			env.Svc.BcryptCost = 4
			// Any start works: the thread's age is what counts.
			now := time.Now().UTC().Truncate(time.Second)
			env.Svc.SetClock(func() time.Time { return now })

			env.Category("help")
			mod, asker := env.User("mod1", models.RoleModerator), env.User("asker", models.RoleMember)
			th, _ := env.Thread(asker, "help", "Anyone there?", "body")
			listed := func() bool {
				t.Helper()
				page, err := env.Svc.NeedsResponse(env.Ctx, mod, "", "")
				if err != nil {
					t.Fatal(err)
				}
				return len(page.Items) == 1 && page.Items[0].Thread.ID == th.ID
			}
			if tc.wait > 0 {
				now = now.Add(tc.wait - time.Second)
				if listed() {
					t.Fatalf("listed %s before the %s wait ended", time.Second, tc.wait)
				}
				now = now.Add(time.Second)
			}
			if !listed() {
				t.Fatalf("not listed once %s had passed", tc.wait)
			}
		})
	}
}
