package forum_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// TestSanctionRoleMatrix is role × action for silence, suspend and role
// changes: moderators act on members and ambassadors only, administrators
// on anyone but themselves, others on no one.
func TestSanctionRoleMatrix(t *testing.T) {
	roles := []string{models.RoleMember, models.RoleAmbassador, models.RoleModerator, models.RoleAdmin}
	allowed := func(action, actor, target string) bool {
		switch {
		case action == "role":
			return actor == models.RoleAdmin
		case actor == models.RoleAdmin:
			return true
		case actor == models.RoleModerator:
			return target == models.RoleMember || target == models.RoleAmbassador
		}
		return false
	}
	for _, action := range []string{"silence", "suspend", "role"} {
		for _, ar := range roles {
			for _, tr := range roles {
				t.Run(action+"/"+ar+"_on_"+tr, func(t *testing.T) {
					env := forumtest.New(t)
					actor, target := env.User("acting", ar), env.User("targeted", tr)
					var err error
					switch action {
					case "silence":
						_, err = env.Svc.Silence(env.Ctx, actor, target.Username, "72h", "r")
					case "suspend":
						_, err = env.Svc.Suspend(env.Ctx, actor, target.Username, "", "r")
					case "role":
						_, err = env.Svc.SetRole(env.Ctx, actor, target.Username, models.RoleAmbassador, nil)
					}
					if want := allowed(action, ar, tr); want != (err == nil) {
						t.Fatalf("allowed=%v, err=%v", want, err)
					}
					if err != nil && !errors.Is(err, forum.ErrForbidden) {
						t.Fatalf("want ErrForbidden, got %v", err)
					}
				})
			}
		}
	}
}

func TestSanctionSelfAndValidation(t *testing.T) {
	env := forumtest.New(t)
	admin, mod := env.User("admin1", models.RoleAdmin), env.User("mod1", models.RoleModerator)
	env.User("m1", models.RoleMember)
	if _, err := env.Svc.Suspend(env.Ctx, admin, "admin1", "", ""); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("self-suspend: %v", err)
	}
	if _, err := env.Svc.SetRole(env.Ctx, admin, "admin1", models.RoleMember, nil); !isValidation(err, "role") {
		t.Fatalf("self-demote: %v", err)
	}
	for _, d := range []string{"soon", "-3h", "0s", "1000000d"} {
		if _, err := env.Svc.Silence(env.Ctx, mod, "m1", d, ""); !isValidation(err, "duration") {
			t.Errorf("duration %q: %v", d, err)
		}
	}
	if _, err := env.Svc.Silence(env.Ctx, mod, "nobody", "1h", ""); !errors.Is(err, forum.ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
	if _, err := env.Svc.SetRole(env.Ctx, admin, "m1", "king", nil); !isValidation(err, "role") {
		t.Fatalf("bad role: %v", err)
	}
	if _, err := env.Svc.SetRole(env.Ctx, admin, "m1", models.RoleModerator, []string{"no-such-category"}); !isValidation(err, "categories") {
		t.Fatalf("categories: %v", err)
	}
	if u, err := env.Svc.SetRole(env.Ctx, admin, "m1", models.RoleModerator, nil); err != nil || u.Role != models.RoleModerator {
		t.Fatalf("set role: %v %v", u, err)
	}
	if n := auditCount(t, env, "user.role"); n != 1 {
		t.Fatalf("role audit entries: %d", n)
	}
}

func isValidation(err error, field string) bool {
	ve, ok := forum.AsValidation(err)
	return ok && ve.Fields[field] != ""
}

func auditCount(t *testing.T, env *forumtest.Env, action string) int {
	t.Helper()
	var n int64
	if err := env.Store.DB(env.Ctx).Model(&models.AuditEntry{}).Where("action = ?", action).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// TestSuspendIdempotentAndEffects: suspending twice is one record and one
// audit entry; the member's sessions and tokens stop at once and login says
// why; unsuspending restores the token.
func TestSuspendIdempotentAndEffects(t *testing.T) {
	env := forumtest.New(t)
	mod, m := env.User("mod1", models.RoleModerator), env.User("m1", models.RoleMember)
	sess, _ := env.Svc.StartSession(env.Ctx, m.ID, "", "")
	tok, _ := env.Svc.CreateToken(env.Ctx, m.ID, "t")
	a, err := env.Svc.Suspend(env.Ctx, mod, "m1", "72h", "spam")
	if err != nil {
		t.Fatal(err)
	}
	b, err := env.Svc.Suspend(env.Ctx, mod, "M1", "24h", "again")
	if err != nil || b.ID != a.ID {
		t.Fatalf("second suspend: %v %v", b, err)
	}
	var n int64
	env.Store.DB(env.Ctx).Model(&models.Sanction{}).Count(&n)
	if n != 1 || auditCount(t, env, "user.suspend") != 1 {
		t.Fatalf("records %d, audit %d", n, auditCount(t, env, "user.suspend"))
	}
	if _, err := env.Svc.SessionUser(env.Ctx, sess); !errors.Is(err, forum.ErrUnauthorized) {
		t.Fatalf("session after suspend: %v", err)
	}
	if _, err := env.Svc.TokenUser(env.Ctx, tok); !errors.Is(err, forum.ErrUnauthorized) {
		t.Fatalf("token after suspend: %v", err)
	}
	_, err = env.Svc.Authenticate(env.Ctx, "m1", "password123", "1.2.3.4")
	if ve, ok := forum.AsValidation(err); !ok || !strings.Contains(ve.Fields["login"], "suspended until") || !strings.Contains(ve.Fields["login"], "spam") {
		t.Fatalf("login while suspended: %v", err)
	}
	for i := 0; i < 2; i++ {
		if err := env.Svc.Unsuspend(env.Ctx, mod, "m1", "appeal"); err != nil {
			t.Fatal(err)
		}
	}
	if auditCount(t, env, "user.unsuspend") != 1 {
		t.Fatal("unsuspend twice should audit once")
	}
	if _, err := env.Svc.TokenUser(env.Ctx, tok); err != nil {
		t.Fatalf("token after unsuspend: %v", err)
	}
}

// TestSilenceExpires: a silenced member cannot post until the duration
// passes, measured on the service's clock.
func TestSilenceExpires(t *testing.T) {
	env := forumtest.New(t)
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	env.Svc.SetClock(func() time.Time { return now })
	env.Category("general")
	mod, m := env.User("mod1", models.RoleModerator), env.User("m1", models.RoleMember)
	if _, err := env.Svc.Silence(env.Ctx, mod, "m1", "72h", "heated"); err != nil {
		t.Fatal(err)
	}
	_, _, err := env.Svc.CreateThread(env.Ctx, m, forum.NewThread{Category: "general", Title: "Hello there", Body: "hi"})
	var fe *forum.ForbiddenError
	if !errors.As(err, &fe) || !errors.Is(err, forum.ErrForbidden) || !strings.Contains(fe.Message, "silenced until 4 January 2030") {
		t.Fatalf("silenced post: %v", err)
	}
	if _, err := env.Svc.Authenticate(env.Ctx, "m1", "password123", "1.2.3.4"); err != nil {
		t.Fatalf("silenced member cannot log in: %v", err)
	}
	now = now.Add(72*time.Hour + time.Second)
	if _, _, err := env.Svc.CreateThread(env.Ctx, m, forum.NewThread{Category: "general", Title: "Hello there", Body: "hi"}); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	// Expired, so a new silence is a new record, not the old one.
	if sn, err := env.Svc.Silence(env.Ctx, mod, "m1", "", ""); err != nil || sn.EndsAt != nil {
		t.Fatalf("indefinite silence: %v %v", sn, err)
	}
}
