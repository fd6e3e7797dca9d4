package forum_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// str is a pointer to s, for the optional fields of edit inputs.
func str(s string) *string { return &s }

// auditEntries lists the audit entries of one action, newest first.
func auditEntries(t *testing.T, e *forumtest.Env, action string) []models.AuditEntry {
	t.Helper()
	rows, err := e.Store.AuditEntries(e.Ctx, models.AuditQuery{Action: action}, 50)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestUpdateCategoryRefusesBadInput(t *testing.T) {
	e := forumtest.New(t)
	admin := e.User("boss", models.RoleAdmin)
	e.Category("general")
	e.Category("other")
	e.Category("parent")
	if _, err := e.Svc.CreateCategory(e.Ctx, admin, forum.CategoryInput{Name: "Child", Slug: "child", ParentSlug: "parent"}); err != nil {
		t.Fatal(err)
	}
	e.User("bob", models.RoleMember)
	cases := []struct {
		name, slug string
		edit       forum.CategoryEdit
		field      string
		msg        string
	}{
		{"taken slug", "general", forum.CategoryEdit{Slug: str("other")}, "slug", "exists"},
		{"invalid slug", "general", forum.CategoryEdit{Slug: str("Not A Slug!")}, "slug", "lower-case"},
		{"reserved slug", "general", forum.CategoryEdit{Slug: str("admin")}, "slug", "reserved"},
		{"member's name", "general", forum.CategoryEdit{Slug: str("bob")}, "slug", "member"},
		{"own parent", "general", forum.CategoryEdit{Parent: str("general")}, "parent", "own parent"},
		{"parent loop", "parent", forum.CategoryEdit{Parent: str("child")}, "parent", "cannot have subcategories"},
		{"has children", "parent", forum.CategoryEdit{Parent: str("general")}, "parent", "has subcategories"},
		{"unknown parent", "general", forum.CategoryEdit{Parent: str("nowhere")}, "parent", "no category"},
		{"empty name", "general", forum.CategoryEdit{Name: str("  ")}, "name", "empty"},
		{"bad colour", "general", forum.CategoryEdit{Color: str("red")}, "color", "colour"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Svc.UpdateCategory(e.Ctx, admin, tc.slug, tc.edit)
			ve, ok := forum.AsValidation(err)
			if !ok {
				t.Fatalf("err = %v, want a validation error", err)
			}
			if !strings.Contains(ve.Fields[tc.field], tc.msg) {
				t.Fatalf("%s error = %q, want it to mention %q (all: %v)", tc.field, ve.Fields[tc.field], tc.msg, ve.Fields)
			}
		})
	}
	c, err := e.Store.CategoryBySlug(e.Ctx, "general")
	if err != nil || c.Name != "general" || c.ParentID != nil {
		t.Fatalf("a refused edit changed the category: %+v %v", c, err)
	}
	if n := len(auditEntries(t, e, "category.edit")); n != 0 {
		t.Fatalf("refused edits audited %d times", n)
	}
	for _, who := range []struct {
		u    *models.User
		want error
	}{{nil, forum.ErrUnauthorized}, {e.User("member", models.RoleMember), forum.ErrForbidden}, {e.User("moddy", models.RoleModerator), forum.ErrForbidden}} {
		if _, err := e.Svc.UpdateCategory(e.Ctx, who.u, "general", forum.CategoryEdit{Name: str("Mine")}); !errors.Is(err, who.want) {
			t.Fatalf("edit by %v: err = %v, want %v", who.u, err, who.want)
		}
		if err := e.Svc.MoveCategory(e.Ctx, who.u, "general", 1); !errors.Is(err, who.want) {
			t.Fatalf("move by %v: err = %v, want %v", who.u, err, who.want)
		}
		if _, _, err := e.Svc.DeleteCategory(e.Ctx, who.u, "general", "other"); !errors.Is(err, who.want) {
			t.Fatalf("delete by %v: err = %v, want %v", who.u, err, who.want)
		}
	}
}

func TestRenameCategoryKeepsOldSlugAndActorSlug(t *testing.T) {
	e := forumtest.New(t)
	admin := e.User("boss", models.RoleAdmin)
	gen := e.Category("general")
	if gen.APSlug != "general" {
		t.Fatalf("APSlug at creation = %q", gen.APSlug)
	}
	c, err := e.Svc.UpdateCategory(e.Ctx, admin, "general", forum.CategoryEdit{
		Name: str("Chat"), Slug: str("chat"), Description: str("Talk"), Color: str("#AABBCC"), Position: intp(3),
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Slug != "chat" || c.Name != "Chat" || c.Color != "#aabbcc" || c.Position != 3 || c.APSlug != "general" {
		t.Fatalf("after rename: %+v", c)
	}
	got, moved, err := e.Svc.ResolveCategorySlug(e.Ctx, nil, "general")
	if err != nil || !moved || got.ID != gen.ID {
		t.Fatalf("old slug resolves to %+v moved=%v err=%v", got, moved, err)
	}
	la, err := e.Svc.ActorByName(e.Ctx, "general")
	if err != nil || la.Category == nil || la.Category.ID != gen.ID {
		t.Fatalf("WebFinger name general: %+v %v", la, err)
	}
	// The old slug stays the renamed category's: no one else may take it.
	if _, err := e.Svc.CreateCategory(e.Ctx, admin, forum.CategoryInput{Name: "New general", Slug: "general"}); err == nil {
		t.Fatal("a new category took a renamed category's old slug")
	}
	if _, _, err := e.Svc.SignUp(e.Ctx, forum.SignUpInput{Username: "general", Email: "g@example.com", Password: "password123"}); err == nil {
		t.Fatal("a member took a renamed category's old name")
	}
	e.Category("other")
	if _, err := e.Svc.UpdateCategory(e.Ctx, admin, "other", forum.CategoryEdit{Slug: str("general")}); err == nil {
		t.Fatal("another category took a renamed category's old slug")
	}
	// Renaming back is allowed: the slug is the category's own.
	c, err = e.Svc.UpdateCategory(e.Ctx, admin, "chat", forum.CategoryEdit{Slug: str("general")})
	if err != nil || c.Slug != "general" {
		t.Fatalf("rename back: %+v %v", c, err)
	}
	if _, moved, err := e.Svc.ResolveCategorySlug(e.Ctx, nil, "general"); err != nil || moved {
		t.Fatalf("after renaming back, general moved=%v err=%v", moved, err)
	}
	if got, moved, err := e.Svc.ResolveCategorySlug(e.Ctx, nil, "chat"); err != nil || !moved || got.ID != gen.ID {
		t.Fatalf("chat after renaming back: %+v moved=%v err=%v", got, moved, err)
	}
	entries := auditEntries(t, e, "category.edit")
	if len(entries) != 2 || entries[1].TargetType != forum.TargetCategory || entries[1].TargetID != gen.ID ||
		!strings.Contains(entries[1].Details, `"slug":["general","chat"]`) || !strings.Contains(entries[1].Details, `"name":["general","Chat"]`) {
		t.Fatalf("audit entries: %+v", entries)
	}
	// An edit that changes nothing is not audited.
	if _, err := e.Svc.UpdateCategory(e.Ctx, admin, "general", forum.CategoryEdit{Name: str("Chat")}); err != nil {
		t.Fatal(err)
	}
	if n := len(auditEntries(t, e, "category.edit")); n != 2 {
		t.Fatalf("a no-op edit was audited: %d entries", n)
	}
}

func intp(n int) *int { return &n }

func TestMoveCategoryReorders(t *testing.T) {
	e := forumtest.New(t)
	admin := e.User("boss", models.RoleAdmin)
	for _, s := range []string{"alpha", "beta", "gamma"} {
		e.Category(s)
	}
	order := func() string {
		tree, err := e.Svc.CategoryTree(e.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, n := range tree {
			s = append(s, n.Slug)
		}
		return strings.Join(s, " ")
	}
	if got := order(); got != "alpha beta gamma" {
		t.Fatalf("start: %s", got)
	}
	steps := []struct {
		slug  string
		delta int
		want  string
	}{
		{"gamma", -1, "alpha gamma beta"},
		{"gamma", -1, "gamma alpha beta"},
		{"gamma", -1, "gamma alpha beta"}, // already first
		{"alpha", 1, "gamma beta alpha"},
		{"alpha", 1, "gamma beta alpha"}, // already last
	}
	for _, st := range steps {
		if err := e.Svc.MoveCategory(e.Ctx, admin, st.slug, st.delta); err != nil {
			t.Fatal(err)
		}
		if got := order(); got != st.want {
			t.Fatalf("after moving %s by %d: %s, want %s", st.slug, st.delta, got, st.want)
		}
	}
	if n := len(auditEntries(t, e, "category.reorder")); n != 3 {
		t.Fatalf("reorder audited %d times, want 3 (moves past the end change nothing)", n)
	}
	if err := e.Svc.MoveCategory(e.Ctx, admin, "nowhere", 1); !errors.Is(err, forum.ErrNotFound) {
		t.Fatalf("unknown category: %v", err)
	}
}

func TestDeleteCategoryMovesThreads(t *testing.T) {
	e := forumtest.New(t)
	admin := e.User("boss", models.RoleAdmin)
	author := e.User("author", models.RoleMember)
	src := e.Category("old")
	dst := e.Category("dest")
	if _, err := e.Svc.CreateCategory(e.Ctx, admin, forum.CategoryInput{Name: "Sub", Slug: "sub", ParentSlug: "old"}); err != nil {
		t.Fatal(err)
	}
	t1, _ := e.Thread(author, "old", "First", "one")
	e.Reply(author, t1.ID, "a reply")
	t2, _ := e.Thread(author, "old", "Second", "two")
	e.Thread(author, "dest", "Already there", "three")
	if _, err := e.Svc.UpdateCategory(e.Ctx, admin, "old", forum.CategoryEdit{Slug: str("older")}); err != nil {
		t.Fatal(err)
	}
	sched := &models.ScheduledThread{UserID: admin.ID, CategoryID: src.ID, Title: "Later", Body: "soon", State: models.QueuePending}
	held := &models.HeldPost{UserID: author.ID, CategoryID: src.ID, Title: "Waiting", Body: "held"}
	for _, row := range []any{sched, held} {
		if err := e.Store.DB(e.Ctx).Create(row).Error; err != nil {
			t.Fatal(err)
		}
	}

	refused := []struct{ name, moveTo, msg string }{
		{"no target", "", "choose"},
		{"unknown target", "nowhere", "no category"},
		{"itself", "older", "being deleted"},
		{"its subcategory", "sub", "subcategory"},
	}
	for _, tc := range refused {
		_, _, err := e.Svc.DeleteCategory(e.Ctx, admin, "older", tc.moveTo)
		ve, ok := forum.AsValidation(err)
		if !ok || !strings.Contains(ve.Fields["move_to"], tc.msg) {
			t.Fatalf("%s: err = %v, want move_to mentioning %q", tc.name, err, tc.msg)
		}
	}

	to, n, err := e.Svc.DeleteCategory(e.Ctx, admin, "older", "dest")
	if err != nil {
		t.Fatal(err)
	}
	if to.ID != dst.ID || n != 2 {
		t.Fatalf("moved %d threads to %+v", n, to)
	}
	for _, id := range []int64{t1.ID, t2.ID} {
		th, err := e.Store.ThreadByID(e.Ctx, id)
		if err != nil || th.CategoryID != dst.ID {
			t.Fatalf("thread %d: %+v %v", id, th, err)
		}
	}
	got, err := e.Store.CategoryByID(e.Ctx, dst.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ThreadCount != 3 || got.PostCount != 4 {
		t.Fatalf("target counts: %d threads, %d posts; want 3 and 4", got.ThreadCount, got.PostCount)
	}
	if _, err := e.Store.CategoryByID(e.Ctx, src.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("deleted category still there: %v", err)
	}
	for _, slug := range []string{"old", "older"} {
		c, moved, err := e.Svc.ResolveCategorySlug(e.Ctx, nil, slug)
		if err != nil || !moved || c.ID != dst.ID {
			t.Fatalf("%s leads to %+v moved=%v err=%v", slug, c, moved, err)
		}
	}
	var schedCat, heldCat int64
	e.Store.DB(e.Ctx).Model(&models.ScheduledThread{}).Where("id = ?", sched.ID).Pluck("category_id", &schedCat)
	e.Store.DB(e.Ctx).Model(&models.HeldPost{}).Where("id = ?", held.ID).Pluck("category_id", &heldCat)
	if schedCat != dst.ID || heldCat != dst.ID {
		t.Fatalf("scheduled thread in %d, held thread in %d; want both in %d", schedCat, heldCat, dst.ID)
	}
	sub, err := e.Store.CategoryBySlug(e.Ctx, "sub")
	if err != nil || sub.ParentID != nil {
		t.Fatalf("the subcategory: %+v %v, want it top-level", sub, err)
	}
	entries := auditEntries(t, e, "category.delete")
	if len(entries) != 1 || entries[0].TargetID != src.ID || !strings.Contains(entries[0].Details, `"moved_to":"dest"`) ||
		!strings.Contains(entries[0].Details, `"threads":2`) {
		t.Fatalf("audit: %+v", entries)
	}

	// Down to one category: it cannot be deleted.
	if _, _, err := e.Svc.DeleteCategory(e.Ctx, admin, "sub", "dest"); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.Svc.DeleteCategory(e.Ctx, admin, "dest", "dest")
	if ve, ok := forum.AsValidation(err); !ok || !strings.Contains(ve.Fields["move_to"], "last category") {
		t.Fatalf("deleting the last category: %v", err)
	}
}

func TestStaffOnlyThreads(t *testing.T) {
	e := forumtest.New(t)
	admin := e.User("boss", models.RoleAdmin)
	e.Category("news")
	e.Category("other")
	yes := true
	if _, err := e.Svc.UpdateCategory(e.Ctx, admin, "news", forum.CategoryEdit{StaffOnlyThreads: &yes}); err != nil {
		t.Fatal(err)
	}
	scoped := e.User("scoped", models.RoleMember)
	other, err := e.Store.CategoryBySlug(e.Ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	if scoped, err = e.Svc.SetRole(e.Ctx, admin, scoped.Username, models.RoleModerator, []string{other.Slug}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		who  *models.User
		ok   bool
	}{
		{"member", e.User("member", models.RoleMember), false},
		{"moderator of another category", scoped, false},
		{"moderator", e.User("moddy", models.RoleModerator), true},
		{"admin", admin, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := e.Svc.CreateThread(e.Ctx, tc.who, forum.NewThread{Category: "news", Title: "An announcement", Body: "text"})
			if tc.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !tc.ok {
				ve, ok := forum.AsValidation(err)
				if !ok || !strings.Contains(ve.Fields["category"], "only staff") {
					t.Fatalf("err = %v, want the category's staff-only error", err)
				}
			}
		})
	}
	// Replies stay open to members.
	th, _ := e.Thread(admin, "news", "Open for replies", "reply below")
	e.Reply(e.User("member2", models.RoleMember), th.ID, "a member's reply")
}
