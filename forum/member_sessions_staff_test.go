package forum_test

import (
	"errors"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

const firefoxUA = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"

func TestStaffEndsMemberSession(t *testing.T) {
	e := forumtest.New(t)
	admin := e.User("boss", models.RoleAdmin)
	mod := e.User("moddy", models.RoleModerator)
	member := e.User("plain", models.RoleMember)
	keep, err := e.Svc.StartSession(e.Ctx, member.ID, "192.0.2.1", firefoxUA)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.StartSession(e.Ctx, member.ID, "192.0.2.2", firefoxUA); err != nil {
		t.Fatal(err)
	}
	r, err := e.Svc.MemberRecord(e.Ctx, mod, "plain")
	if err != nil || len(r.Sessions) != 2 {
		t.Fatalf("record sessions: %v %v", r, err)
	}
	var gone string
	for _, x := range r.Sessions {
		if x.Addr == "192.0.2.2" {
			gone = x.PublicID
		}
		if x.Browser != "Firefox on Linux" {
			t.Errorf("browser %q", x.Browser)
		}
	}
	if err := e.Svc.EndMemberSession(e.Ctx, member, "plain", gone); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("member ends a session through the staff tool: %v", err)
	}
	if err := e.Svc.EndMemberSession(e.Ctx, nil, "plain", gone); !errors.Is(err, forum.ErrUnauthorized) {
		t.Fatalf("visitor: %v", err)
	}
	if err := e.Svc.EndMemberSession(e.Ctx, mod, "plain", "nope"); !errors.Is(err, forum.ErrNotFound) {
		t.Fatalf("unknown session: %v", err)
	}
	adminSess, _ := e.Svc.StartSession(e.Ctx, admin.ID, "192.0.2.9", firefoxUA)
	ar, _ := e.Svc.MemberRecord(e.Ctx, admin, "boss")
	if err := e.Svc.EndMemberSession(e.Ctx, mod, "boss", ar.Sessions[0].PublicID); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("moderator ends an admin's session: %v", err)
	}
	if _, err := e.Svc.SessionUser(e.Ctx, adminSess); err != nil {
		t.Fatalf("admin's session ended anyway: %v", err)
	}
	// Another member's session id under this member's name is not found.
	if err := e.Svc.EndMemberSession(e.Ctx, admin, "moddy", gone); !errors.Is(err, forum.ErrNotFound) {
		t.Fatalf("someone else's session: %v", err)
	}
	if err := e.Svc.EndMemberSession(e.Ctx, mod, "plain", gone); err != nil {
		t.Fatal(err)
	}
	r, _ = e.Svc.MemberRecord(e.Ctx, mod, "plain")
	if len(r.Sessions) != 1 || r.Sessions[0].Addr != "192.0.2.1" {
		t.Fatalf("after: %+v", r.Sessions)
	}
	if _, err := e.Svc.SessionUser(e.Ctx, keep); err != nil {
		t.Fatalf("the other session ended too: %v", err)
	}
	page, err := e.Svc.Audit(e.Ctx, admin, forum.AuditFilter{Action: "user.session_end"}, 10)
	if err != nil || len(page.Entries) != 1 || page.Entries[0].TargetID != member.ID || page.Entries[0].Actor.ID != mod.ID {
		t.Fatalf("audit: %+v %v", page, err)
	}
}
