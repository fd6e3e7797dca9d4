package forum_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

const strongPassword = "amber-lantern-71"

// clockAt pins the service's clock to a moving time the test controls.
func clockAt(e *forumtest.Env) *time.Time {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	e.Svc.SetClock(func() time.Time { return now })
	return &now
}

func TestSignUpPasswordRule(t *testing.T) {
	cases := []struct {
		name, username, email, password, want string
	}{
		{"too short", "ann", "ann@example.com", "abc12", "at least 8"},
		{"common", "ann", "ann@example.com", "password123", "most common"},
		{"common in capitals", "ann", "ann@example.com", "PassWord123", "most common"},
		{"the username", "annabelle", "x@example.com", "AnnaBelle", "username or email"},
		{"the email", "ann", "ann@example.com", "ann@example.com", "username or email"},
		{"the email's name", "ann", "annabelle@example.com", "annabelle", "username or email"},
		{"fine", "ann", "ann@example.com", strongPassword, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := forumtest.New(t)
			_, _, err := e.Svc.SignUp(e.Ctx, forum.SignUpInput{Username: tc.username, Email: tc.email, Password: tc.password})
			if tc.want == "" {
				if err != nil {
					t.Fatalf("sign-up refused: %v", err)
				}
				return
			}
			ve, ok := forum.AsValidation(err)
			if !ok || !strings.Contains(ve.Fields["password"], tc.want) {
				t.Fatalf("got %v, want a password error saying %q", err, tc.want)
			}
		})
	}
}

func TestChangePassword(t *testing.T) {
	e := forumtest.New(t)
	alice := e.User("alice", models.RoleMember)
	fail := []struct {
		name  string
		in    forum.ChangePasswordInput
		field string
	}{
		{"wrong current", forum.ChangePasswordInput{Current: "nope-nope-nope", New: strongPassword, Confirm: strongPassword}, "current_password"},
		{"no current", forum.ChangePasswordInput{New: strongPassword, Confirm: strongPassword}, "current_password"},
		{"weak new", forum.ChangePasswordInput{Current: "password123", New: "qwerty123", Confirm: "qwerty123"}, "new_password"},
		{"username as new", forum.ChangePasswordInput{Current: "password123", New: "ALICE@example.com", Confirm: "ALICE@example.com"}, "new_password"},
		{"confirm differs", forum.ChangePasswordInput{Current: "password123", New: strongPassword, Confirm: strongPassword + "x"}, "confirm_password"},
	}
	for _, tc := range fail {
		ve, ok := forum.AsValidation(e.Svc.ChangePassword(e.Ctx, alice, tc.in))
		if !ok || ve.Fields[tc.field] == "" {
			t.Errorf("%s: got %v, want an error on %s", tc.name, ve, tc.field)
		}
	}
	here, _ := e.Svc.StartSession(e.Ctx, alice.ID, "10.0.0.1", "here")
	there, _ := e.Svc.StartSession(e.Ctx, alice.ID, "10.0.0.2", "there")
	tok, _ := e.Svc.CreateToken(e.Ctx, alice.ID, "script")
	if err := e.Svc.ChangePassword(e.Ctx, alice, forum.ChangePasswordInput{Current: "password123", New: strongPassword, Confirm: strongPassword, KeepSession: here}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.SessionUser(e.Ctx, here); err != nil {
		t.Errorf("the session that changed the password was signed out: %v", err)
	}
	if _, err := e.Svc.SessionUser(e.Ctx, there); !errors.Is(err, forum.ErrUnauthorized) {
		t.Errorf("the other session still works: %v", err)
	}
	if _, err := e.Svc.TokenUser(e.Ctx, tok); err != nil {
		t.Errorf("the token was revoked though the member did not ask: %v", err)
	}
	if _, err := e.Svc.Authenticate(e.Ctx, "alice", "password123", "10.0.0.1"); err == nil {
		t.Error("the old password still works")
	}
	alice, _ = e.Svc.Authenticate(e.Ctx, "alice", strongPassword, "10.0.0.1")
	if alice == nil {
		t.Fatal("the new password does not work")
	}
	// Again, revoking the tokens.
	if err := e.Svc.ChangePassword(e.Ctx, alice, forum.ChangePasswordInput{Current: strongPassword, New: "violet-harbour-9", Confirm: "violet-harbour-9", KeepSession: here, RevokeTokens: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.TokenUser(e.Ctx, tok); !errors.Is(err, forum.ErrUnauthorized) {
		t.Errorf("the token works after revoking: %v", err)
	}
	if err := e.Svc.ChangePassword(e.Ctx, nil, forum.ChangePasswordInput{}); !errors.Is(err, forum.ErrUnauthorized) {
		t.Errorf("a visitor: %v", err)
	}
}

var resetLinkRe = regexp.MustCompile(`http://forum\.test/password/reset/([A-Za-z0-9_-]{40,})`)

// resetLinks returns the reset tokens mailed to a member, oldest first.
func resetLinks(t *testing.T, e *forumtest.Env, u *models.User) []string {
	t.Helper()
	mails, err := e.Store.MailsTo(e.Ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range mails {
		if m.Kind != forum.MailAccount || m.ListScope != "" || m.ToAddr != u.Email {
			t.Fatalf("reset mail is %q/%q to %q", m.Kind, m.ListScope, m.ToAddr)
		}
		sm := resetLinkRe.FindStringSubmatch(m.Text)
		if sm == nil || !strings.Contains(m.HTML, sm[0]) {
			t.Fatalf("no reset link in mail: %s", m.Text)
		}
		out = append(out, sm[1])
	}
	return out
}

func TestPasswordResetFlow(t *testing.T) {
	e := forumtest.New(t)
	now := clockAt(e)
	bob := e.User("bob", models.RoleMember)
	sess, _ := e.Svc.StartSession(e.Ctx, bob.ID, "10.0.0.1", "b")
	if err := e.Svc.RequestPasswordReset(e.Ctx, "BOB@example.com", "10.0.0.9"); err != nil {
		t.Fatal(err)
	}
	links := resetLinks(t, e, bob)
	if len(links) != 1 {
		t.Fatalf("%d mails, want 1", len(links))
	}
	tok := links[0]
	if err := e.Svc.CheckPasswordReset(e.Ctx, tok); err != nil {
		t.Fatalf("fresh link: %v", err)
	}
	for _, bad := range []struct{ pw, confirm, field string }{
		{"letmein", "letmein", "password"},
		{"iloveyou1", "iloveyou1", "password"},
		{strongPassword, "something-else-1", "confirm_password"},
	} {
		_, err := e.Svc.ResetPassword(e.Ctx, tok, bad.pw, bad.confirm)
		if ve, ok := forum.AsValidation(err); !ok || ve.Fields[bad.field] == "" {
			t.Errorf("%q/%q: %v, want an error on %s", bad.pw, bad.confirm, err, bad.field)
		}
	}
	if err := e.Svc.CheckPasswordReset(e.Ctx, tok); err != nil {
		t.Fatalf("a refused password used the link up: %v", err)
	}
	*now = now.Add(59 * time.Minute)
	u, err := e.Svc.ResetPassword(e.Ctx, tok, strongPassword, strongPassword)
	if err != nil || u.ID != bob.ID {
		t.Fatalf("reset: %v", err)
	}
	if _, err := e.Svc.SessionUser(e.Ctx, sess); !errors.Is(err, forum.ErrUnauthorized) {
		t.Errorf("the session survived the reset: %v", err)
	}
	if _, err := e.Svc.Authenticate(e.Ctx, "bob", strongPassword, "10.0.0.1"); err != nil {
		t.Errorf("the new password does not work: %v", err)
	}
	if _, err := e.Svc.ResetPassword(e.Ctx, tok, "another-good-one-5", "another-good-one-5"); !errors.Is(err, forum.ErrResetLinkInvalid) {
		t.Errorf("reused link: %v", err)
	}
	for _, bad := range []string{"", "nope", tok + "x", strings.Repeat("a", 43)} {
		if err := e.Svc.CheckPasswordReset(e.Ctx, bad); !errors.Is(err, forum.ErrResetLinkInvalid) {
			t.Errorf("token %q: %v", bad, err)
		}
	}
}

func TestPasswordResetLinkExpiresAndIsReplaced(t *testing.T) {
	e := forumtest.New(t)
	now := clockAt(e)
	carol := e.User("carol", models.RoleMember)
	if err := e.Svc.RequestPasswordReset(e.Ctx, "carol", "10.0.0.9"); err != nil {
		t.Fatal(err)
	}
	*now = now.Add(time.Hour)
	first := resetLinks(t, e, carol)[0]
	if err := e.Svc.CheckPasswordReset(e.Ctx, first); !errors.Is(err, forum.ErrResetLinkInvalid) {
		t.Fatalf("an hour-old link: %v", err)
	}
	if _, err := e.Svc.ResetPassword(e.Ctx, first, strongPassword, strongPassword); !errors.Is(err, forum.ErrResetLinkInvalid) {
		t.Fatalf("an hour-old link set the password: %v", err)
	}
	// Two fresh requests: only the newer link works.
	for i := 0; i < 2; i++ {
		if err := e.Svc.RequestPasswordReset(e.Ctx, "carol", "10.0.0.9"); err != nil {
			t.Fatal(err)
		}
	}
	links := resetLinks(t, e, carol)
	if len(links) != 3 {
		t.Fatalf("%d links, want 3", len(links))
	}
	if err := e.Svc.CheckPasswordReset(e.Ctx, links[1]); !errors.Is(err, forum.ErrResetLinkInvalid) {
		t.Errorf("an older unused link still works: %v", err)
	}
	if err := e.Svc.CheckPasswordReset(e.Ctx, links[2]); err != nil {
		t.Errorf("the newest link: %v", err)
	}
	// A password change retires it too.
	if err := e.Svc.ChangePassword(e.Ctx, carol, forum.ChangePasswordInput{Current: "password123", New: strongPassword, Confirm: strongPassword}); err != nil {
		t.Fatal(err)
	}
	if err := e.Svc.CheckPasswordReset(e.Ctx, links[2]); !errors.Is(err, forum.ErrResetLinkInvalid) {
		t.Errorf("a link made before a password change still works: %v", err)
	}
}

func TestPasswordResetUnknownAccounts(t *testing.T) {
	e := forumtest.New(t)
	clockAt(e)
	for _, login := range []string{"nobody", "nobody@example.com"} {
		if err := e.Svc.RequestPasswordReset(e.Ctx, login, "10.0.0.9"); err != nil {
			t.Errorf("%s: %v, want the same answer as for an account", login, err)
		}
	}
	if _, ok := forum.AsValidation(e.Svc.RequestPasswordReset(e.Ctx, "  ", "10.0.0.9")); !ok {
		t.Error("an empty login is not refused")
	}
	if _, err := e.Svc.PasswordResetLink(e.Ctx, "nobody"); !errors.Is(err, forum.ErrNotFound) {
		t.Errorf("admin link for nobody: %v", err)
	}
}

func TestPasswordResetRateLimits(t *testing.T) {
	e := forumtest.New(t)
	now := clockAt(e)
	dan := e.User("dan", models.RoleMember)
	// Per account: three mails an hour, whatever the address; more
	// requests get the same answer but no mail.
	for i := 0; i < 5; i++ {
		if err := e.Svc.RequestPasswordReset(e.Ctx, "dan", fmt.Sprintf("10.1.0.%d", i)); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	if n := len(resetLinks(t, e, dan)); n != 3 {
		t.Fatalf("%d mails in an hour, want 3", n)
	}
	*now = now.Add(61 * time.Minute)
	if err := e.Svc.RequestPasswordReset(e.Ctx, "dan", "10.1.0.1"); err != nil {
		t.Fatal(err)
	}
	if n := len(resetLinks(t, e, dan)); n != 4 {
		t.Fatalf("%d mails after the window, want 4", n)
	}
	// Per address: ten requests an hour, for any accounts.
	for i := 0; i < 10; i++ {
		if err := e.Svc.RequestPasswordReset(e.Ctx, fmt.Sprintf("someone%d", i), "10.2.0.1"); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	var rl *forum.RateLimitError
	if err := e.Svc.RequestPasswordReset(e.Ctx, "someone", "10.2.0.1"); !errors.As(err, &rl) {
		t.Fatalf("11th request from one address: %v", err)
	}
	if err := e.Svc.RequestPasswordReset(e.Ctx, "someone", "10.2.0.2"); err != nil {
		t.Fatalf("another address: %v", err)
	}
	*now = now.Add(61 * time.Minute)
	if err := e.Svc.RequestPasswordReset(e.Ctx, "someone", "10.2.0.1"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestAdminPasswordResetLink(t *testing.T) {
	e := forumtest.New(t)
	now := clockAt(e)
	erin := e.User("erin", models.RoleMember)
	link, err := e.Svc.PasswordResetLink(e.Ctx, "erin")
	if err != nil {
		t.Fatal(err)
	}
	sm := resetLinkRe.FindStringSubmatch(link)
	if sm == nil || sm[0] != link {
		t.Fatalf("link %q", link)
	}
	if mails, _ := e.Store.MailsTo(e.Ctx, erin.ID); len(mails) != 0 {
		t.Errorf("the admin link was mailed too")
	}
	*now = now.Add(30 * time.Minute)
	if _, err := e.Svc.ResetPassword(e.Ctx, sm[1], strongPassword, strongPassword); err != nil {
		t.Fatal(err)
	}
}
