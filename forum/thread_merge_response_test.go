package forum_test

import (
	"testing"
	"time"

	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// TestNeedsResponseMergeCases: after a merge the target is answered exactly
// when a live reply by someone other than its own author reached it,
// whichever thread that reply came from, and its answer is the earliest.
func TestNeedsResponseMergeCases(t *testing.T) {
	env := forumtest.New(t)
	clk := newClock(env)
	clk.set(time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC))
	env.Category("help")
	mod := env.User("mod1", models.RoleModerator)
	asker, helper := env.User("asker", models.RoleMember), env.User("helper", models.RoleMember)

	// Every moved post is by the target's author: still unanswered.
	a, _ := env.Thread(asker, "help", "Oven will not heat", "body")
	b, _ := env.Thread(asker, "help", "Oven cold again", "body")
	clk.add(time.Minute)
	env.Reply(asker, b.ID, "bump")
	// A hidden reply answers nobody, moved or not.
	c, _ := env.Thread(asker, "help", "Kettle sparks", "body")
	d, _ := env.Thread(asker, "help", "Kettle sparks again", "body")
	hidden := env.Reply(helper, d.ID, "buy a new one")
	if err := env.Store.DB(env.Ctx).Exec(`UPDATE posts SET hidden_at = ? WHERE id = ?`, clk.now, hidden.ID).Error; err != nil {
		t.Fatalf("hide: %v", err)
	}
	// An answered target takes an earlier answer from the source.
	e, _ := env.Thread(asker, "help", "Fridge hums", "body")
	f, _ := env.Thread(asker, "help", "Fridge hums loudly", "body")
	early := env.Reply(helper, f.ID, "normal")
	clk.add(time.Hour)
	env.Reply(helper, e.ID, "it is fine")
	clk.add(2 * time.Hour)

	for _, m := range [][2]int64{{b.ID, a.ID}, {d.ID, c.ID}, {f.ID, e.ID}} {
		if err := env.Svc.MergeThreads(env.Ctx, mod, m[0], m[1], "duplicate"); err != nil {
			t.Fatalf("merge %d into %d: %v", m[0], m[1], err)
		}
	}
	if got := queueIDs(t, env, mod, ""); !sameIDs(got, []int64{a.ID, c.ID}) {
		t.Fatalf("queue after merges %v, want %v", got, []int64{a.ID, c.ID})
	}
	if got := firstResponseAt(t, env, e.ID); got == nil || !got.Equal(early.CreatedAt) {
		t.Fatalf("first response of the merged thread %v, want the source's earlier reply %v", got, early.CreatedAt)
	}
}

// TestMergeDoesNotRecomputePerPost: moving posts that cannot change the
// target's answer must not rescan the target's posts once per moved post
// (that made a merge quadratic). A marker answer earlier than every moved
// post survives the merge only if no per-post recompute ran.
func TestMergeDoesNotRecomputePerPost(t *testing.T) {
	env := forumtest.New(t)
	clk := newClock(env)
	clk.set(time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC))
	env.Category("help")
	mod := env.User("mod1", models.RoleModerator)
	asker, helper := env.User("asker", models.RoleMember), env.User("helper", models.RoleMember)
	a, _ := env.Thread(asker, "help", "Lamp flickers", "body")
	clk.add(time.Minute)
	env.Reply(helper, a.ID, "bulb")
	b, _ := env.Thread(asker, "help", "Lamp flickers still", "body")
	for i := 0; i < 5; i++ {
		clk.add(time.Minute)
		env.Reply(helper, b.ID, "try another bulb")
	}
	marker := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := env.Store.DB(env.Ctx).Model(&models.Thread{}).Where("id = ?", a.ID).
		Update("first_response_at", marker).Error; err != nil {
		t.Fatal(err)
	}
	if err := env.Svc.MergeThreads(env.Ctx, mod, b.ID, a.ID, "duplicate"); err != nil {
		t.Fatalf("merge: %v", err)
	}
	if got := firstResponseAt(t, env, a.ID); got == nil || !got.Equal(marker) {
		t.Fatalf("first_response_at %v: the merge rescanned the target per moved post", got)
	}
}

func firstResponseAt(t *testing.T, env *forumtest.Env, threadID int64) *time.Time {
	t.Helper()
	var at []*time.Time
	if err := env.Store.DB(env.Ctx).Raw(`SELECT first_response_at FROM threads WHERE id = ?`, threadID).Scan(&at).Error; err != nil || len(at) != 1 {
		t.Fatalf("first_response_at of %d: %v %v", threadID, at, err)
	}
	return at[0]
}
