package forum_test

import (
	"errors"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// TestBoostFigures: fediverse boosts count once per account on the post,
// as remote interactions in a campaign's report, and as remote_boosts in
// the community figures, live for today and from the rollup afterwards.
func TestBoostFigures(t *testing.T) {
	env := forumtest.New(t)
	clk := newClock(env)
	day := time.Date(2030, 3, 12, 0, 0, 0, 0, time.UTC)
	clk.set(day.Add(9 * time.Hour))
	cat := env.Category("news")
	admin := env.User("boss", models.RoleAdmin)
	alice := env.User("alice", models.RoleMember)
	mia, rin := env.RemoteUser("mia", "remote.test"), env.RemoteUser("rin", "remote.test")
	if _, err := env.Svc.CreateCampaign(env.Ctx, admin, forum.CampaignInput{Name: "Launch", Slug: "launch", Hashtag: "launch",
		StartsAt: "2030-03-12", EndsAt: "2030-03-14"}); err != nil {
		t.Fatal(err)
	}
	clk.set(day.Add(10 * time.Hour))
	th, first := env.Thread(alice, "news", "We launched", "It is out. #launch")

	clk.set(day.Add(11 * time.Hour))
	for i, c := range []struct {
		who  *models.User
		id   string
		want bool
	}{
		{mia, "https://remote.test/users/mia/statuses/1/activity", true},
		{mia, "https://remote.test/users/mia/statuses/1/activity", false}, // redelivered
		{mia, "https://remote.test/users/mia/statuses/2/activity", false}, // boosted again
		{rin, "https://remote.test/users/rin/statuses/7/activity", true},
	} {
		changed, err := env.Svc.BoostFromRemote(env.Ctx, c.who, first.ID, c.id)
		if err != nil || changed != c.want {
			t.Fatalf("boost %d: changed %v, %v; want %v", i, changed, err, c.want)
		}
	}
	if _, err := env.Svc.BoostFromRemote(env.Ctx, alice, first.ID, "https://hearth.test/x"); !errors.Is(err, forum.ErrForbidden) {
		t.Errorf("a local member's boost: %v, want ErrForbidden", err)
	}
	if _, err := env.Svc.BoostFromRemote(env.Ctx, mia, 999999, "https://remote.test/users/mia/statuses/3/activity"); !errors.Is(err, forum.ErrNotFound) {
		t.Errorf("boost of a missing post: %v, want ErrNotFound", err)
	}
	page, err := env.Svc.ThreadPage(env.Ctx, nil, th.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if page.Posts[0].BoostCount != 2 {
		t.Errorf("boost count %d, want 2", page.Posts[0].BoostCount)
	}

	clk.set(day.Add(20 * time.Hour))
	live, err := env.Svc.Stats(env.Ctx, admin, "2030-03-12", "2030-03-12")
	if err != nil {
		t.Fatal(err)
	}
	if live.RemoteBoosts != 2 || len(live.Days) != 1 || live.Days[0].RemoteBoosts != 2 {
		t.Errorf("live remote boosts %d, days %+v", live.RemoteBoosts, live.Days)
	}
	rep, err := env.Svc.CampaignReport(env.Ctx, admin, "launch")
	if err != nil {
		t.Fatal(err)
	}
	if rep.RemoteInteractions != 2 || rep.Days[0].RemoteInteractions != 2 {
		t.Errorf("campaign remote interactions %d, day 1 %d, want 2", rep.RemoteInteractions, rep.Days[0].RemoteInteractions)
	}

	// Undone the next day: the post loses it at once.
	clk.set(day.Add(30 * time.Hour))
	if changed, err := env.Svc.UnboostFromRemote(env.Ctx, rin, "https://remote.test/users/rin/statuses/7/activity", 0); err != nil || !changed {
		t.Fatalf("unboost: %v %v", changed, err)
	}
	if changed, err := env.Svc.UnboostFromRemote(env.Ctx, rin, "https://remote.test/users/rin/statuses/7/activity", 0); err != nil || changed {
		t.Fatalf("second unboost: %v %v", changed, err)
	}
	p, _, err := env.Svc.PostFor(env.Ctx, nil, first.ID)
	if err != nil || p.BoostCount != 1 {
		t.Fatalf("boost count after the Undo: %d %v", p.BoostCount, err)
	}

	// Rolled up later, the day keeps what the live tables then hold (one
	// boost), and the figure is read from the rollup, not from the boosts.
	clk.set(day.AddDate(0, 0, 4))
	if err := env.Svc.RollupDay(env.Ctx, day); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.DB(env.Ctx).Exec("DELETE FROM post_boosts").Error; err != nil {
		t.Fatal(err)
	}
	rolled, err := env.Svc.Stats(env.Ctx, admin, "2030-03-12", "2030-03-13")
	if err != nil {
		t.Fatal(err)
	}
	if rolled.RemoteBoosts != 1 || rolled.Days[0].RemoteBoosts != 1 {
		t.Errorf("rolled-up remote boosts %d, days %+v", rolled.RemoteBoosts, rolled.Days)
	}
	if got := categoryBoosts(live); got[cat.ID] != 2 || len(got) != 1 {
		t.Errorf("live per-category boosts %v, want 2 in %s", got, cat.Slug)
	}
	if got := categoryBoosts(rolled); got[cat.ID] != 1 || len(got) != 1 {
		t.Errorf("rolled-up per-category boosts %v, want 1 in %s", got, cat.Slug)
	}
}

// categoryBoosts is the window's boosts by category, those with any.
func categoryBoosts(st *forum.CommunityStats) map[int64]int64 {
	out := map[int64]int64{}
	for _, c := range st.Categories {
		if c.RemoteBoosts != 0 {
			out[c.Category.ID] = c.RemoteBoosts
		}
	}
	return out
}
