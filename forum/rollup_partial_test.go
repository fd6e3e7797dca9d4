package forum_test

import (
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// partialForum is a forum on 2030-03-12 with today's partial refreshed at
// 12:01 (so it counts what was written before T = 12:00) and more written
// after T. It returns the threads and posts the scenarios change later.
type partialForum struct {
	env                 *forumtest.Env
	clk                 *clock
	mod, amb, oldA      *models.User
	day, t              time.Time
	threadC, threadE    *models.Thread
	answerF, answerE    *models.Post // first answers written before T
	remoteR1            *models.User
	threadY1, threadY2  *models.Thread
	firstOfY1, replyOfB *models.Post
}

func newPartialForum(t *testing.T) *partialForum {
	env := forumtest.New(t)
	clk := newClock(env)
	day := time.Date(2030, 3, 12, 0, 0, 0, 0, time.UTC)
	f := &partialForum{env: env, clk: clk, day: day, t: day.Add(12 * time.Hour)}
	env.Category("help")
	env.Category("ideas")
	at := func(h, m int) { clk.set(day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)) }
	at(-100, 0)
	f.mod = env.User("mod1", models.RoleModerator)
	f.amb = env.User("amb", models.RoleAmbassador)
	f.oldA = env.User("olda", models.RoleMember)
	oldB, oldC, oldD := env.User("oldb", models.RoleMember), env.User("oldc", models.RoleMember), env.User("oldd", models.RoleMember)
	for _, u := range []*models.User{f.mod, f.amb, f.oldA, oldB, oldC, oldD} {
		setJoined(t, env, u, day.AddDate(0, 0, -60))
	}
	n1, n2, n3, n4 := env.User("n1", models.RoleMember), env.User("n2", models.RoleMember), env.User("n3", models.RoleMember), env.User("n4", models.RoleMember)
	for i, u := range []*models.User{n1, n2, n3, n4} {
		setJoined(t, env, u, day.Add(time.Duration(i+1)*time.Hour))
	}
	f.remoteR1 = env.RemoteUser("r1", "remote.example")
	r2 := env.RemoteUser("r2", "other.example")
	note := func(i int) forum.RemoteNote {
		return forum.RemoteNote{APID: fmt.Sprintf("https://remote.example/notes/%d", i), HTML: "<p>hello from afar</p>"}
	}
	remote := func(u *models.User, th *models.Thread, i int) *models.Post {
		t.Helper()
		p, err := env.Svc.ReplyFromRemote(env.Ctx, u, th.ID, 0, note(i))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}

	// Yesterday: Y1 answered, Y2 only by its author.
	at(-14, 0)
	f.threadY1, f.firstOfY1 = env.Thread(f.oldA, "help", "Yesterday's answered", "body")
	at(-13, 0)
	env.Reply(oldB, f.threadY1.ID, "answered yesterday")
	at(-12, 0)
	f.threadY2, _ = env.Thread(f.oldA, "ideas", "Yesterday's open", "body")

	// Today before T.
	at(8, 0)
	threadA, _ := env.Thread(n1, "help", "Newcomer one", "body") // n1's first post
	at(8, 30)
	threadB, _ := env.Thread(n2, "ideas", "Newcomer two", "body") // n2's first post, answered after T
	at(9, 0)
	env.Reply(f.amb, threadA.ID, "welcome") // first answer to A, welcomes n1
	at(9, 10)
	env.Reply(f.oldA, f.threadY2.ID, "bump") // the author: no answer
	at(9, 20)
	remote(f.remoteR1, f.threadY1, 1) // Y1 was answered yesterday
	at(9, 25)
	f.threadC, _ = env.Thread(f.oldA, "help", "Thread C", "body")
	at(9, 40)
	env.Reply(f.mod, f.threadC.ID, "answer to C")
	at(10, 0)
	env.Reply(n3, f.threadY2.ID, "n3's first post answers Y2 today")
	at(10, 30)
	f.threadE, _ = env.Thread(oldB, "ideas", "Thread E", "body")
	at(11, 10)
	threadF, _ := env.Thread(oldB, "help", "Thread F", "body")
	at(11, 20)
	f.answerF = env.Reply(f.amb, threadF.ID, "answer to F")
	at(11, 30)
	f.answerE = env.Reply(f.oldA, f.threadE.ID, "answer to E")
	at(11, 40)
	if _, err := env.Svc.StartSession(env.Ctx, oldC.ID, "127.0.0.1", "test"); err != nil {
		t.Fatal(err)
	}
	// Yesterday is rolled up; the worker refreshes today's partial at 12:01.
	at(12, 1)
	if err := env.Svc.RollupDay(env.Ctx, day.AddDate(0, 0, -1)); err != nil {
		t.Fatal(err)
	}
	if ok, err := env.Svc.RefreshTodayPartial(env.Ctx); err != nil || !ok {
		t.Fatalf("refresh partial = %v, %v", ok, err)
	}

	// After T.
	at(12, 10)
	f.replyOfB = env.Reply(f.amb, threadB.ID, "welcome, n2") // answers n2's first post from before T
	at(12, 15)
	remote(r2, f.threadE, 2) // E was answered before T
	at(12, 20)
	env.Reply(f.mod, f.threadY2.ID, "Y2 was answered before T")
	at(12, 22)
	env.Reply(oldC, f.threadY1.ID, "not a first answer: Y1 was answered yesterday")
	at(12, 25)
	env.Reply(oldD, threadF.ID, "a second answer to F")
	at(12, 30)
	threadG, _ := env.Thread(n4, "ideas", "Newcomer four", "body") // after T
	at(12, 40)
	remote(f.remoteR1, threadG, 3) // first answer to G, a thread started after T
	at(12, 45)
	if _, err := env.Svc.StartSession(env.Ctx, oldD.ID, "127.0.0.1", "test"); err != nil {
		t.Fatal(err)
	}
	cat, err := env.Store.CategoryBySlug(env.Ctx, "ideas")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.AddFollower(env.Ctx, &models.Follower{LocalActorType: models.ActorTypeCategory, LocalActorID: cat.ID,
		RemoteActorID: 1, CreatedAt: clk.Now()}); err != nil {
		t.Fatal(err)
	}
	at(13, 0)
	return f
}

// stats computes the default window (30 days ending today) and a one-day
// window of today, as the dashboard does.
func (f *partialForum) stats(t *testing.T) []*forum.CommunityStats {
	t.Helper()
	var out []*forum.CommunityStats
	for _, w := range [][2]string{{"", ""}, {dayKeyOf(f.clk.Now()), dayKeyOf(f.clk.Now())}} {
		st, err := f.env.Svc.Stats(f.env.Ctx, f.mod, w[0], w[1])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, st)
	}
	return out
}

// live computes the same figures with no partial stored.
func (f *partialForum) live(t *testing.T) []*forum.CommunityStats {
	t.Helper()
	if err := f.env.Store.DeleteDayPartials(f.env.Ctx); err != nil {
		t.Fatal(err)
	}
	return f.stats(t)
}

// usable reports whether today's stored partial may be used now.
func (f *partialForum) usable(t *testing.T) bool {
	t.Helper()
	p, err := f.env.Store.DayPartialFor(f.env.Ctx, dayKeyOf(f.clk.Now()))
	if err != nil {
		t.Fatal(err)
	}
	return p != nil && p.Usable() && !p.Upto.After(f.clk.Now())
}

// checkSameRollups compares today's rollup rows from the partial and
// fully live, including what Stats does not show (per-category
// contributors, active members' join weeks, newcomers' answer times).
func checkSameRollups(t *testing.T, f *partialForum) {
	t.Helper()
	partial, live, ok, err := f.env.Svc.TodayRollups(f.env.Ctx, f.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatal("no usable partial")
	}
	for _, r := range []*models.DayRollup{partial, live} {
		sort.Slice(r.Stats, func(i, j int) bool { return r.Stats[i].CategoryID < r.Stats[j].CategoryID })
		sort.Slice(r.Contributors, func(i, j int) bool { return r.Contributors[i].UserID < r.Contributors[j].UserID })
		sort.Slice(r.Instances, func(i, j int) bool { return r.Instances[i].Domain < r.Instances[j].Domain })
		sort.Slice(r.Active, func(i, j int) bool { return r.Active[i].UserID < r.Active[j].UserID })
		sort.Slice(r.FirstPosts, func(i, j int) bool { return r.FirstPosts[i].UserID < r.FirstPosts[j].UserID })
		for i := range r.FirstPosts { // compare instants, not locations
			r.FirstPosts[i].PostedAt = r.FirstPosts[i].PostedAt.UTC()
			if a := r.FirstPosts[i].AnsweredAt; a != nil {
				u := a.UTC()
				r.FirstPosts[i].AnsweredAt = &u
			}
		}
		for i := range r.Responses {
			r.Responses[i].CreatedAt, r.Responses[i].RespondedAt = r.Responses[i].CreatedAt.UTC(), r.Responses[i].RespondedAt.UTC()
		}
	}
	if !reflect.DeepEqual(partial, live) {
		t.Errorf("today's rollup from the partial:\n%+v\nlive:\n%+v", partial, live)
	}
}

func dayKeyOf(t time.Time) string { return t.UTC().Format("2006-01-02") }

// statsDiff names the fields where got differs from want.
func statsDiff(got, want []*forum.CommunityStats) []string {
	var diffs []string
	for i := range want {
		g, w := reflect.ValueOf(*got[i]), reflect.ValueOf(*want[i])
		for j := 0; j < w.NumField(); j++ {
			if !reflect.DeepEqual(g.Field(j).Interface(), w.Field(j).Interface()) {
				diffs = append(diffs, fmt.Sprintf("window %d %s: got %+v, want %+v", i, w.Type().Field(j).Name, g.Field(j).Interface(), w.Field(j).Interface()))
			}
		}
	}
	return diffs
}

func checkSame(t *testing.T, got, want []*forum.CommunityStats) {
	t.Helper()
	for _, d := range statsDiff(got, want) {
		t.Error(d)
	}
}

// TestPartialPlusDeltaEqualsLive: today's figures from the partial and the
// posts since T equal the full live computation, field by field.
func TestPartialPlusDeltaEqualsLive(t *testing.T) {
	f := newPartialForum(t)
	if !f.usable(t) {
		t.Fatal("the partial written at 12:01 is not usable at 13:00")
	}
	checkSameRollups(t, f)
	got := f.stats(t)
	want := f.live(t)
	checkSame(t, got, want)
	// The scenario exercises what the merge must get right. Today: 12
	// posts before T, 7 after; threads A, B, C, E, F, G, all answered (B
	// and G after T); remote replies by r1 (twice) and r2. Newcomers (a
	// first post ever today, local authors): n1..n4, and mod, amb, oldc and
	// oldd, who had not posted before; n1 and n2 answered (n2 after T), n3
	// in Y2 after T, n4 after T; the other four not.
	today := want[1]
	checks := []struct {
		name      string
		got, want int64
	}{
		{"posts", today.Posts, 19}, {"threads", today.Threads, 6}, {"remote_replies", today.RemoteReplies, 3},
		{"answered", today.Answered, 6}, {"newcomers", today.Newcomers, 8}, {"remote_followers", today.RemoteFollowers, 1},
		{"dau", today.DAU, 10}, // nine local posters, and oldc by a session
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if today.WelcomeRate != 4.0/8 {
		t.Errorf("welcome rate = %v, want 4/8", today.WelcomeRate)
	}
}

// TestPartialInvalidatedByChangesAfterT: deleting, hiding or moving what
// the partial counted, or a remote post arriving with a time before T,
// makes the partial unusable, so figures stay those of the live
// computation; a partial wrongly kept would report the old figures.
func TestPartialInvalidatedByChangesAfterT(t *testing.T) {
	cases := []struct {
		name    string
		figures bool // whether the live figures change (a hidden post still counts)
		change  func(t *testing.T, f *partialForum)
	}{
		{"delete an answer", true, func(t *testing.T, f *partialForum) {
			if err := f.env.Svc.DeletePost(f.env.Ctx, f.mod, f.answerF.ID); err != nil {
				t.Fatal(err)
			}
		}},
		{"hide an answer", false, func(t *testing.T, f *partialForum) {
			if err := f.env.Store.DB(f.env.Ctx).Exec("UPDATE posts SET hidden_at = ? WHERE id = ?", f.clk.Now(), f.answerE.ID).Error; err != nil {
				t.Fatal(err)
			}
		}},
		{"delete yesterday's answer", true, func(t *testing.T, f *partialForum) {
			// Y1's first answer today was not one, as it was answered yesterday.
			var second models.Post
			if err := f.env.Store.DB(f.env.Ctx).Where("thread_id = ? AND number = 2", f.threadY1.ID).First(&second).Error; err != nil {
				t.Fatal(err)
			}
			if err := f.env.Svc.DeletePost(f.env.Ctx, f.mod, second.ID); err != nil {
				t.Fatal(err)
			}
		}},
		{"move a thread", true, func(t *testing.T, f *partialForum) {
			if err := f.env.Svc.MoveThread(f.env.Ctx, f.mod, f.threadC.ID, "ideas", "belongs in ideas"); err != nil {
				t.Fatal(err)
			}
		}},
		{"remote post dated before T", true, func(t *testing.T, f *partialForum) {
			if _, err := f.env.Svc.ReplyFromRemote(f.env.Ctx, f.remoteR1, f.threadC.ID, 0, forum.RemoteNote{
				APID: "https://remote.example/notes/late", HTML: "<p>late</p>", Published: f.day.Add(11 * time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}},
		{"role change", true, func(t *testing.T, f *partialForum) {
			if err := f.env.Store.DB(f.env.Ctx).Exec("UPDATE users SET role = ? WHERE id = ?", models.RoleMember, f.amb.ID).Error; err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newPartialForum(t)
			before := f.stats(t)
			c.change(t, f)
			if f.usable(t) {
				t.Fatal("the partial is still usable after the change")
			}
			got := f.stats(t)
			if c.figures && len(statsDiff(got, before)) == 0 {
				t.Fatal("the change did not change the figures: the scenario tests nothing")
			}
			want := f.live(t)
			checkSame(t, got, want)
			// The worker's next refresh makes it usable again, and right.
			if ok, err := f.env.Svc.RefreshTodayPartial(f.env.Ctx); err != nil || !ok {
				t.Fatalf("refresh = %v, %v", ok, err)
			}
			if !f.usable(t) {
				t.Fatal("the refreshed partial is not usable")
			}
			checkSame(t, f.stats(t), want)
		})
	}
}

// TestStalePartialWouldShow proves the figures come from the partial when
// it is usable: a change the stamp is told to ignore shows the old figures.
func TestStalePartialWouldShow(t *testing.T) {
	f := newPartialForum(t)
	if err := f.env.Svc.DeletePost(f.env.Ctx, f.mod, f.answerF.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.env.Store.DB(f.env.Ctx).Exec("UPDATE rollup_partials SET base_changes = (SELECT COUNT(*) FROM rollup_partial_changes)").Error; err != nil {
		t.Fatal(err)
	}
	forged := f.stats(t)
	want := f.live(t)
	if forged[1].Posts != want[1].Posts+1 {
		t.Errorf("posts from a forged partial = %d, live %d: the partial was not used", forged[1].Posts, want[1].Posts)
	}
}

// TestPartialFromYesterdayNotUsed: after midnight yesterday's partial is
// ignored (today is computed live) and the worker replaces it.
func TestPartialFromYesterdayNotUsed(t *testing.T) {
	f := newPartialForum(t)
	f.clk.set(f.day.Add(day(1) + time.Hour))
	f.env.Thread(f.oldA, "help", "Tomorrow", "body")
	if f.usable(t) {
		t.Fatal("yesterday's partial is usable today")
	}
	got := f.stats(t)
	checkSame(t, got, f.live(t))
	if got[1].Posts != 1 {
		t.Errorf("posts today = %d, want 1", got[1].Posts)
	}
	f.clk.add(2 * time.Minute)
	if ok, err := f.env.Svc.RefreshTodayPartial(f.env.Ctx); err != nil || !ok {
		t.Fatalf("refresh = %v, %v", ok, err)
	}
	if p, err := f.env.Store.DayPartialFor(f.env.Ctx, dayKeyOf(f.day)); err != nil || p != nil {
		t.Errorf("yesterday's partial = %+v, %v; want it gone", p, err)
	}
	f.clk.add(time.Minute)
	checkSame(t, f.stats(t), f.live(t))
}

func day(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

// TestRefreshTodayPartial: the worker writes the partial up to a minute
// ago, leaves a fresh one alone (another process just computed it), and
// recomputes one a write made unusable.
func TestRefreshTodayPartial(t *testing.T) {
	f := newPartialForum(t)
	p, err := f.env.Store.DayPartialFor(f.env.Ctx, dayKeyOf(f.day))
	if err != nil || p == nil {
		t.Fatalf("partial = %v, %v", p, err)
	}
	if want := f.day.Add(12 * time.Hour); !p.Upto.Equal(want) || !p.DayStart.Equal(f.day) || len(p.Data) == 0 {
		t.Errorf("partial up to %v from %v with %d bytes, want up to %v", p.Upto, p.DayStart, len(p.Data), want)
	}
	f.clk.set(f.day.Add(13*time.Hour + 20*time.Second))
	if ok, err := f.env.Svc.RefreshTodayPartial(f.env.Ctx); err != nil || !ok {
		t.Fatalf("refresh after an hour = %v, %v; want recomputed", ok, err)
	}
	f.clk.add(10 * time.Second)
	if ok, err := f.env.Svc.RefreshTodayPartial(f.env.Ctx); err != nil || ok {
		t.Fatalf("refresh 10 s after another = %v, %v; want left alone", ok, err)
	}
	if err := f.env.Svc.DeletePost(f.env.Ctx, f.mod, f.replyOfB.ID); err != nil {
		t.Fatal(err)
	}
	if ok, err := f.env.Svc.RefreshTodayPartial(f.env.Ctx); err != nil || !ok {
		t.Fatalf("refresh of a stale partial = %v, %v; want recomputed", ok, err)
	}
	if !f.usable(t) {
		t.Error("the recomputed partial is not usable")
	}
	checkSame(t, f.stats(t), f.live(t))
}
