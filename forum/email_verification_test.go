package forum_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

var verifyLinkRe = regexp.MustCompile(`http://forum\.test/email/verify/([A-Za-z0-9_-]{40,})`)

// verifying is an Env whose service requires verified addresses.
func verifying(t *testing.T) (*forumtest.Env, *time.Time) {
	e := forumtest.New(t)
	cfg := e.Cfg
	cfg.RequireEmailVerification = true
	e.Svc = forum.New(e.Store, cfg)
	e.Svc.BcryptCost = 4
	return e, clockAt(e)
}

// mailsTo returns the account mails queued for an address.
func accountMailsTo(t *testing.T, e *forumtest.Env, u *models.User, addr string) []models.Mail {
	t.Helper()
	all, err := e.Store.MailsTo(e.Ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []models.Mail
	for _, m := range all {
		if m.ToAddr == addr {
			out = append(out, m)
		}
	}
	return out
}

func verifyToken(t *testing.T, m models.Mail) string {
	t.Helper()
	sm := verifyLinkRe.FindStringSubmatch(m.Text)
	if sm == nil || m.Kind != forum.MailAccount || m.ListScope != "" {
		t.Fatalf("no verification link in %s mail %q", m.Kind, m.Text)
	}
	return sm[1]
}

func TestUnverifiedMemberCannotPostUntilVerified(t *testing.T) {
	e, now := verifying(t)
	e.Category("general")
	author := e.User("author", models.RoleMember)
	th, _ := e.Thread(author, "general", "Existing thread", "hello")
	u, _, err := e.Svc.SignUp(e.Ctx, forum.SignUpInput{Username: "newbie", Email: "newbie@example.com", Password: strongPassword})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Svc.SetSandboxed(e.Ctx, u.ID, false); err != nil {
		t.Fatal(err)
	}
	u, _ = e.Svc.UserByUsername(e.Ctx, "newbie")
	if !e.Svc.NeedsEmailVerification(u) || e.Svc.NeedsEmailVerification(author) {
		t.Fatal("only the sign-up needs verifying")
	}
	if _, _, err := e.Svc.CreateThread(e.Ctx, u, forum.NewThread{Category: "general", Title: "My first thread", Body: "hi"}); !errors.Is(err, forum.ErrEmailUnverified) {
		t.Fatalf("thread while unverified: %v", err)
	}
	if _, err := e.Svc.Reply(e.Ctx, u, th.ID, forum.NewReply{Body: "hi"}); !errors.Is(err, forum.ErrEmailUnverified) {
		t.Fatalf("reply while unverified: %v", err)
	}
	mails := accountMailsTo(t, e, u, "newbie@example.com")
	if len(mails) != 1 {
		t.Fatalf("%d mails at sign-up, want 1", len(mails))
	}
	token := verifyToken(t, mails[0])
	*now = now.Add(23 * time.Hour)
	v, err := e.Svc.VerifyEmail(e.Ctx, token)
	if err != nil || v.EmailVerifiedAt == nil || !v.EmailVerifiedAt.Equal(*now) {
		t.Fatalf("verify: %v %+v", err, v)
	}
	u, _ = e.Svc.UserByUsername(e.Ctx, "newbie")
	if e.Svc.NeedsEmailVerification(u) {
		t.Fatal("still unverified after the link")
	}
	if _, err := e.Svc.Reply(e.Ctx, u, th.ID, forum.NewReply{Body: "hi"}); err != nil {
		t.Fatalf("reply after verifying: %v", err)
	}
	if _, err := e.Svc.VerifyEmail(e.Ctx, token); !errors.Is(err, forum.ErrVerifyLinkInvalid) {
		t.Fatalf("reused link: %v", err)
	}
}

func TestVerificationLinkExpiresAndResendIsLimited(t *testing.T) {
	e, now := verifying(t)
	u, _, err := e.Svc.SignUp(e.Ctx, forum.SignUpInput{Username: "late", Email: "late@example.com", Password: strongPassword})
	if err != nil {
		t.Fatal(err)
	}
	first := verifyToken(t, accountMailsTo(t, e, u, "late@example.com")[0])
	*now = now.Add(24 * time.Hour)
	if _, err := e.Svc.VerifyEmail(e.Ctx, first); !errors.Is(err, forum.ErrVerifyLinkInvalid) {
		t.Fatalf("a day-old link: %v", err)
	}
	// Three links an hour (the sign-up's is past the window now).
	for i := 0; i < 3; i++ {
		if err := e.Svc.ResendVerification(e.Ctx, u); err != nil {
			t.Fatalf("resend %d: %v", i, err)
		}
	}
	var rl *forum.RateLimitError
	if err := e.Svc.ResendVerification(e.Ctx, u); !errors.As(err, &rl) {
		t.Fatalf("fourth resend: %v", err)
	}
	mails := accountMailsTo(t, e, u, "late@example.com")
	if len(mails) != 4 {
		t.Fatalf("%d mails, want 4", len(mails))
	}
	// Only the newest link works.
	if _, err := e.Svc.VerifyEmail(e.Ctx, verifyToken(t, mails[2])); !errors.Is(err, forum.ErrVerifyLinkInvalid) {
		t.Errorf("an older link: %v", err)
	}
	if _, err := e.Svc.VerifyEmail(e.Ctx, verifyToken(t, mails[3])); err != nil {
		t.Errorf("the newest link: %v", err)
	}
	u, _ = e.Svc.UserByUsername(e.Ctx, "late")
	if _, ok := forum.AsValidation(e.Svc.ResendVerification(e.Ctx, u)); !ok {
		t.Error("resend for a verified address is not refused")
	}
}

func TestVerificationOffLetsUnverifiedPost(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	u, _, err := e.Svc.SignUp(e.Ctx, forum.SignUpInput{Username: "free", Email: "free@example.com", Password: strongPassword})
	if err != nil {
		t.Fatal(err)
	}
	if e.Svc.NeedsEmailVerification(u) {
		t.Fatal("verification needed while the setting is off")
	}
	if mails, _ := e.Store.MailsTo(e.Ctx, u.ID); len(mails) != 0 {
		t.Errorf("%d mails at sign-up with verification off", len(mails))
	}
	if err := e.Svc.SetSandboxed(e.Ctx, u.ID, false); err != nil {
		t.Fatal(err)
	}
	u, _ = e.Svc.UserByUsername(e.Ctx, "free")
	if _, _, err := e.Svc.CreateThread(e.Ctx, u, forum.NewThread{Category: "general", Title: "Hello there", Body: "hi"}); err != nil {
		t.Fatalf("thread: %v", err)
	}
}

func TestChangeEmail(t *testing.T) {
	e, now := verifying(t)
	alice := e.User("alice", models.RoleMember)
	e.User("bob", models.RoleMember)
	bad := []struct{ email, password, field string }{
		{"not-an-address", "password123", "new_email"},
		{"alice@example.com", "password123", "new_email"},
		{"ALICE@example.com", "password123", "new_email"},
		{"bob@example.com", "password123", "new_email"},
		{"alice@new.example", "wrong-password", "password"},
		{"alice@new.example", "", "password"},
	}
	for _, tc := range bad {
		if ve, ok := forum.AsValidation(e.Svc.ChangeEmail(e.Ctx, alice, tc.email, tc.password)); !ok || ve.Fields[tc.field] == "" {
			t.Errorf("%q/%q: %v, want an error on %s", tc.email, tc.password, ve, tc.field)
		}
	}
	if err := e.Svc.ChangeEmail(e.Ctx, alice, "alice@new.example", "password123"); err != nil {
		t.Fatal(err)
	}
	u, _ := e.Svc.UserByUsername(e.Ctx, "alice")
	if u.Email != "alice@example.com" || u.PendingEmail != "alice@new.example" || u.EmailVerifiedAt == nil {
		t.Fatalf("before verifying: email %q pending %q verified %v", u.Email, u.PendingEmail, u.EmailVerifiedAt)
	}
	if e.Svc.NeedsEmailVerification(u) {
		t.Error("a pending change stopped the member from posting")
	}
	old := accountMailsTo(t, e, u, "alice@example.com")
	if len(old) != 1 || verifyLinkRe.MatchString(old[0].Text) || !strings.Contains(old[0].Text, "alice@new.example") ||
		!strings.Contains(old[0].Text, "If this wasn't you, reset your password") {
		t.Fatalf("notice to the old address: %+v", old)
	}
	fresh := accountMailsTo(t, e, u, "alice@new.example")
	if len(fresh) != 1 {
		t.Fatalf("%d mails to the new address", len(fresh))
	}
	*now = now.Add(time.Hour)
	v, err := e.Svc.VerifyEmail(e.Ctx, verifyToken(t, fresh[0]))
	if err != nil {
		t.Fatal(err)
	}
	u, _ = e.Svc.UserByUsername(e.Ctx, "alice")
	if u.Email != "alice@new.example" || u.EmailLower != "alice@new.example" || u.PendingEmail != "" || u.EmailVerifiedAt == nil || !u.EmailVerifiedAt.Equal(*now) || v.ID != u.ID {
		t.Fatalf("after verifying: %+v", u)
	}
	if _, err := e.Svc.Authenticate(e.Ctx, "alice@new.example", "password123", "10.0.0.1"); err != nil {
		t.Errorf("log in with the new address: %v", err)
	}
}

// TestChangeEmailTakenBeforeVerified: when another account takes the
// address between the request and the link, the link does not apply.
func TestChangeEmailTakenBeforeVerified(t *testing.T) {
	e, _ := verifying(t)
	alice := e.User("alice", models.RoleMember)
	if err := e.Svc.ChangeEmail(e.Ctx, alice, "shared@example.com", "password123"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.CreateUser(e.Ctx, forum.SignUpInput{Username: "carol", Email: "shared@example.com", Password: "password123"}, models.RoleMember); err != nil {
		t.Fatal(err)
	}
	token := verifyToken(t, accountMailsTo(t, e, alice, "shared@example.com")[0])
	if _, ok := forum.AsValidation(mustErr(e.Svc.VerifyEmail(e.Ctx, token))); !ok {
		t.Fatal("a taken address was applied")
	}
	u, _ := e.Svc.UserByUsername(e.Ctx, "alice")
	if u.Email != "alice@example.com" {
		t.Fatalf("email %q", u.Email)
	}
}

func mustErr(_ *models.User, err error) error { return err }

// TestRemoteAccountsNeedNoVerification: a fediverse author has no address
// here; the requirement never applies to them.
func TestRemoteAccountsNeedNoVerification(t *testing.T) {
	e, _ := verifying(t)
	remote := &models.User{ID: 98, Role: models.RoleMember, Domain: "mastodon.example"}
	if e.Svc.NeedsEmailVerification(remote) {
		t.Error("a remote account needs verifying")
	}
	if err := e.Svc.ResendVerification(e.Ctx, remote); !errors.Is(err, forum.ErrForbidden) {
		t.Errorf("resend for a remote account: %v", err)
	}
	if err := e.Svc.ChangeEmail(e.Ctx, remote, "x@example.com", "pw"); !errors.Is(err, forum.ErrForbidden) {
		t.Errorf("change email for a remote account: %v", err)
	}
	if err := e.Svc.ChangePassword(e.Ctx, remote, forum.ChangePasswordInput{Current: "pw"}); !errors.Is(err, forum.ErrForbidden) {
		t.Errorf("change password for a remote account: %v", err)
	}
}
