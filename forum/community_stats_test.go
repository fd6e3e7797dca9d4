package forum_test

import (
	"testing"
	"time"

	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

func setJoined(t *testing.T, env *forumtest.Env, u *models.User, at time.Time) {
	t.Helper()
	if err := env.Store.UpdateUserFields(env.Ctx, u.ID, map[string]any{"created_at": at}); err != nil {
		t.Fatal(err)
	}
}

// TestStats: known fixtures give known figures. Three answered threads wait
// 10, 30 and 60 minutes (nearest-rank median 30 min, p90 60 min); a fourth
// has only its author's posts, so a quarter of threads had no response.
func TestStats(t *testing.T) {
	env := forumtest.New(t)
	clk := newClock(env)
	day := time.Date(2030, 3, 12, 0, 0, 0, 0, time.UTC)
	env.Category("help")
	mod := env.User("mod1", models.RoleModerator)
	asker, helper := env.User("asker", models.RoleMember), env.User("helper", models.RoleMember)
	old := env.User("old", models.RoleMember)
	setJoined(t, env, asker, day.Add(time.Hour))
	setJoined(t, env, helper, day.Add(2*time.Hour))
	setJoined(t, env, mod, day.AddDate(0, 0, -60))
	setJoined(t, env, old, day.AddDate(0, 0, -60))

	fixtures := []struct {
		start time.Time
		wait  time.Duration // 0: only the author answers
	}{
		{day.Add(10 * time.Hour), 10 * time.Minute},
		{day.Add(11 * time.Hour), 60 * time.Minute},
		{day.Add(12 * time.Hour), 30 * time.Minute},
		{day.Add(13 * time.Hour), 0},
	}
	for _, f := range fixtures {
		clk.set(f.start)
		th, _ := env.Thread(asker, "help", "A question", "body")
		if f.wait == 0 {
			clk.add(5 * time.Minute)
			env.Reply(asker, th.ID, "anyone?")
			continue
		}
		clk.add(f.wait)
		env.Reply(helper, th.ID, "an answer")
		clk.add(time.Minute)
		env.Reply(mod, th.ID, "a later answer does not change TTFR")
	}
	// The day before: outside a one-day window, inside the default one.
	clk.set(day.Add(-12 * time.Hour))
	env.Thread(old, "help", "Yesterday's question", "body")

	clk.set(day.Add(20 * time.Hour))
	st, err := env.Svc.Stats(env.Ctx, mod, "2030-03-12", "2030-03-12")
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want int64
	}{
		{"threads", st.Threads, 4},
		{"posts", st.Posts, 4 + 3*2 + 1},
		{"new_members", st.NewMembers, 2},
		{"dau", st.DAU, 3},
		{"wau", st.WAU, 4}, // old posted the day before
		{"ttfr_median", st.TTFRMedianSeconds, 1800},
		{"ttfr_p90", st.TTFRP90Seconds, 3600},
		{"remote_replies", st.RemoteReplies, 0},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if st.NoResponseShare != 0.25 {
		t.Errorf("no_response_share = %v, want 0.25", st.NoResponseShare)
	}
	// Default window: the last 30 days, today included.
	if st, err := env.Svc.Stats(env.Ctx, mod, "", ""); err != nil || st.Threads != 5 {
		t.Fatalf("default window: %+v %v", st, err)
	}
	for _, bad := range [][2]string{{"2030-03-13", "2030-03-12"}, {"yesterday", ""}, {"", "2030/03/12"}} {
		if _, err := env.Svc.Stats(env.Ctx, mod, bad[0], bad[1]); !isValidation(err, "from") && !isValidation(err, "to") {
			t.Errorf("stats(%q, %q): %v", bad[0], bad[1], err)
		}
	}
}

// TestEmptyForumZeros: no data is zeros, not errors.
func TestEmptyForumZeros(t *testing.T) {
	env := forumtest.New(t)
	mod := env.User("mod1", models.RoleModerator)
	st, err := env.Svc.Stats(env.Ctx, mod, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if st.Threads != 0 || st.Posts != 0 || st.TTFRMedianSeconds != 0 || st.TTFRP90Seconds != 0 || st.NoResponseShare != 0 || st.RemoteFollowers != 0 {
		t.Fatalf("empty forum: %+v", st)
	}
	cohorts, err := env.Svc.Retention(env.Ctx, mod, 0)
	if err != nil || len(cohorts) != 8 {
		t.Fatalf("retention: %d cohorts, %v", len(cohorts), err)
	}
}

// TestRetention: two cohorts, activity counted once per member per week.
func TestRetention(t *testing.T) {
	env := forumtest.New(t)
	clk := newClock(env)
	env.Category("help")
	mod := env.User("mod1", models.RoleModerator)
	setJoined(t, env, mod, time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC))
	monday := time.Date(2030, 3, 4, 0, 0, 0, 0, time.UTC) // weeks 0,1,2 start 4, 11, 18 March
	var w0, w1 []*models.User
	for _, n := range []string{"a1", "a2"} {
		u := env.User(n, models.RoleMember)
		setJoined(t, env, u, monday.Add(24*time.Hour))
		w0 = append(w0, u)
	}
	for _, n := range []string{"b1", "b2", "b3", "b4"} {
		u := env.User(n, models.RoleMember)
		setJoined(t, env, u, monday.AddDate(0, 0, 8))
		w1 = append(w1, u)
	}
	post := func(u *models.User, at time.Time) {
		clk.set(at)
		env.Thread(u, "help", "Being active", "body")
	}
	post(w0[0], monday.AddDate(0, 0, 2))  // joining week: not counted
	post(w0[0], monday.AddDate(0, 0, 9))  // week 1
	post(w0[0], monday.AddDate(0, 0, 10)) // week 1 again: once
	post(w0[0], monday.AddDate(0, 0, 15)) // week 2
	post(w0[1], monday.AddDate(0, 0, 16)) // week 2
	post(w1[0], monday.AddDate(0, 0, 14)) // week 2

	clk.set(monday.AddDate(0, 0, 16).Add(12 * time.Hour)) // Wednesday of week 2
	cohorts, err := env.Svc.Retention(env.Ctx, mod, 3)
	if err != nil || len(cohorts) != 3 {
		t.Fatalf("retention: %+v %v", cohorts, err)
	}
	want := []struct {
		start     time.Time
		members   int
		retention []float64
	}{
		{monday, 2, []float64{0.5, 1}},
		{monday.AddDate(0, 0, 7), 4, []float64{0.25}},
		{monday.AddDate(0, 0, 14), 0, []float64{}},
	}
	for i, w := range want {
		c := cohorts[i]
		if !c.WeekStart.Equal(w.start) || c.Members != w.members || len(c.Retention) != len(w.retention) {
			t.Fatalf("cohort %d: %+v, want %+v", i, c, w)
		}
		for k := range w.retention {
			if c.Retention[k] != w.retention[k] {
				t.Errorf("cohort %d week +%d: %v, want %v", i, k+1, c.Retention[k], w.retention[k])
			}
		}
	}
	if _, err := env.Svc.Retention(env.Ctx, mod, 53); !isValidation(err, "weeks") {
		t.Fatalf("53 weeks: %v", err)
	}
}
