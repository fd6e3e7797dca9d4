package forum_test

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// tfaScene is a member with TOTP on and a clock the test moves; the test
// plays the authenticator app with the secret it was shown.
type tfaScene struct {
	*forumtest.Env
	now    time.Time
	u      *models.User
	secret string
	codes  []string
}

// newTFAScene starts at a step boundary plus 1s, so "one step later" is
// unambiguous whatever day the test runs.
func newTFAScene(t *testing.T) *tfaScene {
	t.Helper()
	now := time.Now().UTC().Truncate(30 * time.Second).Add(time.Second)
	sc := &tfaScene{Env: forumtest.New(t), now: now}
	sc.Svc.SetClock(func() time.Time { return sc.now })
	sc.u = sc.User("alice", models.RoleMember)
	en, err := sc.Svc.StartTwoFactor(sc.Ctx, sc.u)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(en.QR, "data:image/png;base64,") || !strings.Contains(en.URL, "secret="+en.Secret) {
		t.Fatalf("enrolment without a QR code or key: %+v", en)
	}
	// A reload shows the same key: the QR code already scanned stays good.
	again, err := sc.Svc.StartTwoFactor(sc.Ctx, sc.u)
	if err != nil || again.Secret != en.Secret {
		t.Fatalf("second visit changed the key: %v %q %q", err, again.Secret, en.Secret)
	}
	sc.secret = en.Secret
	if _, err := sc.Svc.EnableTwoFactor(sc.Ctx, sc.u, sc.wrongCode(), "10.0.0.1"); err == nil {
		t.Fatal("enrolment accepted a wrong code")
	}
	sc.codes, err = sc.Svc.EnableTwoFactor(sc.Ctx, sc.u, sc.code(0), "10.0.0.1")
	if err != nil {
		t.Fatalf("enrol with the app's code: %v", err)
	}
	if len(sc.codes) != 10 {
		t.Fatalf("want 10 recovery codes, got %d", len(sc.codes))
	}
	// The enrolment code's step is used: start two steps on, so the
	// step behind is free.
	sc.now = sc.now.Add(60 * time.Second)
	return sc
}

// code is what the app shows steps steps from now.
func (sc *tfaScene) code(steps int) string {
	c, err := forum.TOTPCode(sc.secret, sc.now.Add(time.Duration(steps)*30*time.Second))
	if err != nil {
		panic(err)
	}
	return c
}

// wrongCode is a 6-digit code valid at no step in the skew window.
func (sc *tfaScene) wrongCode() string {
	for _, w := range []string{"000000", "111111", "222222", "333333"} {
		if w != sc.code(-1) && w != sc.code(0) && w != sc.code(1) {
			return w
		}
	}
	panic("unreachable: three steps cannot hold four codes")
}

func (sc *tfaScene) password(t *testing.T, addr string) string {
	t.Helper()
	r, err := sc.Svc.LogIn(sc.Ctx, forum.LoginInput{Login: "alice", Password: "password123", Addr: addr})
	if err != nil {
		t.Fatalf("password step: %v", err)
	}
	if r.User != nil || r.Pending == "" {
		t.Fatalf("a password alone logged a 2FA account in: %+v", r)
	}
	return r.Pending
}

func (sc *tfaScene) second(pending, code, addr string) (*forum.LoginResult, error) {
	return sc.Svc.CompleteLogin(sc.Ctx, pending, code, forum.LoginInput{Addr: addr})
}

func TestTwoFactorLoginNeedsTheCode(t *testing.T) {
	sc := newTFAScene(t)
	if _, err := sc.Svc.Authenticate(sc.Ctx, "alice", "password123", "10.0.0.1"); !errors.Is(err, forum.ErrSecondFactorRequired) {
		t.Fatalf("Authenticate with the password alone: want ErrSecondFactorRequired, got %v", err)
	}
	p := sc.password(t, "10.0.0.1")
	r, err := sc.second(p, sc.code(0), "10.0.0.1")
	if err != nil || r.User == nil || r.User.ID != sc.u.ID || r.Device == "" {
		t.Fatalf("right code: %+v %v", r, err)
	}
	// The pending login is single use.
	if _, err := sc.second(p, sc.code(1), "10.0.0.1"); !errors.Is(err, forum.ErrLoginExpired) {
		t.Fatalf("pending login used twice: %v", err)
	}
}

func TestTwoFactorCodes(t *testing.T) {
	for _, tc := range []struct {
		name string
		code func(sc *tfaScene) string
		ok   bool
	}{
		{"current step", func(sc *tfaScene) string { return sc.code(0) }, true},
		{"with a space", func(sc *tfaScene) string { c := sc.code(0); return c[:3] + " " + c[3:] }, true},
		{"one step behind", func(sc *tfaScene) string { return sc.code(-1) }, true},
		{"one step ahead", func(sc *tfaScene) string { return sc.code(1) }, true},
		{"two steps behind", func(sc *tfaScene) string { return sc.code(-2) }, false},
		{"two steps ahead", func(sc *tfaScene) string { return sc.code(2) }, false},
		{"recovery code", func(sc *tfaScene) string { return sc.codes[3] }, true},
		{"recovery code in capitals, no hyphens", func(sc *tfaScene) string {
			return strings.ToUpper(strings.ReplaceAll(sc.codes[4], "-", ""))
		}, true},
		{"empty", func(*tfaScene) string { return "" }, false},
		{"letters", func(*tfaScene) string { return "abcdef" }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := newTFAScene(t)
			code := tc.code(sc)
			// An off-window code may equal a valid one by chance (about 1
			// in 300,000): move on a step until it does not.
			for !tc.ok && code != "" && (code == sc.code(0) || code == sc.code(-1) || code == sc.code(1)) {
				sc.now = sc.now.Add(30 * time.Second)
				code = tc.code(sc)
			}
			_, err := sc.second(sc.password(t, "10.0.0.1"), code, "10.0.0.1")
			if tc.ok != (err == nil) {
				t.Fatalf("code %q: ok=%v, got %v", code, tc.ok, err)
			}
			if !tc.ok {
				if ve, isVE := forum.AsValidation(err); !isVE || ve.Fields["code"] == "" {
					t.Fatalf("wrong code: want a message on the code field, got %v", err)
				}
			}
		})
	}
}

func TestTwoFactorCodeIsNotReused(t *testing.T) {
	sc := newTFAScene(t)
	code := sc.code(0)
	if _, err := sc.second(sc.password(t, "10.0.0.1"), code, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	// Same code, same window, a new login: refused.
	if _, err := sc.second(sc.password(t, "10.0.0.1"), code, "10.0.0.1"); err == nil {
		t.Fatal("a used code logged in again")
	}
	// Nor may an earlier step's code be used after a later one.
	sc.now = sc.now.Add(30 * time.Second)
	if _, err := sc.second(sc.password(t, "10.0.0.1"), sc.code(1), "10.0.0.1"); err != nil {
		t.Fatalf("next step's code: %v", err)
	}
	if _, err := sc.second(sc.password(t, "10.0.0.1"), sc.code(0), "10.0.0.1"); err == nil {
		t.Fatal("an older step's code was accepted after a newer one")
	}
}

func TestTwoFactorRecoveryCodeWorksOnce(t *testing.T) {
	sc := newTFAScene(t)
	rc := sc.codes[0]
	if _, err := sc.second(sc.password(t, "10.0.0.1"), rc, "10.0.0.1"); err != nil {
		t.Fatalf("recovery code: %v", err)
	}
	if _, err := sc.second(sc.password(t, "10.0.0.1"), rc, "10.0.0.1"); err == nil {
		t.Fatal("a recovery code worked twice")
	}
	if n, err := sc.Svc.RecoveryCodesLeft(sc.Ctx, sc.u); err != nil || n != 9 {
		t.Fatalf("codes left: %d %v", n, err)
	}
}

func TestTwoFactorWrongCodesCountAgainstLoginLimits(t *testing.T) {
	sc := newTFAScene(t)
	wrong := sc.wrongCode()
	p := sc.password(t, "10.0.0.9")
	// Five wrong codes from one address: the sixth try is refused before
	// the code is even checked, the right code included.
	for i := range 5 {
		if _, err := sc.second(p, wrong, "10.0.0.9"); err == nil {
			t.Fatalf("wrong code %d accepted", i)
		}
	}
	_, err := sc.second(p, sc.code(0), "10.0.0.9")
	var rl *forum.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("after five wrong codes: want a rate limit, got %v", err)
	}
	// The limit lifts with the window; the pending login has expired by
	// then, so the member starts again.
	sc.now = sc.now.Add(16 * time.Minute)
	if _, err := sc.second(p, sc.code(0), "10.0.0.9"); !errors.Is(err, forum.ErrLoginExpired) {
		t.Fatalf("pending login after 16 minutes: %v", err)
	}
	if _, err := sc.second(sc.password(t, "10.0.0.9"), sc.code(0), "10.0.0.9"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestPendingLoginExpires(t *testing.T) {
	for _, tc := range []struct {
		after time.Duration
		ok    bool
	}{{4*time.Minute + 59*time.Second, true}, {5 * time.Minute, false}} {
		sc := newTFAScene(t)
		p := sc.password(t, "10.0.0.1")
		sc.now = sc.now.Add(tc.after)
		_, err := sc.second(p, sc.code(0), "10.0.0.1")
		if tc.ok != (err == nil) {
			t.Fatalf("after %s: ok=%v, got %v", tc.after, tc.ok, err)
		}
		if !tc.ok && !errors.Is(err, forum.ErrLoginExpired) {
			t.Fatalf("after %s: want ErrLoginExpired, got %v", tc.after, err)
		}
	}
	sc := newTFAScene(t)
	if _, err := sc.second("not-a-token", sc.code(0), "10.0.0.1"); !errors.Is(err, forum.ErrLoginExpired) {
		t.Fatalf("made-up pending token: %v", err)
	}
}

func TestTwoFactorTurnOffAndRegenerate(t *testing.T) {
	sc := newTFAScene(t)
	// Regenerating needs a code; the old recovery codes stop working.
	if _, err := sc.Svc.RegenerateRecoveryCodes(sc.Ctx, sc.u, "", "10.0.0.1"); err == nil {
		t.Fatal("regenerated without a code")
	}
	fresh, err := sc.Svc.RegenerateRecoveryCodes(sc.Ctx, sc.u, sc.code(0), "10.0.0.1")
	if err != nil || len(fresh) != 10 {
		t.Fatalf("regenerate: %d %v", len(fresh), err)
	}
	if !regexp.MustCompile(`^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$`).MatchString(fresh[0]) {
		t.Fatalf("recovery code format: %q", fresh[0])
	}
	if _, err := sc.second(sc.password(t, "10.0.0.1"), sc.codes[0], "10.0.0.1"); err == nil {
		t.Fatal("an old recovery code worked after regenerating")
	}
	sc.now = sc.now.Add(30 * time.Second)
	for _, tc := range []struct{ name, password, code, field string }{
		{"wrong password", "nope-nope", sc.code(0), "password"},
		{"no code", "password123", "", "code"},
	} {
		err := sc.Svc.DisableTwoFactor(sc.Ctx, sc.u, tc.password, tc.code, "10.0.0.2")
		if ve, ok := forum.AsValidation(err); !ok || ve.Fields[tc.field] == "" {
			t.Fatalf("%s: want an error on %s, got %v", tc.name, tc.field, err)
		}
	}
	if err := sc.Svc.DisableTwoFactor(sc.Ctx, sc.u, "password123", sc.code(0), "10.0.0.2"); err != nil {
		t.Fatalf("turn off: %v", err)
	}
	r, err := sc.Svc.LogIn(sc.Ctx, forum.LoginInput{Login: "alice", Password: "password123", Addr: "10.0.0.1"})
	if err != nil || r.User == nil {
		t.Fatalf("password login after turning off: %+v %v", r, err)
	}
}

func TestRequireSecondFactorForStaff(t *testing.T) {
	env := forumtest.New(t)
	cfg := env.Svc.Config()
	cfg.RequireTwoFactorForStaff = true
	svc := forum.New(env.Store, cfg)
	for _, tc := range []struct {
		role      string
		twoFactor bool
		want      bool
	}{
		{models.RoleAdmin, false, true},
		{models.RoleModerator, false, true},
		{models.RoleAdmin, true, false},
		{models.RoleMember, false, false},
		{models.RoleAmbassador, false, false},
	} {
		u := &models.User{Role: tc.role, TwoFactor: tc.twoFactor}
		if got := svc.MustEnrolSecondFactor(u); got != tc.want {
			t.Errorf("%s two_factor=%v: got %v, want %v", tc.role, tc.twoFactor, got, tc.want)
		}
		if env.Svc.MustEnrolSecondFactor(u) {
			t.Errorf("%s: required without the flag", tc.role)
		}
	}
}

func TestResetTwoFactorIsAudited(t *testing.T) {
	sc := newTFAScene(t)
	admin := sc.User("root_admin", models.RoleAdmin)
	member := sc.User("bob", models.RoleMember)
	if _, err := sc.Svc.ResetTwoFactor(sc.Ctx, member, "alice"); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("a member reset 2FA: %v", err)
	}
	if _, err := sc.Svc.ResetTwoFactor(sc.Ctx, nil, "alice"); err != nil {
		t.Fatalf("reset: %v", err)
	}
	if _, err := sc.Svc.ResetTwoFactor(sc.Ctx, nil, "alice"); err == nil {
		t.Fatal("reset twice: want an error saying it is off")
	}
	r, err := sc.Svc.LogIn(sc.Ctx, forum.LoginInput{Login: "alice", Password: "password123", Addr: "10.0.0.1"})
	if err != nil || r.User == nil {
		t.Fatalf("after reset the password logs in: %+v %v", r, err)
	}
	page, err := sc.Svc.Audit(sc.Ctx, admin, forum.AuditFilter{Action: "user.reset_2fa"}, 10)
	if err != nil || len(page.Entries) != 1 || page.Entries[0].TargetID != sc.u.ID {
		t.Fatalf("audit entry: %+v %v", page, err)
	}
	l, err := sc.Svc.Notifications(sc.Ctx, sc.u, "", 10)
	if err != nil || len(l.Items) != 1 || l.Items[0].Kind != forum.NotifySecondFactorReset {
		t.Fatalf("member not told: %+v %v", l, err)
	}
}

// TestTwoFactorFirstVisitsAtOnceAgree: two first visits to enrolment at
// the same moment (two tabs, a HEAD beside a GET) both succeed and show
// the same key; before, the second insert of the pending key failed.
func TestTwoFactorFirstVisitsAtOnceAgree(t *testing.T) {
	env := forumtest.New(t)
	u := env.User("alice", models.RoleMember)
	const visits = 8
	secrets := make([]string, visits)
	errs := make([]error, visits)
	var wg sync.WaitGroup
	for i := range visits {
		wg.Add(1)
		go func() {
			defer wg.Done()
			en, err := env.Svc.StartTwoFactor(env.Ctx, u)
			errs[i] = err
			if err == nil {
				secrets[i] = en.Secret
			}
		}()
	}
	wg.Wait()
	for i := range visits {
		if errs[i] != nil {
			t.Fatalf("visit %d: %v", i, errs[i])
		}
		if secrets[i] != secrets[0] {
			t.Fatalf("visits saw different keys: %q and %q", secrets[0], secrets[i])
		}
	}
}
