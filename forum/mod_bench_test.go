package forum_test

import (
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// seedModeration fills a forum with 10,000 posts, each with an open flag
// item and one flag, and 100,000 audit entries, by bulk inserts.
func seedModeration(b *testing.B) (*forumtest.Env, *models.User, *models.User) {
	e := forumtest.New(b)
	if _, err := e.Svc.Seed(e.Ctx, forum.SeedOptions{Users: 200, Threads: 100, PostsPerThread: 100, Category: "big"}); err != nil {
		b.Fatal(err)
	}
	var postIDs []int64
	if err := e.Store.DB(e.Ctx).Model(&models.Post{}).Order("id").Pluck("id", &postIDs).Error; err != nil {
		b.Fatal(err)
	}
	flagger := e.User("flagger", models.RoleMember)
	mod := e.User("moddy", models.RoleModerator)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	items := make([]models.ModQueueItem, len(postIDs))
	flags := make([]models.Flag, len(postIDs))
	for i, id := range postIDs {
		at := base.Add(time.Duration(i) * time.Second)
		items[i] = models.ModQueueItem{Kind: models.QueueKindFlag, PostID: id, State: models.QueueItemOpen, CreatedAt: at}
		flags[i] = models.Flag{PostID: id, UserID: flagger.ID, Reason: "spam", Weight: 1, CreatedAt: at}
	}
	if err := e.Store.InsertBatch(e.Ctx, &items); err != nil {
		b.Fatal(err)
	}
	if err := e.Store.InsertBatch(e.Ctx, &flags); err != nil {
		b.Fatal(err)
	}
	const auditN = 100000
	audit := make([]models.AuditEntry, 0, 10000)
	actions := []string{"thread.lock", "queue.dismiss", "user.silence", "queue.hide"}
	for i := 0; i < auditN; i++ {
		audit = append(audit, models.AuditEntry{ActorID: mod.ID, Action: actions[i%len(actions)], TargetType: forum.TargetPost,
			TargetID: postIDs[i%len(postIDs)], Reason: "seeded", CreatedAt: base.Add(time.Duration(i) * time.Second)})
		if len(audit) == cap(audit) {
			if err := e.Store.InsertBatch(e.Ctx, &audit); err != nil {
				b.Fatal(err)
			}
			audit = audit[:0]
		}
	}
	admin := e.User("boss", models.RoleAdmin)
	catmod := e.User("catmod", models.RoleMember)
	catmod, err := e.Svc.SetRole(e.Ctx, admin, "catmod", models.RoleModerator, []string{"big"})
	if err != nil {
		b.Fatal(err)
	}
	return e, mod, catmod
}

// BenchmarkModerationPages: one review-queue page and one audit-log page
// (50 rows each, with the flags, authors and actors a page shows), first
// and deep pages, with 10,000 open items and 100,000 audit entries.
func BenchmarkModerationPages(b *testing.B) {
	e, mod, catmod := seedModeration(b)
	// Walk to deep cursors once, as a moderator paging would.
	deepQueue, deepAudit := "", ""
	for i := 0; i < 150; i++ {
		q, err := e.Svc.Queue(e.Ctx, mod, "", deepQueue)
		if err != nil {
			b.Fatal(err)
		}
		deepQueue = q.Next
	}
	for i := 0; i < 1500; i++ {
		a, err := e.Svc.Audit(e.Ctx, mod, forum.AuditFilter{Before: deepAudit}, forum.AuditPerPage)
		if err != nil {
			b.Fatal(err)
		}
		deepAudit = a.Next
	}
	cases := []struct {
		name string
		run  func() (int, error)
	}{
		{"queue_first", func() (int, error) { q, err := e.Svc.Queue(e.Ctx, mod, "", ""); return len(q.Items), err }},
		{"queue_page_151", func() (int, error) { q, err := e.Svc.Queue(e.Ctx, mod, "", deepQueue); return len(q.Items), err }},
		{"queue_category_moderator", func() (int, error) { q, err := e.Svc.Queue(e.Ctx, catmod, "", ""); return len(q.Items), err }},
		{"audit_first", func() (int, error) {
			a, err := e.Svc.Audit(e.Ctx, mod, forum.AuditFilter{}, forum.AuditPerPage)
			return len(a.Entries), err
		}},
		{"audit_page_1501", func() (int, error) {
			a, err := e.Svc.Audit(e.Ctx, mod, forum.AuditFilter{Before: deepAudit}, forum.AuditPerPage)
			return len(a.Entries), err
		}},
		{"audit_filtered_action", func() (int, error) {
			a, err := e.Svc.Audit(e.Ctx, mod, forum.AuditFilter{Action: "user.silence"}, forum.AuditPerPage)
			return len(a.Entries), err
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				n, err := c.run()
				if err != nil || n != 50 {
					b.Fatalf("%s: %d rows, %v", c.name, n, err)
				}
			}
		})
	}
}
