package forum_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// scopedEnv is a forum with two categories and an administrator; its
// fixture is a thread in "general" with a flagged reply.
type scopedEnv struct {
	*forumtest.Env
	admin *models.User
	*fixture
}

// fixture is one thread in "general" by its own author, with a reply that
// a member flagged, so each action of the matrix acts on fresh rows.
type fixture struct {
	author *models.User
	thread *models.Thread
	post   *models.Post // a reply by author, flagged
	item   int64        // its queue item
}

func newScopedEnv(t *testing.T) *scopedEnv {
	e := forumtest.New(t)
	e.Category("general")
	e.Category("other")
	se := &scopedEnv{Env: e, admin: e.User("boss", models.RoleAdmin)}
	se.fixture = se.newFixture(t, "author")
	return se
}

func (e *scopedEnv) newFixture(t *testing.T, name string) *fixture {
	author := e.User(name, models.RoleMember)
	th, _ := e.Thread(author, "general", "A thread to moderate", "body")
	p := e.Reply(author, th.ID, "a reply someone flags")
	if _, err := e.Svc.FlagPost(e.Ctx, e.User("flagger_"+name, models.RoleMember), p.ID, "spam", ""); err != nil {
		t.Fatal(err)
	}
	it, err := e.Store.UnresolvedQueueItem(e.Ctx, p.ID)
	if err != nil {
		t.Fatalf("queue item: %v", err)
	}
	return &fixture{author: author, thread: th, post: p, item: it.ID}
}

// actor creates the member for a role name of the matrix.
func (e *scopedEnv) actor(t *testing.T, kind string) *models.User {
	role, cats := map[string]string{
		"member": models.RoleMember, "ambassador": models.RoleAmbassador, "catmod_in": models.RoleModerator,
		"catmod_out": models.RoleModerator, "catmod_both": models.RoleModerator, "moderator": models.RoleModerator, "admin": models.RoleAdmin,
	}[kind], map[string][]string{"catmod_in": {"general"}, "catmod_out": {"other"}, "catmod_both": {"general", "other"}}[kind]
	u := e.User("actor_"+kind, models.RoleMember)
	u, err := e.Svc.SetRole(e.Ctx, e.admin, u.Username, role, cats)
	if err != nil {
		t.Fatalf("set role %s: %v", kind, err)
	}
	return u
}

// TestRoleActionMatrix is the role × action table for every moderator
// permission: members and ambassadors never moderate; a category moderator
// acts inside their categories only (a move needs both ends); site
// moderators everywhere but never on staff; administrators on anyone.
func TestRoleActionMatrix(t *testing.T) {
	kinds := []string{"member", "ambassador", "catmod_in", "catmod_out", "catmod_both", "moderator", "admin"}
	in := []string{"catmod_in", "catmod_both", "moderator", "admin"}
	site := []string{"moderator", "admin"}
	allOf := func(ks ...string) map[string]bool {
		m := map[string]bool{}
		for _, k := range ks {
			m[k] = true
		}
		return m
	}
	type act func(e *scopedEnv, fx *fixture, a *models.User) error
	actions := []struct {
		name    string
		allowed map[string]bool
		do      act
	}{
		{"lock", allOf(in...), func(e *scopedEnv, fx *fixture, a *models.User) error {
			return e.Svc.LockThread(e.Ctx, a, fx.thread.ID, "")
		}},
		{"unlock", allOf(in...), func(e *scopedEnv, fx *fixture, a *models.User) error {
			return e.Svc.UnlockThread(e.Ctx, a, fx.thread.ID, "")
		}},
		{"pin", allOf(in...), func(e *scopedEnv, fx *fixture, a *models.User) error {
			return e.Svc.PinThread(e.Ctx, a, fx.thread.ID, "")
		}},
		{"unpin", allOf(in...), func(e *scopedEnv, fx *fixture, a *models.User) error {
			return e.Svc.UnpinThread(e.Ctx, a, fx.thread.ID, "")
		}},
		{"move", allOf("catmod_both", "moderator", "admin"), func(e *scopedEnv, fx *fixture, a *models.User) error {
			return e.Svc.MoveThread(e.Ctx, a, fx.thread.ID, "other", "")
		}},
		// A category moderator elsewhere opens the queue but sees none
		// of this category's items; an ambassador opens it for approval
		// items only, so this flag item is not theirs to see.
		{"queue", allOf(append(in, "catmod_out", "ambassador")...), func(e *scopedEnv, fx *fixture, a *models.User) error {
			q, err := e.Svc.Queue(e.Ctx, a, "", "")
			if err != nil {
				return err
			}
			found := false
			for _, it := range q.Items {
				found = found || it.ID == fx.item
			}
			if want := a.Username != "actor_catmod_out" && a.Role != models.RoleAmbassador; found != want {
				return fmt.Errorf("queue shows the item: %v, want %v", found, want)
			}
			return nil
		}},
		{"resolve", allOf(in...), func(e *scopedEnv, fx *fixture, a *models.User) error {
			return e.Svc.ResolveQueueItem(e.Ctx, a, fx.item, forum.ResolveHide, "")
		}},
		{"claim", allOf(in...), func(e *scopedEnv, fx *fixture, a *models.User) error { return e.Svc.ClaimQueueItem(e.Ctx, a, fx.item) }},
		{"note", allOf(in...), func(e *scopedEnv, fx *fixture, a *models.User) error {
			_, err := e.Svc.AddQueueNote(e.Ctx, a, fx.item, "seen before")
			return err
		}},
		{"queue_lock", allOf(in...), func(e *scopedEnv, fx *fixture, a *models.User) error {
			return e.Svc.QueueAct(e.Ctx, a, fx.item, forum.QueueActLock, "", "")
		}},
		{"warn", allOf(in...), func(e *scopedEnv, fx *fixture, a *models.User) error {
			_, err := e.Svc.Warn(e.Ctx, a, fx.author.Username, fx.post.ID, "be kind")
			return err
		}},
		{"edit_post", allOf(in...), func(e *scopedEnv, fx *fixture, a *models.User) error {
			_, err := e.Svc.EditPost(e.Ctx, a, fx.post.ID, "moderated text")
			return err
		}},
		{"hide_post", allOf(in...), func(e *scopedEnv, fx *fixture, a *models.User) error {
			return e.Svc.SetPostHidden(e.Ctx, a, fx.post.ID, true, "")
		}},
		// The thread page offers Edit, Delete and Hide under the reply to
		// exactly those allowed to do them (ErrForbidden: no buttons).
		{"post_buttons", allOf(in...), func(e *scopedEnv, fx *fixture, a *models.User) error {
			tp, err := e.Svc.ThreadPage(e.Ctx, a, fx.thread.ID, 1)
			if err != nil {
				return err
			}
			for _, v := range tp.Posts {
				if v.ID != fx.post.ID {
					continue
				}
				switch {
				case v.CanEdit && v.CanDelete && v.CanHide:
					return nil
				case !v.CanEdit && !v.CanDelete && !v.CanHide:
					return forum.ErrForbidden
				}
				return fmt.Errorf("edit %v, delete %v, hide %v", v.CanEdit, v.CanDelete, v.CanHide)
			}
			return fmt.Errorf("reply not on page 1")
		}},
		{"delete_post", allOf(in...), func(e *scopedEnv, fx *fixture, a *models.User) error { return e.Svc.DeletePost(e.Ctx, a, fx.post.ID) }},
		{"reply_locked", allOf(in...), func(e *scopedEnv, fx *fixture, a *models.User) error {
			if err := e.Svc.LockThread(e.Ctx, e.admin, fx.thread.ID, ""); err != nil {
				return err
			}
			_, err := e.Svc.Reply(e.Ctx, a, fx.thread.ID, forum.NewReply{Body: "staff note"})
			return err
		}},
		{"silence", allOf(site...), func(e *scopedEnv, fx *fixture, a *models.User) error {
			_, err := e.Svc.Silence(e.Ctx, a, fx.author.Username, "1h", "")
			return err
		}},
		{"suspend", allOf(site...), func(e *scopedEnv, fx *fixture, a *models.User) error {
			_, err := e.Svc.Suspend(e.Ctx, a, fx.author.Username, "1h", "")
			return err
		}},
		{"audit", allOf(site...), func(e *scopedEnv, fx *fixture, a *models.User) error {
			_, err := e.Svc.Audit(e.Ctx, a, forum.AuditFilter{}, 10)
			return err
		}},
		{"member_record", allOf(site...), func(e *scopedEnv, fx *fixture, a *models.User) error {
			_, err := e.Svc.MemberRecord(e.Ctx, a, fx.author.Username)
			return err
		}},
		{"set_role", allOf("admin"), func(e *scopedEnv, fx *fixture, a *models.User) error {
			_, err := e.Svc.SetRole(e.Ctx, a, fx.author.Username, models.RoleAmbassador, nil)
			return err
		}},
		{"suspend_admin", allOf(), func(e *scopedEnv, fx *fixture, a *models.User) error {
			if a.Role == models.RoleAdmin {
				return forum.ErrForbidden // an admin never suspends themselves; see TestSanctionRules
			}
			_, err := e.Svc.Suspend(e.Ctx, a, "boss", "1h", "")
			return err
		}},
		{"warn_moderator", allOf("admin"), func(e *scopedEnv, fx *fixture, a *models.User) error {
			peer := e.User(fmt.Sprintf("peer%d", a.ID), models.RoleMember)
			if _, err := e.Svc.SetRole(e.Ctx, e.admin, peer.Username, models.RoleModerator, nil); err != nil {
				return err
			}
			_, err := e.Svc.Warn(e.Ctx, a, peer.Username, 0, "no")
			return err
		}},
	}
	// One forum per role (a fresh schema per case is minutes on
	// PostgreSQL); each action gets its own fixture in it.
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			e := newScopedEnv(t)
			a := e.actor(t, kind)
			for _, ac := range actions {
				t.Run(ac.name, func(t *testing.T) {
					fx := e.newFixture(t, "author_"+ac.name)
					err := ac.do(e, fx, a)
					if ac.allowed[kind] && err != nil {
						t.Fatalf("%s as %s: %v", ac.name, kind, err)
					}
					if !ac.allowed[kind] && !errors.Is(err, forum.ErrForbidden) {
						t.Fatalf("%s as %s: got %v, want ErrForbidden", ac.name, kind, err)
					}
				})
			}
		})
	}
}

func TestScopedRoleIsStoredAndAudited(t *testing.T) {
	e := newScopedEnv(t)
	u := e.User("helper", models.RoleMember)
	got, err := e.Svc.SetRole(e.Ctx, e.admin, u.Username, models.RoleModerator, []string{"general", "other", "general"})
	if err != nil || !got.RoleScoped || len(got.RoleCategoryIDs) != 2 {
		t.Fatalf("set scoped role: %+v %v", got, err)
	}
	// Same role and categories again: nothing changes, nothing recorded.
	if _, err := e.Svc.SetRole(e.Ctx, e.admin, u.Username, models.RoleModerator, []string{"other", "general"}); err != nil {
		t.Fatal(err)
	}
	if n := auditCount(t, e.Env, "user.role"); n != 1 {
		t.Fatalf("role audit entries: %d", n)
	}
	if _, err := e.Svc.SetRole(e.Ctx, e.admin, u.Username, models.RoleModerator, []string{"nowhere"}); !isValidation(err, "categories") {
		t.Fatalf("unknown category: %v", err)
	}
	if _, err := e.Svc.SetRole(e.Ctx, e.admin, u.Username, models.RoleAdmin, []string{"general"}); !isValidation(err, "categories") {
		t.Fatalf("scoped admin: %v", err)
	}
	// Back to site-wide: the scope goes.
	got, err = e.Svc.SetRole(e.Ctx, e.admin, u.Username, models.RoleModerator, nil)
	if err != nil || got.RoleScoped {
		t.Fatalf("unscope: %+v %v", got, err)
	}
	fresh, _ := e.Store.UserByID(e.Ctx, u.ID)
	if fresh.RoleScoped || !fresh.IsStaff() {
		t.Fatalf("stored user: %+v", fresh)
	}
}

// A scoped moderator loaded without their categories (a caller that forgot
// LoadScope) moderates nothing rather than everything.
func TestScopeFailsClosed(t *testing.T) {
	e := newScopedEnv(t)
	a := e.actor(t, "catmod_in")
	bare, _ := e.Store.UserByID(e.Ctx, a.ID)
	if forum.CanModerateCategory(bare, e.thread.CategoryID) || bare.IsStaff() {
		t.Fatal("unloaded scope granted rights")
	}
	if err := e.Svc.LockThread(e.Ctx, bare, e.thread.ID, ""); err != nil {
		t.Fatalf("domain call loads the scope itself: %v", err)
	}
}

func TestAmbassadorFlagWeightIsScoped(t *testing.T) {
	e := newScopedEnv(t)
	amb := e.User("amb", models.RoleMember)
	amb, _ = e.Svc.SetRole(e.Ctx, e.admin, "amb", models.RoleAmbassador, []string{"other"})
	f, err := e.Svc.FlagPost(e.Ctx, amb, e.post.ID, "spam", "")
	if err != nil || f.Weight != 1 {
		t.Fatalf("outside their category: %+v %v", f, err)
	}
	site := e.actor(t, "ambassador")
	f, err = e.Svc.FlagPost(e.Ctx, site, e.post.ID, "spam", "")
	if err != nil || f.Weight != 2 {
		t.Fatalf("site ambassador: %+v %v", f, err)
	}
}
