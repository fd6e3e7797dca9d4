package forum_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// appealItem returns the open appeal item in the queue.
func appealItem(t *testing.T, e *forumtest.Env, mod *models.User) int64 {
	t.Helper()
	q, err := e.Svc.Queue(e.Ctx, mod, "", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range q.Items {
		if it.Kind == models.QueueKindAppeal {
			return it.ID
		}
	}
	t.Fatal("no appeal in the queue")
	return 0
}

func TestAppealHiddenPostReversed(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	mod := e.User("moddy", models.RoleModerator)
	author := e.User("author", models.RoleMember)
	th, _ := e.Thread(author, "general", "Thread", "body")
	p := e.Reply(author, th.ID, "a sharp reply")
	if _, err := e.Svc.FlagPost(e.Ctx, e.User("f1", models.RoleMember), p.ID, "harassment", ""); err != nil {
		t.Fatal(err)
	}
	q, _ := e.Svc.Queue(e.Ctx, mod, "", "")
	if err := e.Svc.ResolveQueueItem(e.Ctx, mod, q.Items[0].ID, forum.ResolveHide, "too sharp"); err != nil {
		t.Fatal(err)
	}
	ns, err := e.Svc.Notices(e.Ctx, author)
	if err != nil || len(ns) != 1 || ns[0].Entry.Action != "queue.hide" || ns[0].Entry.Reason != "too sharp" || !ns[0].CanAppeal {
		t.Fatalf("notices: %+v %v", ns, err)
	}
	if _, err := e.Svc.Appeal(e.Ctx, author, ns[0].Entry.ID, "it was a joke"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.Appeal(e.Ctx, author, ns[0].Entry.ID, "really"); !errors.Is(err, forum.ErrConflict) {
		t.Fatalf("second appeal: %v", err)
	}
	item := appealItem(t, e, mod)
	// Category moderators do not decide appeals; members never do.
	if err := e.Svc.ResolveQueueItem(e.Ctx, author, item, forum.AppealReverse, ""); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("author decides own appeal: %v", err)
	}
	// Another moderator reviews it: moddy took the action.
	reviewer := e.User("reviewer", models.RoleModerator)
	if err := e.Svc.ResolveQueueItem(e.Ctx, reviewer, item, forum.AppealReverse, "fair"); err != nil {
		t.Fatal(err)
	}
	got, _ := e.Store.PostByID(e.Ctx, p.ID)
	if got.HiddenAt != nil {
		t.Fatal("reversed appeal left the post hidden")
	}
	if err := e.Svc.ResolveQueueItem(e.Ctx, reviewer, item, forum.AppealUphold, ""); !errors.Is(err, forum.ErrConflict) {
		t.Fatalf("deciding twice: %v", err)
	}
	if n := auditCount(t, e, "appeal.reverse"); n != 1 {
		t.Fatalf("appeal audit: %d", n)
	}
}

func TestModeratorCannotReverseAdminSuspension(t *testing.T) {
	e := forumtest.New(t)
	admin := e.User("boss", models.RoleAdmin)
	mod := e.User("moddy", models.RoleModerator)
	m := e.User("member", models.RoleMember)
	if _, err := e.Svc.Suspend(e.Ctx, admin, "member", "", "spam"); err != nil {
		t.Fatal(err)
	}
	_, err := e.Svc.Authenticate(e.Ctx, "member", "password123", "1.1.1.1")
	var se *forum.SuspendedError
	if !errors.As(err, &se) || se.Notice == nil || !se.Notice.CanAppeal {
		t.Fatalf("suspended login: %v", err)
	}
	if _, err := e.Svc.AppealSuspended(e.Ctx, "member", "wrong", "1.1.1.1", se.Notice.Entry.ID, "sorry"); err == nil {
		t.Fatal("appeal with a wrong password")
	}
	if _, err := e.Svc.AppealSuspended(e.Ctx, "member", "password123", "1.1.1.1", se.Notice.Entry.ID, "sorry"); err != nil {
		t.Fatal(err)
	}
	item := appealItem(t, e, mod)
	if err := e.Svc.ResolveQueueItem(e.Ctx, mod, item, forum.AppealReverse, ""); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("moderator reversed an administrator: %v", err)
	}
	if err := e.Svc.ResolveQueueItem(e.Ctx, admin, item, forum.AppealUphold, "stands"); err != nil {
		t.Fatal(err)
	}
	if sn, _ := e.Svc.ActiveSanction(e.Ctx, m.ID, models.SanctionSuspend); sn == nil {
		t.Fatal("upheld suspension was lifted")
	}
}

// TestAppealReviewedBySomeoneElse: the moderator who warned a member cannot
// decide the appeal while another site staff member could; alone, they
// may, and the audit entry says so.
func TestAppealReviewedBySomeoneElse(t *testing.T) {
	e := forumtest.New(t)
	mod := e.User("moddy", models.RoleModerator)
	e.User("other", models.RoleModerator)
	m := e.User("member", models.RoleMember)
	if _, err := e.Svc.Warn(e.Ctx, mod, "member", 0, "rude"); err != nil {
		t.Fatal(err)
	}
	ns, _ := e.Svc.Notices(e.Ctx, m)
	if _, err := e.Svc.Appeal(e.Ctx, m, ns[0].Entry.ID, "I was not"); err != nil {
		t.Fatal(err)
	}
	item := appealItem(t, e, mod)
	var fe *forum.ForbiddenError
	if err := e.Svc.ResolveQueueItem(e.Ctx, mod, item, forum.AppealUphold, "stands"); !errors.As(err, &fe) || !strings.Contains(fe.Message, "another moderator") {
		t.Fatalf("actor decided their own appeal: %v", err)
	}
	// The other moderator is suspended: nobody else could, so the actor may.
	admin := e.User("boss", models.RoleAdmin)
	if _, err := e.Svc.Suspend(e.Ctx, admin, "other", "", "away"); err != nil {
		t.Fatal(err)
	}
	if err := e.Store.SetUserRole(e.Ctx, admin.ID, models.RoleMember, e.Svc.Now()); err != nil {
		t.Fatal(err)
	}
	if err := e.Svc.ResolveQueueItem(e.Ctx, mod, item, forum.AppealUphold, "stands"); err != nil {
		t.Fatalf("sole staff member: %v", err)
	}
	var entry models.AuditEntry
	if err := e.Store.DB(e.Ctx).Where("action = ?", "appeal.uphold").First(&entry).Error; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(entry.Reason, "stands") || !strings.Contains(entry.Reason, "no other site staff") {
		t.Fatalf("audit reason: %q", entry.Reason)
	}
}
