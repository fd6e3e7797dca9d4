package forum_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// TestModerationPermissions is the role × action matrix: every moderation
// action refuses members and ambassadors and works for moderators and
// administrators; flagging is open to every logged-in member.
func TestModerationPermissions(t *testing.T) {
	roles := []string{models.RoleMember, models.RoleAmbassador, models.RoleModerator, models.RoleAdmin}
	staffOnly := map[string]bool{models.RoleModerator: true, models.RoleAdmin: true}
	actions := map[string]struct {
		allowed map[string]bool
		do      func(e *forumtest.Env, actor *models.User, th *models.Thread, post *models.Post) error
	}{
		"lock": {staffOnly, func(e *forumtest.Env, a *models.User, th *models.Thread, _ *models.Post) error {
			return e.Svc.LockThread(e.Ctx, a, th.ID, "")
		}},
		"pin": {staffOnly, func(e *forumtest.Env, a *models.User, th *models.Thread, _ *models.Post) error {
			return e.Svc.PinThread(e.Ctx, a, th.ID, "")
		}},
		"move": {staffOnly, func(e *forumtest.Env, a *models.User, th *models.Thread, _ *models.Post) error {
			return e.Svc.MoveThread(e.Ctx, a, th.ID, "other", "")
		}},
		"resolve": {staffOnly, func(e *forumtest.Env, a *models.User, _ *models.Thread, p *models.Post) error {
			flagger := e.User(fmt.Sprintf("flagger%d", p.ID), models.RoleMember)
			if _, err := e.Svc.FlagPost(e.Ctx, flagger, p.ID, "spam", ""); err != nil {
				return fmt.Errorf("setup flag: %w", err)
			}
			q, err := e.Svc.Queue(e.Ctx, e.User(fmt.Sprintf("qmod%d", p.ID), models.RoleModerator), "", "")
			if err != nil || len(q.Items) != 1 {
				return fmt.Errorf("setup queue: %v %v", err, q)
			}
			return e.Svc.ResolveQueueItem(e.Ctx, a, q.Items[0].ID, forum.ResolveDismiss, "")
		}},
		"audit": {staffOnly, func(e *forumtest.Env, a *models.User, _ *models.Thread, _ *models.Post) error {
			_, err := e.Svc.Audit(e.Ctx, a, forum.AuditFilter{}, 10)
			return err
		}},
		// Ambassadors open the queue too, but see only approval items
		// (admission_test.go checks what they see).
		"queue": {map[string]bool{models.RoleAmbassador: true, models.RoleModerator: true, models.RoleAdmin: true}, func(e *forumtest.Env, a *models.User, _ *models.Thread, _ *models.Post) error {
			_, err := e.Svc.Queue(e.Ctx, a, "", "")
			return err
		}},
		"flag": {map[string]bool{models.RoleMember: true, models.RoleAmbassador: true, models.RoleModerator: true, models.RoleAdmin: true},
			func(e *forumtest.Env, a *models.User, _ *models.Thread, p *models.Post) error {
				_, err := e.Svc.FlagPost(e.Ctx, a, p.ID, "off_topic", "please look")
				return err
			}},
	}
	for name, act := range actions {
		for _, role := range roles {
			t.Run(name+"/"+role, func(t *testing.T) {
				e := forumtest.New(t)
				e.Category("general")
				e.Category("other")
				author := e.User("author", models.RoleMember)
				th, p := e.Thread(author, "general", "A thread to moderate", "body")
				actor := e.User("someone", role)
				err := act.do(e, actor, th, p)
				if act.allowed[role] && err != nil {
					t.Fatalf("%s as %s: %v", name, role, err)
				}
				if !act.allowed[role] && !errors.Is(err, forum.ErrForbidden) {
					t.Fatalf("%s as %s: got %v, want ErrForbidden", name, role, err)
				}
			})
		}
	}
	t.Run("logged out", func(t *testing.T) {
		e := forumtest.New(t)
		e.Category("general")
		th, p := e.Thread(e.User("author", models.RoleMember), "general", "A thread to moderate", "body")
		if err := e.Svc.LockThread(e.Ctx, nil, th.ID, ""); !errors.Is(err, forum.ErrUnauthorized) {
			t.Fatalf("lock: %v", err)
		}
		if _, err := e.Svc.FlagPost(e.Ctx, nil, p.ID, "spam", ""); !errors.Is(err, forum.ErrUnauthorized) {
			t.Fatalf("flag: %v", err)
		}
	})
}

func TestLockIsIdempotentAndAudited(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	mod := e.User("moddy", models.RoleModerator)
	th, _ := e.Thread(e.User("author", models.RoleMember), "general", "Heated thread", "body")
	v0, _ := e.Svc.ThreadVersion(e.Ctx, th.ID)
	for i := 0; i < 2; i++ {
		if err := e.Svc.LockThread(e.Ctx, mod, th.ID, "cooling off"); err != nil {
			t.Fatalf("lock %d: %v", i, err)
		}
	}
	got, _ := e.Store.ThreadByID(e.Ctx, th.ID)
	if !got.Locked {
		t.Fatal("thread not locked")
	}
	if v1, _ := e.Svc.ThreadVersion(e.Ctx, th.ID); v1 == v0 {
		t.Fatal("locking did not change the thread version")
	}
	page, err := e.Svc.Audit(e.Ctx, mod, forum.AuditFilter{Action: "thread.lock"}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != 1 {
		t.Fatalf("want one audit entry for two locks, got %d", len(page.Entries))
	}
	en := page.Entries[0]
	if en.ActorID != mod.ID || en.Actor == nil || en.Actor.Username != "moddy" || en.TargetType != forum.TargetThread || en.TargetID != th.ID || en.Reason != "cooling off" {
		t.Fatalf("audit entry: %+v", en)
	}
	if _, err := e.Svc.Reply(e.Ctx, e.User("m2", models.RoleMember), th.ID, forum.NewReply{Body: "hi"}); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("member replied to a locked thread: %v", err)
	}
	if err := e.Svc.UnlockThread(e.Ctx, mod, th.ID, ""); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.Store.ThreadByID(e.Ctx, th.ID); got.Locked {
		t.Fatal("thread still locked")
	}
}

func TestMoveThreadKeepsCounts(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	e.Category("other")
	admin := e.User("boss", models.RoleAdmin)
	author := e.User("author", models.RoleMember)
	th, _ := e.Thread(author, "general", "Wrong place", "body")
	e.Reply(author, th.ID, "second")
	if err := e.Svc.MoveThread(e.Ctx, admin, th.ID, "nowhere", ""); err == nil {
		t.Fatal("moved to a missing category")
	} else if ve, ok := forum.AsValidation(err); !ok || ve.Fields["category"] == "" {
		t.Fatalf("want a category validation error, got %v", err)
	}
	_, v0, _ := e.Store.CategoryVersion(e.Ctx, "general")
	if err := e.Svc.MoveThread(e.Ctx, admin, th.ID, "other", "belongs there"); err != nil {
		t.Fatal(err)
	}
	if err := e.Svc.MoveThread(e.Ctx, admin, th.ID, "other", "again"); err != nil {
		t.Fatal(err)
	}
	from, _ := e.Store.CategoryBySlug(e.Ctx, "general")
	to, _ := e.Store.CategoryBySlug(e.Ctx, "other")
	if from.ThreadCount != 0 || from.PostCount != 0 || to.ThreadCount != 1 || to.PostCount != 2 {
		t.Fatalf("counts: from %d/%d to %d/%d", from.ThreadCount, from.PostCount, to.ThreadCount, to.PostCount)
	}
	if _, v1, _ := e.Store.CategoryVersion(e.Ctx, "general"); v1 == v0 {
		t.Fatal("source category version unchanged")
	}
	list, err := e.Svc.ListThreads(e.Ctx, "other", "")
	if err != nil || len(list.Threads) != 1 || list.Threads[0].ID != th.ID {
		t.Fatalf("destination list: %v %+v", err, list)
	}
	page, _ := e.Svc.Audit(e.Ctx, admin, forum.AuditFilter{Action: "thread.move"}, 10)
	if len(page.Entries) != 1 || page.Entries[0].Details != `{"from":"general","to":"other"}` {
		t.Fatalf("move audit: %+v", page.Entries)
	}
}

func TestAuditKeysetPaging(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	mod := e.User("moddy", models.RoleModerator)
	th, _ := e.Thread(e.User("author", models.RoleMember), "general", "Flip flop", "body")
	for i := 0; i < 7; i++ {
		if err := e.Svc.PinThread(e.Ctx, mod, th.ID, fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
		if err := e.Svc.UnpinThread(e.Ctx, mod, th.ID, fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	var seen []int64
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		p, err := e.Svc.Audit(e.Ctx, mod, forum.AuditFilter{Actor: "moddy", TargetType: "thread", TargetID: th.ID, Before: cursor}, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, en := range p.Entries {
			seen = append(seen, en.ID)
		}
		if p.Next == "" {
			break
		}
		cursor = p.Next
	}
	if len(seen) != 14 {
		t.Fatalf("saw %d entries, want 14", len(seen))
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] >= seen[i-1] {
			t.Fatalf("not newest first without repeats: %v", seen)
		}
	}
	if p, _ := e.Svc.Audit(e.Ctx, mod, forum.AuditFilter{Action: "thread.pin"}, 50); len(p.Entries) != 7 {
		t.Fatalf("action filter: %d", len(p.Entries))
	}
	if p, _ := e.Svc.Audit(e.Ctx, mod, forum.AuditFilter{Actor: "nobody"}, 50); len(p.Entries) != 0 {
		t.Fatalf("unknown actor matched %d", len(p.Entries))
	}
	if _, err := e.Svc.Audit(e.Ctx, mod, forum.AuditFilter{Before: "junk"}, 50); err == nil {
		t.Fatal("bad cursor accepted")
	}
}
