package forum_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

func setSignupMode(t *testing.T, env *forumtest.Env, admin *models.User, mode string) {
	t.Helper()
	if _, err := env.Svc.SaveSite(env.Ctx, admin, forum.SiteInput{SignupMode: &mode}); err != nil {
		t.Fatal(err)
	}
}

// TestInviteLastUseOnce: several sign-ups racing for an invite's last use:
// exactly one gets an account, the others are told it is used up.
func TestInviteLastUseOnce(t *testing.T) {
	env := forumtest.New(t)
	admin := env.User("boss", models.RoleAdmin)
	setSignupMode(t, env, admin, forum.SignupInvite)
	inv, err := env.Svc.CreateInvite(env.Ctx, admin, 1, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("racer%d", i)
			_, _, errs[i] = env.Svc.SignUp(env.Ctx, forum.SignUpInput{Username: name, Email: name + "@example.com", Password: "correct horse", Invite: inv.Token})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		var ve *forum.ValidationError
		switch {
		case err == nil:
			ok++
		case errors.As(err, &ve) && ve.Fields["invite"] != "":
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d sign-ups got the last use", ok)
	}
	got, _ := env.Store.InviteByID(env.Ctx, inv.Invite.ID)
	if got.UsesLeft != 0 || got.Used != 1 {
		t.Fatalf("invite after the race: %+v", got)
	}
}

// TestInviteStoredHashed: the token is not stored, and the invite limits
// and the administrator-only rule hold in the domain layer.
func TestInviteStoredHashed(t *testing.T) {
	env := forumtest.New(t)
	admin := env.User("boss", models.RoleAdmin)
	mod := env.User("moddy", models.RoleModerator)
	inv, err := env.Svc.CreateInvite(env.Ctx, admin, 3, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Token) < 32 || inv.Invite.TokenHash == inv.Token || len(inv.Invite.TokenHash) != 64 {
		t.Fatalf("token %q hash %q", inv.Token, inv.Invite.TokenHash)
	}
	cases := []struct {
		name    string
		actor   *models.User
		uses    int
		expires time.Duration
		want    error
	}{
		{"visitor", nil, 1, time.Hour, forum.ErrUnauthorized},
		{"moderator", mod, 1, time.Hour, forum.ErrForbidden},
	}
	for _, c := range cases {
		if _, err := env.Svc.CreateInvite(env.Ctx, c.actor, c.uses, c.expires); !errors.Is(err, c.want) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	for _, c := range []struct {
		uses    int
		expires time.Duration
		field   string
	}{{0, time.Hour, "uses"}, {1001, time.Hour, "uses"}, {1, time.Minute, "expires_in"}, {1, 91 * 24 * time.Hour, "expires_in"}} {
		_, err := env.Svc.CreateInvite(env.Ctx, admin, c.uses, c.expires)
		if ve, ok := forum.AsValidation(err); !ok || ve.Fields[c.field] == "" {
			t.Errorf("uses %d expires %s: %v", c.uses, c.expires, err)
		}
	}
}

// TestAmbassadorInvites: ambassadors may invite only when the site allows
// it, and then see and withdraw only their own invites.
func TestAmbassadorInvites(t *testing.T) {
	env := forumtest.New(t)
	admin := env.User("boss", models.RoleAdmin)
	amb := env.User("amby", models.RoleAmbassador)
	amb2 := env.User("amby2", models.RoleAmbassador)
	member := env.User("mem", models.RoleMember)
	if _, err := env.Svc.CreateInvite(env.Ctx, amb, 1, time.Hour); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("ambassador while off: %v", err)
	}
	on := true
	if _, err := env.Svc.SaveSite(env.Ctx, admin, forum.SiteInput{AmbassadorsInvite: &on}); err != nil {
		t.Fatal(err)
	}
	mine, err := env.Svc.CreateInvite(env.Ctx, amb, 1, time.Hour)
	if err != nil {
		t.Fatalf("ambassador while on: %v", err)
	}
	if _, err := env.Svc.CreateInvite(env.Ctx, member, 1, time.Hour); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("member: %v", err)
	}
	if _, err := env.Svc.CreateInvite(env.Ctx, admin, 1, time.Hour); err != nil {
		t.Fatal(err)
	}
	if list, _ := env.Svc.Invites(env.Ctx, amb2); len(list) != 0 {
		t.Fatalf("another ambassador sees %d invites", len(list))
	}
	if list, _ := env.Svc.Invites(env.Ctx, admin); len(list) != 2 {
		t.Fatalf("admin sees %d invites", len(list))
	}
	if err := env.Svc.RevokeInvite(env.Ctx, amb2, mine.Invite.ID); !errors.Is(err, forum.ErrNotFound) {
		t.Fatalf("other ambassador revokes: %v", err)
	}
	if err := env.Svc.RevokeInvite(env.Ctx, amb, mine.Invite.ID); err != nil {
		t.Fatalf("own revoke: %v", err)
	}
}
