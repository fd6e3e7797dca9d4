package forum_test

import (
	"testing"
	"time"

	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// TestLogoutKeepsActivity: logging out deletes the session row, but the
// member stays active for the day — live (whole and partial + delta) and
// once the day is rolled up — and a session started the day before and
// used today counts for both days.
func TestLogoutKeepsActivity(t *testing.T) {
	env := forumtest.New(t)
	clk := newClock(env)
	day := time.Date(2030, 3, 12, 0, 0, 0, 0, time.UTC)
	mod := env.User("mod1", models.RoleModerator)
	brief, visitor := env.User("brief", models.RoleMember), env.User("visitor", models.RoleMember)
	for _, u := range []*models.User{mod, brief, visitor} {
		setJoined(t, env, u, day.AddDate(0, 0, -60))
	}
	session := func(u *models.User, at time.Time) string {
		clk.set(at)
		secret, err := env.Svc.StartSession(env.Ctx, u.ID, "127.0.0.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	browse := func(secret string, at time.Time) {
		clk.set(at)
		if _, err := env.Svc.SessionUser(env.Ctx, secret); err != nil {
			t.Fatal(err)
		}
	}
	logout := func(secret string, at time.Time) {
		clk.set(at)
		if err := env.Svc.EndSession(env.Ctx, secret); err != nil {
			t.Fatal(err)
		}
	}
	// visitor signs in late the day before and comes back this morning.
	v := session(visitor, day.Add(-30*time.Minute))
	browse(v, day.Add(10*time.Hour))
	logout(v, day.Add(10*time.Hour+5*time.Minute))
	// brief signs in, reads, and logs out.
	b := session(brief, day.Add(9*time.Hour))
	browse(b, day.Add(9*time.Hour+10*time.Minute))
	logout(b, day.Add(9*time.Hour+30*time.Minute))

	dau := func(when time.Time, key string) int64 {
		t.Helper()
		clk.set(when)
		st, err := env.Svc.Stats(env.Ctx, mod, key, key)
		if err != nil {
			t.Fatal(err)
		}
		return st.DAU
	}
	if n := dau(day.Add(11*time.Hour), "2030-03-12"); n != 2 {
		t.Errorf("today live after logout: dau %d, want 2", n)
	}
	clk.set(day.Add(12 * time.Hour))
	if ok, err := env.Svc.RefreshTodayPartial(env.Ctx); err != nil || !ok {
		t.Fatalf("partial: %v %v", ok, err)
	}
	if n := dau(day.Add(12*time.Hour+30*time.Minute), "2030-03-12"); n != 2 {
		t.Errorf("today from partial after logout: dau %d, want 2", n)
	}
	clk.set(day.Add(25 * time.Hour))
	for _, d := range []time.Time{day.AddDate(0, 0, -1), day} {
		if err := env.Svc.RollupDay(env.Ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if n := dau(day.Add(25*time.Hour), "2030-03-12"); n != 2 {
		t.Errorf("rolled-up day after logout: dau %d, want 2", n)
	}
	if n := dau(day.Add(25*time.Hour), "2030-03-11"); n != 1 {
		t.Errorf("the day before (visitor signed in): dau %d, want 1", n)
	}
}
