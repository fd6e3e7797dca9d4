package forum_test

import (
	"testing"
	"time"

	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// BenchmarkSessionUserSameDay is a signed-in page request's session check
// once the day's seen row is written: read-only, as before member_seen_days.
func BenchmarkSessionUserSameDay(b *testing.B) {
	env := forumtest.New(b)
	clk := newClock(env)
	clk.set(time.Date(2030, 3, 12, 9, 0, 0, 0, time.UTC))
	u := env.User("reader", models.RoleMember)
	secret, err := env.Svc.StartSession(env.Ctx, u.ID, "127.0.0.1", "bench")
	if err != nil {
		b.Fatal(err)
	}
	clk.add(time.Minute)
	for b.Loop() {
		if _, err := env.Svc.SessionUser(env.Ctx, secret); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSessionUserNewDay is the first request of a day: it writes the
// seen row and touches the session (once per session per day).
func BenchmarkSessionUserNewDay(b *testing.B) {
	env := forumtest.New(b)
	clk := newClock(env)
	clk.set(time.Date(2030, 3, 12, 9, 0, 0, 0, time.UTC))
	u := env.User("reader", models.RoleMember)
	secret, err := env.Svc.StartSession(env.Ctx, u.ID, "127.0.0.1", "bench")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		clk.add(24 * time.Hour)
		if _, err := env.Svc.SessionUser(env.Ctx, secret); err != nil {
			b.Fatal(err)
		}
	}
}
