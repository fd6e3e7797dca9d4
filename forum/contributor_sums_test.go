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

// contribForum seeds six past days and today (2030-03-20, noon) of posts
// by twelve members, an ambassador replying every day and a member who
// posts only today, rolls the past days up, and returns what each author
// wrote (posts, replies) for checking the figures by hand.
type contribForum struct {
	env       *forumtest.Env
	clk       *clock
	mod       *models.User
	today     time.Time
	members   []*models.User
	amb       *models.User
	posts     map[int64][2]int64 // user id → posts, replies in the window
	threadIDs map[int]int64      // day offset → the day's thread
}

func newContribForum(t *testing.T) *contribForum {
	env := forumtest.New(t)
	f := &contribForum{env: env, clk: newClock(env), today: time.Date(2030, 3, 20, 0, 0, 0, 0, time.UTC),
		posts: map[int64][2]int64{}, threadIDs: map[int]int64{}}
	f.clk.set(f.today.AddDate(0, 0, -40))
	env.Category("help")
	f.mod = env.User("mod1", models.RoleModerator)
	f.amb = env.User("amb", models.RoleAmbassador)
	for i := range 12 {
		f.members = append(f.members, env.User(fmt.Sprintf("m%02d", i), models.RoleMember))
	}
	for o := 6; o >= 1; o-- {
		f.clk.set(f.today.AddDate(0, 0, -o).Add(9 * time.Hour))
		th := f.thread(f.members[o])
		f.threadIDs[-o] = th
		for i, m := range f.members {
			if i == o || (i+o)%3 == 0 {
				continue
			}
			f.clk.add(time.Minute)
			f.reply(m, th)
		}
		f.reply(f.amb, th)
	}
	f.clk.set(f.today.Add(11 * time.Hour))
	only := env.User("todayonly", models.RoleMember)
	th := f.thread(only)
	f.threadIDs[0] = th
	for range 7 {
		f.clk.add(time.Minute)
		f.reply(only, th)
	}
	f.reply(f.amb, th)
	f.reply(f.members[0], th)
	f.clk.set(f.today.Add(12 * time.Hour))
	if _, _, err := env.Svc.RollupRange(env.Ctx, f.today.AddDate(0, 0, -6), f.today.AddDate(0, 0, -1)); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *contribForum) thread(u *models.User) int64 {
	th, _ := f.env.Thread(u, "help", "A question", "body")
	c := f.posts[u.ID]
	f.posts[u.ID] = [2]int64{c[0] + 1, c[1]}
	return th.ID
}

func (f *contribForum) reply(u *models.User, th int64) {
	f.env.Reply(u, th, "a reply")
	c := f.posts[u.ID]
	f.posts[u.ID] = [2]int64{c[0] + 1, c[1] + 1}
}

// stats is Stats for the window; it fails the test on error.
func (f *contribForum) stats(t *testing.T, from, to string) *forum.CommunityStats {
	t.Helper()
	st, err := f.env.Svc.Stats(f.env.Ctx, f.mod, from, to)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// statsWithoutSums is Stats with no stored contributor sums (the rows are
// summed on the spot), leaving none stored behind.
func (f *contribForum) statsWithoutSums(t *testing.T, from, to string) *forum.CommunityStats {
	t.Helper()
	f.dropSums(t)
	st := f.stats(t, from, to)
	f.dropSums(t)
	return st
}

func (f *contribForum) dropSums(t *testing.T) {
	t.Helper()
	if err := f.env.Store.DB(f.env.Ctx).Exec("DELETE FROM contributor_sums").Error; err != nil {
		t.Fatal(err)
	}
}

func (f *contribForum) storedSums(t *testing.T) int {
	t.Helper()
	var n int64
	if err := f.env.Store.DB(f.env.Ctx).Raw("SELECT COUNT(*) FROM contributor_sums").Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// checkByHand compares the contributor figures with what the fixture wrote.
func (f *contribForum) checkByHand(t *testing.T, st *forum.CommunityStats) {
	t.Helper()
	type row struct {
		id             int64
		posts, replies int64
	}
	var all []row
	var ambReplies int64
	for id, c := range f.posts {
		all = append(all, row{id, c[0], c[1]})
		if u := mods(f.env, userName(t, f.env, id)); u.Role == models.RoleAmbassador {
			ambReplies += c[1]
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].posts != all[j].posts {
			return all[i].posts > all[j].posts
		}
		return all[i].id < all[j].id
	})
	if st.Contributors != int64(len(all)) {
		t.Errorf("contributors = %d, want %d", st.Contributors, len(all))
	}
	if st.AmbassadorReplies != ambReplies {
		t.Errorf("ambassador replies = %d, want %d", st.AmbassadorReplies, ambReplies)
	}
	if len(st.TopContributors) != 10 {
		t.Fatalf("top contributors: %d, want 10", len(st.TopContributors))
	}
	for i, c := range st.TopContributors {
		if w := all[i]; c.User.ID != w.id || c.Posts != w.posts || c.Replies != w.replies {
			t.Errorf("top %d: user %d %d/%d, want user %d %d/%d", i, c.User.ID, c.Posts, c.Replies, w.id, w.posts, w.replies)
		}
	}
}

func userName(t *testing.T, env *forumtest.Env, id int64) string {
	t.Helper()
	cards, err := env.Store.UserCards(env.Ctx, []int64{id})
	if err != nil || cards[id] == nil {
		t.Fatalf("user %d: %v", id, err)
	}
	return cards[id].Username
}

func sameStats(t *testing.T, what string, got, want *forum.CommunityStats) {
	t.Helper()
	if got.Contributors != want.Contributors || got.AmbassadorReplies != want.AmbassadorReplies {
		t.Errorf("%s: contributors %d, ambassador replies %d; want %d, %d", what,
			got.Contributors, got.AmbassadorReplies, want.Contributors, want.AmbassadorReplies)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: figures differ:\n got %+v\nwant %+v", what, got, want)
	}
}

// TestContributorSumsEqualRows: the figures read through stored
// contributor sums equal those summed from the daily rows and those
// written by hand — for the default window the worker keeps, after a day
// is rolled up again, after a member becomes an ambassador, and for a
// custom window stored on first request.
func TestContributorSumsEqualRows(t *testing.T) {
	f := newContribForum(t)
	env := f.env

	cold := f.statsWithoutSums(t, "", "")
	f.checkByHand(t, cold)
	if err := env.Svc.RefreshContributorSums(env.Ctx); err != nil {
		t.Fatal(err)
	}
	sum, err := env.Store.ContributorSumFor(env.Ctx, "2030-02-19", "2030-03-19")
	if err != nil || sum == nil || sum.Authors != 13 { // everyone who posted before today
		t.Fatalf("worker's sum of the default window: %+v %v", sum, err)
	}
	sameStats(t, "with the worker's sums", f.stats(t, "", ""), cold)

	// The stored sum is what is read: a change to the daily rows that no
	// rollup made shows only once the sum is dropped.
	db := env.Store.DB(env.Ctx)
	if err := db.Exec("UPDATE daily_contributors SET posts = posts + 100 WHERE day = '2030-03-17'").Error; err != nil {
		t.Fatal(err)
	}
	sameStats(t, "stored sum over tampered rows", f.stats(t, "", ""), cold)
	if tampered := f.statsWithoutSums(t, "", ""); tampered.TopContributors[0].Posts < 100 {
		t.Fatalf("without sums the rows are read: top %+v", tampered.TopContributors[0])
	}
	if err := db.Exec("UPDATE daily_contributors SET posts = posts - 100 WHERE day = '2030-03-17'").Error; err != nil {
		t.Fatal(err)
	}
	if err := env.Svc.RefreshContributorSums(env.Ctx); err != nil {
		t.Fatal(err)
	}

	// A past day gets more posts and is rolled up again: the stored sum is
	// stale and must not be used.
	f.clk.set(f.today.AddDate(0, 0, -3).Add(20 * time.Hour))
	for range 6 {
		f.clk.add(time.Minute)
		f.reply(f.members[5], f.threadIDs[-3])
	}
	f.clk.set(f.today.Add(13 * time.Hour))
	if err := env.Svc.RollupDay(env.Ctx, f.today.AddDate(0, 0, -3)); err != nil {
		t.Fatal(err)
	}
	rerolled := f.stats(t, "", "")
	f.checkByHand(t, rerolled)
	sameStats(t, "after a day is rolled up again", rerolled, f.statsWithoutSums(t, "", ""))

	// A member promoted to ambassador: their replies count as an
	// ambassador's, stored sum or not.
	if err := env.Store.UpdateUserFields(env.Ctx, f.members[5].ID, map[string]any{"role": models.RoleAmbassador}); err != nil {
		t.Fatal(err)
	}
	if err := env.Svc.RefreshContributorSums(env.Ctx); err != nil {
		t.Fatal(err)
	}
	promoted := f.stats(t, "", "")
	f.checkByHand(t, promoted)
	if promoted.AmbassadorReplies <= rerolled.AmbassadorReplies {
		t.Errorf("ambassador replies %d after a promotion, %d before", promoted.AmbassadorReplies, rerolled.AmbassadorReplies)
	}
	sameStats(t, "after a promotion", promoted, f.statsWithoutSums(t, "", ""))

	// A custom window wholly in the past is summed on first request and
	// stored; the second request reads the stored sum.
	first := f.stats(t, "2030-03-15", "2030-03-18")
	if sum, err := env.Store.ContributorSumFor(env.Ctx, "2030-03-15", "2030-03-18"); err != nil || sum == nil {
		t.Fatalf("custom window not stored: %v", err)
	}
	sameStats(t, "custom window, stored", f.stats(t, "2030-03-15", "2030-03-18"), first)
	sameStats(t, "custom window, from the rows", first, f.statsWithoutSums(t, "2030-03-15", "2030-03-18"))
	// Today alone has nothing rolled up: nothing to sum or store.
	f.dropSums(t)
	if today := f.stats(t, "2030-03-20", "2030-03-20"); today.Contributors != 3 || f.storedSums(t) != 0 {
		t.Errorf("today only: %d contributors, %d sums stored", today.Contributors, f.storedSums(t))
	}
}

// TestContributorSumsBounded: custom windows asked for once do not pile
// up; the most recent ones stay.
func TestContributorSumsBounded(t *testing.T) {
	env := forumtest.New(t)
	clk := newClock(env)
	today := time.Date(2030, 3, 20, 0, 0, 0, 0, time.UTC)
	env.Category("help")
	clk.set(today.Add(-12 * time.Hour))
	env.Thread(env.User("asker", models.RoleMember), "help", "A question", "body")
	clk.set(today.Add(12 * time.Hour))
	if err := env.Svc.RollupDay(env.Ctx, today.AddDate(0, 0, -1)); err != nil {
		t.Fatal(err)
	}
	f := &contribForum{env: env, clk: clk, mod: env.User("mod1", models.RoleModerator), today: today}
	for i := range 20 {
		clk.add(time.Minute)
		f.stats(t, today.AddDate(0, 0, -30-i).Format("2006-01-02"), "2030-03-19")
	}
	if n := f.storedSums(t); n != 16 {
		t.Errorf("%d windows stored, want 16", n)
	}
	if sum, err := env.Store.ContributorSumFor(env.Ctx, "2030-01-30", "2030-03-19"); err != nil || sum == nil || sum.Authors != 1 {
		t.Errorf("the newest window was dropped: %+v %v", sum, err)
	}
}

// TestContributorTotalsEncoding: the stored list reads back as written,
// and a list this code did not write is refused rather than misread.
func TestContributorTotalsEncoding(t *testing.T) {
	in := []models.ContributorTotal{{UserID: 900000, Posts: 3, Replies: 2}, {UserID: 7, Posts: 1 << 40}, {UserID: 8, Replies: 5}}
	out, err := models.DecodeContributorTotals(models.EncodeContributorTotals(in))
	want := []models.ContributorTotal{in[1], in[2], in[0]}
	if err != nil || !reflect.DeepEqual(out, want) {
		t.Fatalf("round trip: %+v %v", out, err)
	}
	for _, bad := range [][]byte{nil, {2, 0}, {1, 5, 1}, append(models.EncodeContributorTotals(in), 0)} {
		if _, err := models.DecodeContributorTotals(bad); err == nil {
			t.Errorf("%v decoded", bad)
		}
	}
}
