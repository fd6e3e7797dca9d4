package forum_test

import (
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// TestNeedsResponseAfterModeration: the "answered" fact the queue reads is
// kept on write. Deleting or hiding the only reply by someone else puts the
// thread back in the queue; unhiding, or another member's reply, takes it
// out again; the author's own posts never count.
func TestNeedsResponseAfterModeration(t *testing.T) {
	env := forumtest.New(t)
	clk := newClock(env)
	clk.set(time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC))
	env.Category("help")
	mod := env.User("mod1", models.RoleModerator)
	asker, helper, other := env.User("asker", models.RoleMember), env.User("helper", models.RoleMember), env.User("other", models.RoleMember)

	a, _ := env.Thread(asker, "help", "Printer on fire", "body")
	clk.add(time.Minute)
	b, _ := env.Thread(asker, "help", "Printer still on fire", "body")
	clk.add(2 * time.Hour)
	want := func(step string, ids ...int64) {
		t.Helper()
		if got := queueIDs(t, env, mod, ""); !sameIDs(got, ids) {
			t.Fatalf("%s: queue %v, want %v", step, got, ids)
		}
	}
	want("nobody answered", a.ID, b.ID)

	r1 := env.Reply(helper, a.ID, "unplug it")
	env.Reply(helper, b.ID, "water?")
	want("both answered")

	if err := env.Svc.DeletePost(env.Ctx, mod, r1.ID); err != nil {
		t.Fatalf("delete reply: %v", err)
	}
	want("the only answer deleted", a.ID)

	env.Reply(asker, a.ID, "still burning") // the author's own reply answers nobody
	want("author bumped", a.ID)

	r2 := env.Reply(other, a.ID, "call the fire brigade")
	want("answered again")

	if _, err := env.Svc.FlagPost(env.Ctx, helper, r2.ID, "spam", ""); err != nil {
		t.Fatalf("flag: %v", err)
	}
	q, err := env.Svc.Queue(env.Ctx, mod, "", "")
	if err != nil || len(q.Items) != 1 {
		t.Fatalf("mod queue: %+v %v", q, err)
	}
	if err := env.Svc.ResolveQueueItem(env.Ctx, mod, q.Items[0].ID, forum.ResolveHide, "not helpful"); err != nil {
		t.Fatalf("hide: %v", err)
	}
	want("the only answer hidden", a.ID)

	env.Svc.FlagHideThreshold = 1 // the next flag hides at once; approving unhides
	if _, err := env.Svc.FlagPost(env.Ctx, asker, r2.ID, "other", "please look again"); err != nil {
		t.Fatalf("flag again: %v", err)
	}
	q, err = env.Svc.Queue(env.Ctx, mod, "", "")
	if err != nil || len(q.Items) != 1 {
		t.Fatalf("mod queue again: %+v %v", q, err)
	}
	if err := env.Svc.ResolveQueueItem(env.Ctx, mod, q.Items[0].ID, forum.ResolveApprove, "fine after all"); err != nil {
		t.Fatalf("approve: %v", err)
	}
	want("the answer unhidden")
}

// TestNeedsResponseAfterMerge: posts moved between threads carry their
// answers with them.
func TestNeedsResponseAfterMerge(t *testing.T) {
	env := forumtest.New(t)
	clk := newClock(env)
	clk.set(time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC))
	env.Category("help")
	mod := env.User("mod1", models.RoleModerator)
	asker, helper := env.User("asker", models.RoleMember), env.User("helper", models.RoleMember)
	a, _ := env.Thread(asker, "help", "How do I bake bread", "body")
	clk.add(time.Minute)
	b, _ := env.Thread(asker, "help", "Bread question again", "body")
	env.Reply(helper, b.ID, "flour, water, salt, yeast")
	clk.add(2 * time.Hour)
	if got := queueIDs(t, env, mod, ""); !sameIDs(got, []int64{a.ID}) {
		t.Fatalf("before merge: %v", got)
	}
	if err := env.Svc.MergeThreads(env.Ctx, mod, b.ID, a.ID, "duplicate"); err != nil {
		t.Fatalf("merge: %v", err)
	}
	for _, id := range queueIDs(t, env, mod, "") {
		if id == a.ID {
			t.Fatalf("thread %d holds the moved answer yet is still queued", a.ID)
		}
	}
}
