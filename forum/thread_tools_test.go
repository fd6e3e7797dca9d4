package forum_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

func TestMergeThreadsInterleavesAndRedirects(t *testing.T) {
	e := forumtest.New(t)
	clk := newClock(e)
	clk.set(time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC))
	gen := e.Category("general")
	oth := e.Category("other")
	mod := e.User("moddy", models.RoleModerator)
	a, b := e.User("alice", models.RoleMember), e.User("bob", models.RoleMember)
	into, _ := e.Thread(a, "general", "Original question", "q1")
	clk.add(time.Minute)
	from, _ := e.Thread(b, "other", "Duplicate question", "q2")
	clk.add(time.Minute)
	e.Reply(a, into.ID, "r1 into")
	clk.add(time.Minute)
	e.Reply(b, from.ID, "r2 from")
	clk.add(time.Minute)
	e.Reply(a, into.ID, "r3 into")

	if err := e.Svc.MergeThreads(e.Ctx, mod, from.ID, from.ID, ""); err == nil {
		t.Fatal("merged a thread into itself")
	}
	if err := e.Svc.MergeThreads(e.Ctx, mod, from.ID, into.ID, "duplicate"); err != nil {
		t.Fatal(err)
	}
	var posts []models.Post
	e.Store.DB(e.Ctx).Where("thread_id = ?", into.ID).Order("number").Find(&posts)
	var bodies []string
	for i, p := range posts {
		if p.Number != i+1 {
			t.Fatalf("numbering not dense: %d at %d", p.Number, i)
		}
		bodies = append(bodies, p.Body)
	}
	if got := strings.Join(bodies, ","); got != "q1,q2,r1 into,r2 from,r3 into" {
		t.Fatalf("merged order: %s", got)
	}
	got, _ := e.Store.ThreadByID(e.Ctx, into.ID)
	if got.PostCount != 5 || got.FirstPostID != posts[0].ID || got.LastPostUserID != a.ID {
		t.Fatalf("target thread: %+v", got)
	}
	if e.Svc.MergedInto(e.Ctx, from.ID) != into.ID {
		t.Fatal("source is not a redirect")
	}
	if _, err := e.Svc.ThreadPage(e.Ctx, nil, from.ID, 1); !errors.Is(err, forum.ErrNotFound) {
		t.Fatalf("source still listed: %v", err)
	}
	g, _ := e.Store.CategoryByID(e.Ctx, gen.ID)
	o, _ := e.Store.CategoryByID(e.Ctx, oth.ID)
	if g.ThreadCount != 1 || g.PostCount != 5 || o.ThreadCount != 0 || o.PostCount != 0 {
		t.Fatalf("category counts: general %d/%d other %d/%d", g.ThreadCount, g.PostCount, o.ThreadCount, o.PostCount)
	}
	// A new reply continues the numbering.
	if p := e.Reply(b, into.ID, "after merge"); p.Number != 6 {
		t.Fatalf("next number: %d", p.Number)
	}
	if n := auditCount(t, e, "thread.merge"); n != 1 {
		t.Fatalf("merge audit: %d", n)
	}
}

func TestSlowMode(t *testing.T) {
	e := forumtest.New(t)
	clk := newClock(e)
	clk.set(time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC))
	e.Category("general")
	mod := e.User("moddy", models.RoleModerator)
	m := e.User("member", models.RoleMember)
	th, _ := e.Thread(e.User("op", models.RoleMember), "general", "Hot topic", "body")
	if err := e.Svc.SetSlowMode(e.Ctx, m, th.ID, "10m", ""); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("member set slow mode: %v", err)
	}
	if err := e.Svc.SetSlowMode(e.Ctx, mod, th.ID, "soon", ""); !isValidation(err, "interval") {
		t.Fatalf("bad interval: %v", err)
	}
	if err := e.Svc.SetSlowMode(e.Ctx, mod, th.ID, "10m", "cool down"); err != nil {
		t.Fatal(err)
	}
	e.Reply(m, th.ID, "first")
	clk.add(4 * time.Minute)
	_, err := e.Svc.Reply(e.Ctx, m, th.ID, forum.NewReply{Body: "second"})
	var rl *forum.RateLimitError
	if !errors.As(err, &rl) || !strings.Contains(rl.Message, "10:10:00") || !strings.Contains(rl.Message, "6m0s") {
		t.Fatalf("too soon: %v", err)
	}
	// Staff are exempt.
	e.Reply(mod, th.ID, "staff")
	e.Reply(mod, th.ID, "staff again")
	clk.add(6 * time.Minute)
	e.Reply(m, th.ID, "second, on time")
	if err := e.Svc.SetSlowMode(e.Ctx, mod, th.ID, "0", ""); err != nil {
		t.Fatal(err)
	}
	e.Reply(m, th.ID, "third, slow mode off")
}

func TestGlobalPinIsForSiteStaff(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	admin := e.User("boss", models.RoleAdmin)
	th, _ := e.Thread(e.User("op", models.RoleMember), "general", "Welcome", "body")
	catmod := e.User("helper", models.RoleMember)
	catmod, _ = e.Svc.SetRole(e.Ctx, admin, "helper", models.RoleModerator, []string{"general"})
	if err := e.Svc.PinThread(e.Ctx, catmod, th.ID, ""); err != nil {
		t.Fatalf("category pin: %v", err)
	}
	if err := e.Svc.PinThreadGlobally(e.Ctx, catmod, th.ID, ""); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("category moderator pinned globally: %v", err)
	}
	if err := e.Svc.PinThreadGlobally(e.Ctx, e.User("moddy", models.RoleModerator), th.ID, ""); err != nil {
		t.Fatal(err)
	}
	pins, _ := e.Svc.GlobalPins(e.Ctx)
	if len(pins) != 1 || pins[0].ID != th.ID {
		t.Fatalf("global pins: %v", pins)
	}
}
