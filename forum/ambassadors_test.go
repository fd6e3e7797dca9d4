package forum_test

import (
	"errors"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

func TestAmbassadorCandidatesAndReport(t *testing.T) {
	e := forumtest.New(t)
	clk := newClock(e)
	start := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	clk.set(start)
	e.Category("general")
	admin := e.User("boss", models.RoleAdmin)
	helper := e.User("helper", models.RoleMember)
	troll := e.User("troll", models.RoleMember)
	// Three newcomers ask; helper answers each first, on different days.
	for i, name := range []string{"new1", "new2", "new3"} {
		clk.set(start.Add(time.Duration(i) * 24 * time.Hour))
		n := e.User(name, models.RoleMember)
		th, _ := e.Thread(n, "general", "Help with "+name, "how do I start?")
		clk.add(time.Hour)
		r := e.Reply(helper, th.ID, "like this")
		if i == 0 {
			if _, err := e.Svc.SetLike(e.Ctx, n, r.ID, true); err != nil {
				t.Fatal(err)
			}
			if _, err := e.Svc.MarkSolution(e.Ctx, n, r.ID); err != nil {
				t.Fatal(err)
			}
		}
		clk.add(time.Minute)
		e.Reply(troll, th.ID, "me too")
	}
	if _, err := e.Svc.Warn(e.Ctx, admin, "troll", 0, "spam"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.AmbassadorCandidates(e.Ctx, helper, 0, 10); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("member reads candidates: %v", err)
	}
	cs, err := e.Svc.AmbassadorCandidates(e.Ctx, admin, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) < 2 || cs[0].User.Username != "helper" {
		t.Fatalf("ranking: %+v", cs)
	}
	h := cs[0]
	if h.FirstResponses != 3 || h.LikedReplies != 1 || h.Solutions != 1 || h.DaysActive != 3 || h.Moderation != 0 || h.Score == 0 {
		t.Fatalf("helper components: %+v", h)
	}
	for _, c := range cs {
		if c.User.Username == "troll" && (c.Moderation != 1 || c.Score != 0 || c.FirstResponses != 0) {
			t.Fatalf("troll: %+v", c)
		}
	}

	if _, err := e.Svc.SetRole(e.Ctx, admin, "helper", models.RoleAmbassador, nil); err != nil {
		t.Fatal(err)
	}
	clk.add(time.Hour)
	n4 := e.User("new4", models.RoleMember)
	th, _ := e.Thread(n4, "general", "Another newcomer", "hello")
	e.Reply(helper, th.ID, "welcome!")
	e.Reply(helper, th.ID, "and more")
	rep, err := e.Svc.AmbassadorReport(e.Ctx, admin, clk.now.Add(-time.Hour), clk.now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep) != 1 || rep[0].User.Username != "helper" || rep[0].Responses != 2 || rep[0].NewcomersWelcomed != 1 {
		t.Fatalf("report: %+v", rep)
	}
	if _, err := e.Svc.AmbassadorReport(e.Ctx, helper, start, clk.now); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("ambassador reads report: %v", err)
	}
}

func TestAmbassadorEditsTitleAndTags(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	e.Category("other")
	admin := e.User("boss", models.RoleAdmin)
	th, _ := e.Thread(e.User("op", models.RoleMember), "general", "halp", "body")
	amb := e.User("amb", models.RoleMember)
	amb, _ = e.Svc.SetRole(e.Ctx, admin, "amb", models.RoleAmbassador, []string{"other"})
	if _, err := e.Svc.EditThreadMeta(e.Ctx, amb, th.ID, "Help installing", []string{"install"}); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("ambassador of another category: %v", err)
	}
	if _, err := e.Svc.EditThreadMeta(e.Ctx, e.User("rando", models.RoleMember), th.ID, "x title", nil); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("member: %v", err)
	}
	amb, _ = e.Svc.SetRole(e.Ctx, admin, "amb", models.RoleAmbassador, []string{"general"})
	if _, err := e.Svc.EditThreadMeta(e.Ctx, amb, th.ID, "", nil); !isValidation(err, "title") {
		t.Fatalf("empty title: %v", err)
	}
	got, err := e.Svc.EditThreadMeta(e.Ctx, amb, th.ID, "Help installing on Debian", []string{"install", "debian"})
	if err != nil || got.Title != "Help installing on Debian" {
		t.Fatalf("edit: %+v %v", got, err)
	}
	tags, _ := e.Store.ThreadTags(e.Ctx, []int64{th.ID})
	if len(tags[th.ID]) != 2 {
		t.Fatalf("tags: %v", tags)
	}
	if _, err := e.Svc.EditThreadMeta(e.Ctx, amb, th.ID, "Help installing on Debian", []string{"debian"}); err != nil {
		t.Fatal(err)
	}
	tag, _ := e.Store.TagByName(e.Ctx, "install")
	if tag.ThreadCount != 0 {
		t.Fatalf("removed tag still counts %d", tag.ThreadCount)
	}
	if n := auditCount(t, e, "thread.edit"); n != 2 {
		t.Fatalf("edit audit: %d", n)
	}
}
