package forum_test

import (
	"errors"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// clock is a settable service clock.
type clock struct{ now time.Time }

func (c *clock) set(t time.Time)         { c.now = t }
func (c *clock) add(d time.Duration)     { c.now = c.now.Add(d) }
func (c *clock) Now() time.Time          { return c.now }
func newClock(env *forumtest.Env) *clock { c := &clock{}; env.Svc.SetClock(c.Now); return c }

func queueIDs(t *testing.T, env *forumtest.Env, actor *models.User, category string) []int64 {
	t.Helper()
	page, err := env.Svc.NeedsResponse(env.Ctx, actor, category, "")
	if err != nil {
		t.Fatalf("needs response: %v", err)
	}
	ids := make([]int64, len(page.Items))
	for i, it := range page.Items {
		ids[i] = it.Thread.ID
	}
	return ids
}

func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestNeedsResponse: an unanswered thread joins the queue only after the
// wait; a reply by someone else or a solution takes it out; the author's own
// replies do not; the category filter narrows it.
func TestNeedsResponse(t *testing.T) {
	env := forumtest.New(t)
	clk := newClock(env)
	clk.set(time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC))
	env.Category("help")
	env.Category("chat")
	mod := env.User("mod1", models.RoleModerator)
	amb := env.User("amb1", models.RoleAmbassador)
	asker, helper := env.User("asker", models.RoleMember), env.User("helper", models.RoleMember)

	a, _ := env.Thread(asker, "help", "First question", "body")
	clk.add(time.Minute)
	b, _ := env.Thread(asker, "help", "Second question", "body")
	clk.add(time.Minute)
	c, _ := env.Thread(asker, "help", "Third question", "body")
	clk.add(time.Minute)
	d, _ := env.Thread(asker, "chat", "A chat thread", "body")

	clk.add(30 * time.Minute)
	if ids := queueIDs(t, env, mod, ""); len(ids) != 0 {
		t.Fatalf("before the wait the queue should be empty, got %v", ids)
	}
	clk.add(time.Hour)
	if ids := queueIDs(t, env, mod, ""); !sameIDs(ids, []int64{a.ID, b.ID, c.ID, d.ID}) {
		t.Fatalf("after the wait, oldest first: got %v", ids)
	}
	if ids := queueIDs(t, env, amb, "help"); !sameIDs(ids, []int64{a.ID, b.ID, c.ID}) {
		t.Fatalf("ambassador, help only: got %v", ids)
	}

	env.Reply(asker, a.ID, "bump, anyone?") // the author's own reply answers nobody
	env.Reply(helper, b.ID, "try this")
	own := env.Reply(asker, c.ID, "found it myself")
	if _, err := env.Svc.MarkSolution(env.Ctx, asker, own.ID); err != nil {
		t.Fatalf("mark own reply: %v", err)
	}
	if ids := queueIDs(t, env, mod, ""); !sameIDs(ids, []int64{a.ID, d.ID}) {
		t.Fatalf("after reply and solution: got %v", ids)
	}

	if _, err := env.Svc.NeedsResponse(env.Ctx, asker, "", ""); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("member reading the queue: %v", err)
	}
	if _, err := env.Svc.NeedsResponse(env.Ctx, mod, "", "garbage"); err == nil {
		t.Fatal("a bad cursor should be refused")
	}
}

// TestNeedsResponsePaging: pages follow on without gaps or repeats.
func TestNeedsResponsePaging(t *testing.T) {
	env := forumtest.New(t)
	clk := newClock(env)
	clk.set(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	env.Category("help")
	mod, asker := env.User("mod1", models.RoleModerator), env.User("asker", models.RoleMember)
	n := forum.NeedsResponsePerPage + 3
	for i := 0; i < n; i++ {
		env.Thread(asker, "help", "Question number "+time.Duration(i).String(), "body")
	}
	clk.add(2 * time.Hour)
	p1, err := env.Svc.NeedsResponse(env.Ctx, mod, "", "")
	if err != nil || len(p1.Items) != forum.NeedsResponsePerPage || p1.Next == "" {
		t.Fatalf("page 1: %v items, next %q, %v", len(p1.Items), p1.Next, err)
	}
	p2, err := env.Svc.NeedsResponse(env.Ctx, mod, "", p1.Next)
	if err != nil || len(p2.Items) != 3 || p2.Next != "" {
		t.Fatalf("page 2: %+v %v", p2, err)
	}
	if p2.Items[0].Thread.ID <= p1.Items[len(p1.Items)-1].Thread.ID {
		t.Fatal("page 2 repeats page 1")
	}
}

// TestMarkSolutionRules: the asker or staff mark a reply, never the first
// post; others are refused; marking twice records once.
func TestMarkSolutionRules(t *testing.T) {
	env := forumtest.New(t)
	env.Category("help")
	mod := env.User("mod1", models.RoleModerator)
	asker, helper, other := env.User("asker", models.RoleMember), env.User("helper", models.RoleMember), env.User("other", models.RoleAmbassador)
	th, first := env.Thread(asker, "help", "How do I", "body")
	r1 := env.Reply(helper, th.ID, "like this")
	r2 := env.Reply(other, th.ID, "or like this")
	th2, _ := env.Thread(other, "help", "Another thread", "body")

	if _, err := env.Svc.MarkSolution(env.Ctx, asker, first.ID); !isValidation(err, "post") {
		t.Fatalf("first post: %v", err)
	}
	for _, u := range []*models.User{helper, other} {
		if _, err := env.Svc.MarkSolution(env.Ctx, u, r1.ID); !errors.Is(err, forum.ErrForbidden) {
			t.Fatalf("%s marking someone else's thread: %v", u.Username, err)
		}
	}
	if _, err := env.Svc.MarkSolution(env.Ctx, nil, r1.ID); !errors.Is(err, forum.ErrUnauthorized) {
		t.Fatalf("logged out: %v", err)
	}
	if _, err := env.Svc.MarkSolution(env.Ctx, asker, 999999); !errors.Is(err, forum.ErrNotFound) {
		t.Fatalf("missing post: %v", err)
	}
	for i := 0; i < 2; i++ {
		sol, err := env.Svc.MarkSolution(env.Ctx, asker, r1.ID)
		if err != nil || sol.ThreadID != th.ID || sol.PostID != r1.ID {
			t.Fatalf("asker marks r1 (%d): %+v %v", i, sol, err)
		}
	}
	if sol, err := env.Svc.MarkSolution(env.Ctx, mod, r2.ID); err != nil || sol.PostID != r2.ID {
		t.Fatalf("staff replaces with r2: %+v %v", sol, err)
	}
	page, err := env.Svc.Audit(env.Ctx, mod, forum.AuditFilter{Action: "thread.solution"}, 50)
	if err != nil || len(page.Entries) != 2 {
		t.Fatalf("audit: want 2 entries (idempotent repeat not recorded), got %d %v", len(page.Entries), err)
	}
	// A solution belongs to the reply's own thread only.
	if _, err := env.Store.SolutionOf(env.Ctx, th2.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("other thread got a solution: %v", err)
	}
}

// TestAssignAndOverdue: staff assign to the team; the queue shows the
// assignee and flags the follow-up overdue once its due time passes.
func TestAssignAndOverdue(t *testing.T) {
	env := forumtest.New(t)
	clk := newClock(env)
	clk.set(time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC))
	env.Category("help")
	mod, amb := env.User("mod1", models.RoleModerator), env.User("amb1", models.RoleAmbassador)
	asker := env.User("asker", models.RoleMember)
	th, _ := env.Thread(asker, "help", "Please help", "body")
	due := clk.now.Add(3 * time.Hour)

	if _, _, err := env.Svc.Assign(env.Ctx, amb, th.ID, "mod1", &due); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("ambassador assigning: %v", err)
	}
	if _, _, err := env.Svc.Assign(env.Ctx, mod, th.ID, "asker", &due); !isValidation(err, "username") {
		t.Fatalf("assign to a member: %v", err)
	}
	if _, _, err := env.Svc.Assign(env.Ctx, mod, 999999, "amb1", &due); !errors.Is(err, forum.ErrNotFound) {
		t.Fatalf("missing thread: %v", err)
	}
	if _, _, err := env.Svc.Assign(env.Ctx, mod, th.ID, "amb1", &due); err != nil {
		t.Fatalf("assign: %v", err)
	}
	clk.add(2 * time.Hour)
	page, err := env.Svc.NeedsResponse(env.Ctx, mod, "", "")
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("queue: %+v %v", page, err)
	}
	it := page.Items[0]
	if it.Assignee == nil || it.Assignee.ID != amb.ID || it.Due == nil || !it.Due.Equal(due) || it.Overdue {
		t.Fatalf("before due: %+v", it)
	}
	if it.Waiting != 2*time.Hour {
		t.Fatalf("waiting: %v", it.Waiting)
	}
	clk.add(2 * time.Hour)
	page, _ = env.Svc.NeedsResponse(env.Ctx, mod, "", "")
	if !page.Items[0].Overdue {
		t.Fatal("past due and unanswered should be overdue")
	}
	// Reassigning replaces the row rather than adding one.
	if _, _, err := env.Svc.Assign(env.Ctx, mod, th.ID, "mod1", nil); err != nil {
		t.Fatal(err)
	}
	page, _ = env.Svc.NeedsResponse(env.Ctx, mod, "", "")
	if it := page.Items[0]; it.Assignee.ID != mod.ID || it.Due != nil || it.Overdue {
		t.Fatalf("after reassign: %+v", it)
	}
}
