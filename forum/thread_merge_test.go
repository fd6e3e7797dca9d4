package forum_test

import (
	"testing"
	"time"

	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// mergePair is two threads about to be merged, with replies interleaved in
// time: into's posts are q1, r1, r3 (numbers 1-3), from's q2, r2, r4
// (1-3); merged they are q1 q2 r1 r2 r3 r4 (1-6).
type mergePair struct {
	into, from       *models.Thread
	r1, r2, r3, r4   *models.Post
	intoQ, fromQ     *models.Post
	intoUser, fromBy *models.User
}

func newMergePair(t *testing.T, e *forumtest.Env, clk *clock, tag string) *mergePair {
	t.Helper()
	a := e.User("asker_"+tag, models.RoleMember)
	b := e.User("dup_"+tag, models.RoleMember)
	r := e.User("helper_"+tag, models.RoleMember)
	mp := &mergePair{intoUser: a, fromBy: b}
	mp.into, mp.intoQ = e.Thread(a, "general", "Original "+tag, "q1")
	clk.add(time.Minute)
	mp.from, mp.fromQ = e.Thread(b, "general", "Duplicate "+tag, "q2")
	clk.add(time.Minute)
	mp.r1 = e.Reply(r, mp.into.ID, "r1")
	clk.add(time.Minute)
	mp.r2 = e.Reply(r, mp.from.ID, "r2")
	clk.add(time.Minute)
	mp.r3 = e.Reply(r, mp.into.ID, "r3")
	clk.add(time.Minute)
	mp.r4 = e.Reply(r, mp.from.ID, "r4")
	clk.add(time.Minute)
	return mp
}

func TestMergeMovesSolutionAssignmentAndBookmarks(t *testing.T) {
	e := forumtest.New(t)
	clk := newClock(e)
	clk.set(time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC))
	e.Category("general")
	mod := e.User("moddy", models.RoleModerator)
	e.User("keeper", models.RoleModerator)
	e.User("mover", models.RoleModerator)
	due := clk.Now().Add(time.Hour)

	// A: the target has neither solution nor assignment, so the source's move.
	a := newMergePair(t, e, clk, "a")
	if _, err := e.Svc.MarkSolution(e.Ctx, a.fromBy, a.r2.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Svc.Assign(e.Ctx, mod, a.from.ID, "mover", &due); err != nil {
		t.Fatal(err)
	}
	// B: the target has both, and keeps its own.
	b := newMergePair(t, e, clk, "b")
	for _, th := range []struct {
		th   *models.Thread
		by   *models.User
		post *models.Post
		who  string
	}{{b.into, b.intoUser, b.r3, "keeper"}, {b.from, b.fromBy, b.r4, "mover"}} {
		if _, err := e.Svc.MarkSolution(e.Ctx, th.by, th.post.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.Svc.Assign(e.Ctx, mod, th.th.ID, th.who, &due); err != nil {
			t.Fatal(err)
		}
	}
	carol, dave := e.User("carol", models.RoleMember), e.User("dave", models.RoleMember)
	for _, bm := range []struct {
		u  *models.User
		th int64
	}{{carol, a.from.ID}, {dave, a.from.ID}, {dave, a.into.ID}} {
		if err := e.Svc.SetBookmark(e.Ctx, bm.u, bm.th, true); err != nil {
			t.Fatal(err)
		}
	}

	for _, mp := range []*mergePair{a, b} {
		if err := e.Svc.MergeThreads(e.Ctx, mod, mp.from.ID, mp.into.ID, "duplicate"); err != nil {
			t.Fatal(err)
		}
	}
	solution := func(th int64) int64 {
		sol, err := e.Store.SolutionOf(e.Ctx, th)
		if err != nil {
			t.Fatalf("solution of %d: %v", th, err)
		}
		return sol.PostID
	}
	assignee := func(th int64) string {
		as, err := e.Store.AssignmentsFor(e.Ctx, []int64{th})
		if err != nil || as[th] == nil {
			t.Fatalf("assignment of %d: %v", th, err)
		}
		u, _ := e.Store.UserByID(e.Ctx, as[th].AssigneeID)
		return u.Username
	}
	if got := solution(a.into.ID); got != a.r2.ID {
		t.Fatalf("A: solution %d, want the source's %d", got, a.r2.ID)
	}
	if got := assignee(a.into.ID); got != "mover" {
		t.Fatalf("A: assigned to %s, want the source's mover", got)
	}
	if got := solution(b.into.ID); got != b.r3.ID {
		t.Fatalf("B: solution %d, want the target's own %d", got, b.r3.ID)
	}
	if got := assignee(b.into.ID); got != "keeper" {
		t.Fatalf("B: assigned to %s, want the target's keeper", got)
	}
	tp, err := e.Svc.ThreadPage(e.Ctx, nil, a.into.ID, 1)
	if err != nil || tp.SolutionPostID != a.r2.ID {
		t.Fatalf("A's page shows solution %v (%v)", tp, err)
	}
	for _, u := range []*models.User{carol, dave} {
		bms, err := e.Svc.Bookmarks(e.Ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if len(bms) != 1 || bms[0].Thread.ID != a.into.ID {
			t.Fatalf("%s's bookmarks after merge: %+v", u.Username, bms)
		}
	}
}

func TestMergeCarriesLevelsAndReadMarks(t *testing.T) {
	e := forumtest.New(t)
	clk := newClock(e)
	clk.set(time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC))
	e.Category("general")
	mod := e.User("moddy", models.RoleModerator)
	mp := newMergePair(t, e, clk, "x")
	set := func(u *models.User, th int64, level string) {
		t.Helper()
		if _, err := e.Svc.SetThreadLevel(e.Ctx, u, th, level); err != nil {
			t.Fatal(err)
		}
	}
	read := func(u *models.User, th int64, n int) {
		t.Helper()
		if err := e.Store.MarkThreadRead(e.Ctx, u.ID, th, n, clk.Now()); err != nil {
			t.Fatal(err)
		}
	}
	erin := e.User("erin", models.RoleMember)   // muted the source only
	frank := e.User("frank", models.RoleMember) // chose watching on the target, muted the source
	gina := e.User("gina", models.RoleMember)   // read the target (no choice there), muted the source
	hank := e.User("hank", models.RoleMember)   // read both, chose nothing
	ivy := e.User("ivy", models.RoleMember)     // read the source only
	set(erin, mp.from.ID, models.LevelMuted)
	set(frank, mp.into.ID, models.LevelWatching)
	set(frank, mp.from.ID, models.LevelMuted)
	read(gina, mp.into.ID, 3)
	set(gina, mp.from.ID, models.LevelMuted)
	read(hank, mp.into.ID, 3) // q1 r1 r3: up to r3, now number 5
	read(hank, mp.from.ID, 2) // q2 r2: up to r2, now number 4
	read(ivy, mp.from.ID, 1)  // q2, now number 2
	// The source's author watches it automatically (posting follows).

	if err := e.Svc.MergeThreads(e.Ctx, mod, mp.from.ID, mp.into.ID, "duplicate"); err != nil {
		t.Fatal(err)
	}
	row := func(u *models.User) *models.NotificationLevel {
		t.Helper()
		r, err := e.Store.NotificationLevelOf(e.Ctx, u.ID, models.TargetThread, mp.into.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r == nil {
			return &models.NotificationLevel{}
		}
		return r
	}
	for _, c := range []struct {
		u     *models.User
		level string
		mark  int
	}{
		{erin, models.LevelMuted, 0},
		{frank, models.LevelWatching, 0},
		{gina, models.LevelMuted, 5},
		{hank, models.LevelNone, 4},
		{ivy, models.LevelNone, 2},
		{mp.fromBy, models.LevelWatching, 2}, // wrote q2, now number 2
		{mp.intoUser, models.LevelWatching, 1},
	} {
		r := row(c.u)
		if r.Level != c.level || r.LastRead != c.mark {
			t.Errorf("%s on the merged thread: level %q mark %d, want %q %d", c.u.Username, r.Level, r.LastRead, c.level, c.mark)
		}
	}
	var left int64
	e.Store.DB(e.Ctx).Model(&models.NotificationLevel{}).Where("target_kind = ? AND target_id = ?", models.TargetThread, mp.from.ID).Count(&left)
	if left != 0 {
		t.Fatalf("%d level rows left on the merged-away thread", left)
	}
	// Muted members hear nothing of the merged thread; its source's
	// author, who watched the source, hears of new posts.
	e.Reply(e.User("late", models.RoleMember), mp.into.ID, "one more")
	for _, c := range []struct {
		u    *models.User
		want int
	}{{erin, 0}, {gina, 0}, {mp.fromBy, 1}} {
		l, err := e.Svc.Notifications(e.Ctx, c.u, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, it := range l.Items {
			if it.Kind == models.NotifyPosted {
				n++
			}
		}
		if n != c.want {
			t.Errorf("%s got %d new-post notifications, want %d", c.u.Username, n, c.want)
		}
	}
}
