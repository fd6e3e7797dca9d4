package forum_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// spreadDays is how many past days the catch-up forum has posts on.
const spreadDays = 20

// catchUpForum writes a thread or a reply on each of spreadDays days from
// 2030-03-01, by four members in turn (so weekly and monthly active counts
// depend on the days before), and leaves the clock at noon the day after.
func catchUpForum(t *testing.T) (*forumtest.Env, time.Time) {
	env := forumtest.New(t)
	clk := newClock(env)
	day := time.Date(2030, 3, 1, 0, 0, 0, 0, time.UTC)
	clk.set(day)
	env.Category("help")
	var users []*models.User
	for i := range 4 {
		users = append(users, env.User(fmt.Sprintf("member%d", i), models.RoleMember))
	}
	var last int64
	for i := range spreadDays {
		clk.set(day.AddDate(0, 0, i).Add(time.Duration(9+i%5) * time.Hour))
		if i%3 == 0 {
			th, _ := env.Thread(users[i%4], "help", fmt.Sprintf("Question %d", i), "body")
			last = th.ID
			continue
		}
		env.Reply(users[(i*3)%4], last, fmt.Sprintf("answer %d", i))
	}
	today := day.AddDate(0, 0, spreadDays).Add(12 * time.Hour)
	clk.set(today)
	return env, today
}

type afterCall struct {
	d    time.Duration
	fire chan time.Time
}

// TestRollupCatchUpSpreadsOverPasses: RunRollups computes at most
// DaysPerPass days at start and as many per later pass, asks for the next
// pass after CatchUpEvery while days remain and after Every once caught
// up, and ends with exactly the rows one pass over every day writes.
func TestRollupCatchUpSpreadsOverPasses(t *testing.T) {
	env, today := catchUpForum(t)
	const perPass = 6
	sched := forum.RollupSchedule{Every: time.Hour, CatchUpEvery: 2 * time.Minute, DaysPerPass: perPass}
	var released atomic.Int32 // AfterPass runs once per pass that computed days
	sched.AfterPass = func() { released.Add(1) }
	calls := make(chan afterCall)
	sched.After = func(d time.Duration) <-chan time.Time {
		c := make(chan time.Time, 1)
		calls <- afterCall{d, c}
		return c
	}
	ctx, cancel := context.WithCancel(env.Ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		env.Svc.RunRollups(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), sched)
	}()
	defer func() { cancel(); <-done }()

	from, to := "2030-03-01", today.AddDate(0, 0, -1).Format("2006-01-02")
	computed := func() int {
		m, err := env.Store.RollupComputed(env.Ctx, from, to)
		if err != nil {
			t.Fatal(err)
		}
		return len(m)
	}
	passes := 0
	for caughtUp := false; !caughtUp; {
		c := <-calls // the worker waits here until the test answers
		switch c.d {
		case time.Minute: // today's partial: not what this test drives
			continue
		case sched.CatchUpEvery:
			passes++
			if got, want := computed(), passes*perPass; got != want {
				t.Fatalf("after pass %d: %d days computed, want %d", passes, got, want)
			}
			if got := int(released.Load()); got != passes {
				t.Fatalf("after pass %d: AfterPass ran %d times", passes, got)
			}
			c.fire <- today
		case sched.Every:
			passes++
			if got := computed(); got != spreadDays {
				t.Fatalf("caught up after pass %d with %d days computed, want %d", passes, got, spreadDays)
			}
			if got := int(released.Load()); got != passes {
				t.Fatalf("caught up after pass %d: AfterPass ran %d times", passes, got)
			}
			caughtUp = true
		default:
			t.Fatalf("worker asked to wait %v", c.d)
		}
	}
	if want := (spreadDays + perPass - 1) / perPass; passes != want {
		t.Fatalf("%d passes, want %d", passes, want)
	}
	cancel()
	for { // let the worker see ctx end even if it is asking for a timer
		select {
		case <-done:
		case <-calls:
			continue
		}
		break
	}

	once, _ := catchUpForum(t)
	if n, more, err := once.Svc.RollupPending(once.Ctx, 0); err != nil || more || n != spreadDays {
		t.Fatalf("one pass: %d days, more %v, %v", n, more, err)
	}
	if got, want := rollupRows(t, env), rollupRows(t, once); !reflect.DeepEqual(got, want) {
		t.Fatalf("spread catch-up wrote\n%+v\none pass wrote\n%+v", got, want)
	}
}

// rollupRows reads every rollup table in key order.
func rollupRows(t *testing.T, env *forumtest.Env) []any {
	t.Helper()
	var (
		stats   []models.DailyStat
		contrib []models.DailyContributor
		inst    []models.DailyInstance
		resp    []models.ThreadResponse
		days    []models.MemberActivityDay
		weeks   []models.MemberActivityWeek
		last    []models.MemberLastActive
		firsts  []models.MemberFirstPost
	)
	db := env.Store.DB(env.Ctx)
	for _, q := range []struct {
		dest  any
		order string
	}{
		{&stats, "day, category_id"}, {&contrib, "day, user_id"}, {&inst, "day, domain"},
		{&resp, "thread_id"}, {&days, "day, user_id"}, {&weeks, "week, user_id"},
		{&last, "user_id"}, {&firsts, "user_id"},
	} {
		if err := db.Order(q.order).Find(q.dest).Error; err != nil {
			t.Fatal(err)
		}
	}
	if len(stats) == 0 || len(days) == 0 {
		t.Fatal("no rollup rows")
	}
	return []any{stats, contrib, inst, resp, days, weeks, last, firsts}
}

// TestRollupPendingLimit: a limited pass stops at the limit and says more
// days wait; the next pass goes on from there.
func TestRollupPendingLimit(t *testing.T) {
	env, _ := catchUpForum(t)
	for i, want := range []struct {
		n    int
		more bool
	}{{8, true}, {8, true}, {4, false}} {
		n, more, err := env.Svc.RollupPending(env.Ctx, 8)
		if err != nil || n != want.n || more != want.more {
			t.Fatalf("pass %d: %d days, more %v, %v; want %d, %v", i+1, n, more, err, want.n, want.more)
		}
	}
}
