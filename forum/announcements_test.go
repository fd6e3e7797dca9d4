package forum_test

import (
	"context"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// countHooks records ThreadCreated calls: what federation would deliver.
type countHooks struct{ created []string }

func (h *countHooks) ThreadCreated(_ context.Context, t *models.Thread, _ *models.Post) error {
	h.created = append(h.created, t.Title)
	return nil
}
func (h *countHooks) PostCreated(context.Context, *models.Thread, *models.Post) error { return nil }
func (h *countHooks) PostEdited(context.Context, *models.Post) error                  { return nil }
func (h *countHooks) PostDeleted(context.Context, *models.Post) error                 { return nil }

// TestScheduledThread: a scheduled thread is invisible and unfederated
// until its time, published once (even with a second process claiming),
// then federated through the hooks and shown as a banner until its date.
func TestScheduledThread(t *testing.T) {
	env := forumtest.New(t)
	clk := newClock(env)
	now := time.Date(2030, 6, 1, 9, 0, 0, 0, time.UTC)
	clk.set(now)
	hooks := &countHooks{}
	env.Svc.SetHooks(hooks)
	env.Category("news")
	admin := env.User("boss", models.RoleAdmin)
	member := env.User("m1", models.RoleMember)
	in := forum.ScheduleInput{NewThread: forum.NewThread{Category: "news", Title: "Big release on Monday", Body: "It is **here**."},
		PublishAt: "2030-06-01T12:00:00Z", BannerUntil: "2030-06-03T00:00:00Z"}
	if _, err := env.Svc.ScheduleThread(env.Ctx, member, in); err != forum.ErrForbidden {
		t.Fatalf("member schedules: %v", err)
	}
	bad := in
	bad.PublishAt, bad.BannerUntil = "soon", "2030-06-01T10:00:00Z"
	if _, err := env.Svc.ScheduleThread(env.Ctx, admin, bad); !isValidation(err, "publish_at") {
		t.Fatalf("bad time: %v", err)
	}
	st, err := env.Svc.ScheduleThread(env.Ctx, admin, in)
	if err != nil || st.ThreadID != nil || st.State != models.QueuePending {
		t.Fatalf("schedule: %+v %v", st, err)
	}
	listed := func() int {
		l, err := env.Svc.ListThreads(env.Ctx, "news", "")
		if err != nil {
			t.Fatal(err)
		}
		return len(l.Threads)
	}
	clk.set(now.Add(2 * time.Hour)) // 11:00: not yet
	if n, err := env.Svc.PublishDue(env.Ctx); err != nil || n != 0 || listed() != 0 || len(hooks.created) != 0 {
		t.Fatalf("before its time: %d %v, %d listed, hooks %v", n, err, listed(), hooks.created)
	}
	if b, _ := env.Svc.ActiveBanner(env.Ctx); b != nil {
		t.Fatalf("banner before publication: %+v", b)
	}
	clk.set(now.Add(3 * time.Hour)) // 12:00
	// Another process claims the row first and dies: nothing is published
	// twice, and the row is retried when its claim lapses.
	if rows, err := env.Store.ClaimDueScheduledThreads(env.Ctx, clk.Now(), time.Minute, 10); err != nil || len(rows) != 1 {
		t.Fatalf("other process claims: %d %v", len(rows), err)
	}
	if n, _ := env.Svc.PublishDue(env.Ctx); n != 0 {
		t.Fatalf("published a claimed row: %d", n)
	}
	clk.set(now.Add(3*time.Hour + 2*time.Minute))
	if n, err := env.Svc.PublishDue(env.Ctx); err != nil || n != 1 {
		t.Fatalf("publish: %d %v", n, err)
	}
	if n, _ := env.Svc.PublishDue(env.Ctx); n != 0 || listed() != 1 || len(hooks.created) != 1 || hooks.created[0] != "Big release on Monday" {
		t.Fatalf("after: %d listed, hooks %v", listed(), hooks.created)
	}
	b, err := env.Svc.ActiveBanner(env.Ctx)
	if err != nil || b == nil || b.Title != "Big release on Monday" || !b.Until.Equal(time.Date(2030, 6, 3, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("banner: %+v %v", b, err)
	}
	clk.set(time.Date(2030, 6, 3, 0, 0, 1, 0, time.UTC))
	if b, _ := env.Svc.ActiveBanner(env.Ctx); b != nil {
		t.Fatalf("banner after its date: %+v", b)
	}
	// A past publish time publishes at once.
	now2 := forum.ScheduleInput{NewThread: forum.NewThread{Category: "news", Title: "Right away please", Body: "now"}}
	if st, err := env.Svc.ScheduleThread(env.Ctx, admin, now2); err != nil || st.ThreadID == nil || st.State != models.QueueDone {
		t.Fatalf("immediate: %+v %v", st, err)
	}
}
