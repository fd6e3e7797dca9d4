package forum_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// TestRetentionCountsEqualLive: four weekly cohorts (weeks of 4, 11, 18 and
// 25 March 2030; today is Wednesday 27 March), members active by posts and
// by a session, some in the same week on rolled-up days and today. The
// cohorts are the same computed wholly live, with the current week half
// rolled up, fully rolled up (read from cohort_weeks), and after a day is
// rolled up again; and cohort_weeks always equals grouping the activity
// rows it counts.
func TestRetentionCountsEqualLive(t *testing.T) {
	env := forumtest.New(t)
	clk := newClock(env)
	env.Category("help")
	monday := time.Date(2030, 3, 4, 0, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return monday.AddDate(0, 0, n).Add(10 * time.Hour) }
	today := day(23)
	mod := env.User("mod1", models.RoleModerator)
	setJoined(t, env, mod, time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC))
	joined := map[string]time.Time{"a1": day(1), "a2": day(1), "a3": day(2), "b1": day(8), "b2": day(9), "c1": day(15), "d1": day(21),
		"old": time.Date(2029, 6, 1, 0, 0, 0, 0, time.UTC)}
	users := map[string]*models.User{}
	for _, n := range []string{"a1", "a2", "a3", "b1", "b2", "c1", "d1", "old"} {
		users[n] = env.User(n, models.RoleMember)
		setJoined(t, env, users[n], joined[n])
	}
	post := func(name string, at time.Time) {
		clk.set(at)
		env.Thread(users[name], "help", "Being active", "body")
	}
	post("a1", day(2))  // own week: not counted
	post("a1", day(8))  // week +1
	post("a1", day(9))  // week +1 again: once
	post("a1", day(16)) // +2
	post("a1", day(21)) // +3, a rolled-up day of the current week…
	post("a1", today)   // …and today: once
	post("a2", day(15))
	post("a2", today)
	post("a3", day(22))
	post("b1", day(14))
	post("b1", day(21))
	post("b1", today)
	clk.set(day(16))
	if _, err := env.Svc.StartSession(env.Ctx, users["b2"].ID, "127.0.0.1", "test"); err != nil { // active by session only
		t.Fatal(err)
	}
	post("b2", today)
	post("c1", day(22))
	post("d1", today)  // own week
	post("old", today) // no cohort

	clk.set(today.Add(2 * time.Hour))
	want := []forum.Cohort{
		{WeekStart: monday, Members: 3, Retention: []float64{1.0 / 3, 2.0 / 3, 1}},
		{WeekStart: monday.AddDate(0, 0, 7), Members: 2, Retention: []float64{1, 1}},
		{WeekStart: monday.AddDate(0, 0, 14), Members: 1, Retention: []float64{1}},
		{WeekStart: monday.AddDate(0, 0, 21), Members: 1, Retention: []float64{}},
	}
	check := func(what string) {
		t.Helper()
		got, err := env.Svc.Retention(env.Ctx, mod, 4)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
		}
		var grouped, counted []models.CohortCount
		db := env.Store.DB(env.Ctx)
		if err := db.Raw(`SELECT join_week, week, COUNT(*) AS n FROM member_activity_weeks WHERE week > join_week
			GROUP BY join_week, week ORDER BY join_week, week`).Scan(&grouped).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Raw(`SELECT join_week, week, members AS n FROM cohort_weeks WHERE members > 0
			ORDER BY join_week, week`).Scan(&counted).Error; err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(grouped, counted) {
			t.Errorf("%s: cohort_weeks %+v, activity rows grouped %+v", what, counted, grouped)
		}
	}
	check("all live")
	rollup := func(from, to int) {
		t.Helper()
		if _, _, err := env.Svc.RollupRange(env.Ctx, monday.AddDate(0, 0, from), monday.AddDate(0, 0, to)); err != nil {
			t.Fatal(err)
		}
	}
	rollup(0, 21) // the current week's Monday rolled up, Tuesday and today live
	check("current week half rolled up")
	rollup(22, 22)
	check("all past days rolled up")
	clk.add(time.Hour)
	rollup(21, 21)
	check("a day rolled up again")
}
