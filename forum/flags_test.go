package forum_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// firstPostView loads how the viewer sees post 1 of the thread.
func firstPostView(t *testing.T, e *forumtest.Env, viewer *models.User, threadID int64) forum.PostView {
	t.Helper()
	tp, err := e.Svc.ThreadPage(e.Ctx, viewer, threadID, 1)
	if err != nil {
		t.Fatal(err)
	}
	return tp.Posts[0]
}

func TestFlagWeightHidesAtThreshold(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	author := e.User("author", models.RoleMember)
	th, p := e.Thread(author, "general", "Buy cheap watches", "spam spam spam")
	mod := e.User("moddy", models.RoleModerator)
	m1 := e.User("member1", models.RoleMember)
	amb := e.User("amba", models.RoleAmbassador)

	if _, err := e.Svc.FlagPost(e.Ctx, author, p.ID, "spam", ""); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("own post: %v", err)
	}
	if _, err := e.Svc.FlagPost(e.Ctx, m1, p.ID, "rude", ""); err == nil {
		t.Fatal("unknown reason accepted")
	} else if ve, ok := forum.AsValidation(err); !ok || ve.Fields["reason"] == "" {
		t.Fatalf("reason: %v", err)
	}
	f, err := e.Svc.FlagPost(e.Ctx, m1, p.ID, "spam", "obvious")
	if err != nil || f.Weight != 1 {
		t.Fatalf("member flag: %v %+v", err, f)
	}
	if _, err := e.Svc.FlagPost(e.Ctx, m1, p.ID, "spam", ""); !errors.Is(err, forum.ErrConflict) {
		t.Fatalf("second flag: %v", err)
	}
	if firstPostView(t, e, nil, th.ID).Hidden {
		t.Fatal("hidden below the threshold")
	}
	v0, _ := e.Svc.ThreadVersion(e.Ctx, th.ID)
	// 1 + 2 = 3 reaches the default threshold: the ambassador counts double.
	f, err = e.Svc.FlagPost(e.Ctx, amb, p.ID, "spam", "")
	if err != nil || f.Weight != 2 {
		t.Fatalf("ambassador flag: %v %+v", err, f)
	}
	if v1, _ := e.Svc.ThreadVersion(e.Ctx, th.ID); v1 == v0 {
		t.Fatal("hiding did not change the thread version")
	}
	anon := firstPostView(t, e, nil, th.ID)
	if !anon.Hidden || strings.Contains(anon.HTML, "spam spam") || !strings.Contains(anon.HTML, forum.HiddenPlaceholder) || anon.Body != "" {
		t.Fatalf("logged-out view of hidden post: %+v", anon)
	}
	staff := firstPostView(t, e, mod, th.ID)
	if !staff.HiddenForStaff || !strings.Contains(staff.HTML, "spam spam") {
		t.Fatalf("staff view of hidden post: %+v", staff)
	}

	q, err := e.Svc.Queue(e.Ctx, mod, "", "")
	if err != nil || len(q.Items) != 1 {
		t.Fatalf("queue: %v %+v", err, q)
	}
	it := q.Items[0]
	if it.Weight != 3 || len(it.Flags) != 2 || it.Reasons["spam"] != 2 || !it.Hidden || it.Author.ID != author.ID || it.Post.ID != p.ID {
		t.Fatalf("queue item: %+v", it)
	}
	if a, _ := e.Svc.Audit(e.Ctx, mod, forum.AuditFilter{Action: "post.auto_hide"}, 10); len(a.Entries) != 1 || a.Entries[0].TargetID != p.ID || a.Entries[0].ActorID != 0 {
		t.Fatalf("auto-hide audit: %+v", a.Entries)
	}

	if err := e.Svc.ResolveQueueItem(e.Ctx, mod, it.ID, "shrug", ""); err == nil {
		t.Fatal("unknown action accepted")
	}
	if err := e.Svc.ResolveQueueItem(e.Ctx, mod, it.ID, forum.ResolveApprove, "it is fine"); err != nil {
		t.Fatal(err)
	}
	if firstPostView(t, e, nil, th.ID).Hidden {
		t.Fatal("approve left the post hidden")
	}
	if err := e.Svc.ResolveQueueItem(e.Ctx, mod, it.ID, forum.ResolveHide, ""); !errors.Is(err, forum.ErrConflict) {
		t.Fatalf("resolving twice: %v", err)
	}
	if err := e.Svc.ResolveQueueItem(e.Ctx, mod, 9999, forum.ResolveHide, ""); !errors.Is(err, forum.ErrNotFound) {
		t.Fatalf("missing item: %v", err)
	}
	if a, _ := e.Svc.Audit(e.Ctx, mod, forum.AuditFilter{Action: "queue.approve"}, 10); len(a.Entries) != 1 || a.Entries[0].Reason != "it is fine" || a.Entries[0].ActorID != mod.ID {
		t.Fatalf("approve audit: %+v", a.Entries)
	}
	if q, _ := e.Svc.Queue(e.Ctx, mod, "", ""); len(q.Items) != 0 {
		t.Fatalf("resolved item still open: %+v", q.Items)
	}

	// A new flag after review opens a new item; old flags do not count again.
	m2 := e.User("member2", models.RoleMember)
	if _, err := e.Svc.FlagPost(e.Ctx, m2, p.ID, "other", "still spam"); err != nil {
		t.Fatal(err)
	}
	q, _ = e.Svc.Queue(e.Ctx, mod, "", "")
	if len(q.Items) != 1 || q.Items[0].ID == it.ID || q.Items[0].Weight != 1 || q.Items[0].Hidden {
		t.Fatalf("second round: %+v", q.Items)
	}
	if err := e.Svc.ResolveQueueItem(e.Ctx, mod, q.Items[0].ID, forum.ResolveDelete, "spam"); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.Store.PostByID(e.Ctx, p.ID); got.DeletedAt == nil || got.DeletedBy == nil || *got.DeletedBy != mod.ID {
		t.Fatalf("delete did not soft-delete: %+v", got)
	}
}

func TestFlagThresholdIsConfigurable(t *testing.T) {
	e := forumtest.New(t)
	e.Svc.FlagHideThreshold = 1
	e.Category("general")
	th, p := e.Thread(e.User("author", models.RoleMember), "general", "Hello there", "text")
	if _, err := e.Svc.FlagPost(e.Ctx, e.User("member1", models.RoleMember), p.ID, "harassment", ""); err != nil {
		t.Fatal(err)
	}
	if !firstPostView(t, e, nil, th.ID).Hidden {
		t.Fatal("one flag did not hide at threshold 1")
	}
	mod := e.User("moddy", models.RoleModerator)
	q, _ := e.Svc.Queue(e.Ctx, mod, "", "")
	if err := e.Svc.ResolveQueueItem(e.Ctx, mod, q.Items[0].ID, forum.ResolveHide, "rude"); err != nil {
		t.Fatal(err)
	}
	if !firstPostView(t, e, nil, th.ID).Hidden {
		t.Fatal("hide resolution unhid the post")
	}
	if r, _ := e.Svc.Queue(e.Ctx, mod, "resolved", ""); len(r.Items) != 1 || r.Items[0].Resolution != "hide" || len(r.Items[0].Flags) != 1 {
		t.Fatalf("resolved list: %+v", r.Items)
	}
}
