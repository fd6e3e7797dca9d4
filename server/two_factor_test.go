package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/server"
)

var (
	secretOnPage = regexp.MustCompile(`id="tf-secret">([A-Z2-7]+)<`)
	recoveryCode = regexp.MustCompile(`<code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code>`)
)

// tfaClock pins the test server's clock to a moment the test moves.
type tfaClock struct{ now time.Time }

func pinClock(ts *testServer) *tfaClock {
	c := &tfaClock{now: time.Now().UTC().Truncate(30 * time.Second).Add(time.Second)}
	ts.Svc.SetClock(func() time.Time { return c.now })
	return c
}

func (b *browser) logIn(name string) *response {
	return b.post("/login", url.Values{"login": {name}, "password": {"password123"}, "next": {"/settings"}})
}

// enrol turns two-factor on through the settings pages as the member
// would, and returns the secret the page showed and the recovery codes.
func (b *browser) enrol(clock *tfaClock) (string, []string) {
	b.t.Helper()
	page := b.get("/settings/2fa")
	m := secretOnPage.FindStringSubmatch(page.Body)
	if page.StatusCode != http.StatusOK || m == nil || !strings.Contains(page.Body, `src="data:image/png;base64,`) {
		b.t.Fatalf("enrolment page: %d\n%s", page.StatusCode, page.Body)
	}
	code, _ := forum.TOTPCode(m[1], clock.now)
	r := b.post("/settings/2fa/enable", url.Values{"code": {code}})
	codes := recoveryCode.FindAllStringSubmatch(r.Body, -1)
	if r.StatusCode != http.StatusOK || len(codes) != 10 || r.Header.Get("Cache-Control") != "no-store" {
		b.t.Fatalf("enable: %d, %d codes\n%s", r.StatusCode, len(codes), r.Body)
	}
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = c[1]
	}
	clock.now = clock.now.Add(60 * time.Second)
	return m[1], out
}

func TestTwoFactorEnrolAndLogInThroughTheForms(t *testing.T) {
	ts := newTestServer(t)
	clock := pinClock(ts)
	ts.User("alice", models.RoleMember)
	b := ts.browser()
	b.logIn("alice")
	if s := b.get("/settings"); !strings.Contains(s.Body, `href="/settings/2fa"`) {
		t.Fatalf("settings has no way to turn on two-factor:\n%s", s.Body)
	}
	// A wrong code is refused clearly, and the same key stays on the page.
	first := secretOnPage.FindStringSubmatch(b.get("/settings/2fa").Body)[1]
	if r := b.post("/settings/2fa/enable", url.Values{"code": {"12345"}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "that code is not right") || !strings.Contains(r.Body, first) {
		t.Fatalf("wrong enrolment code: %d\n%s", r.StatusCode, r.Body)
	}
	secret, codes := b.enrol(clock)
	if secret != first {
		t.Fatal("the key changed between visits")
	}
	if s := b.get("/settings"); !strings.Contains(s.Body, "10 unused recovery codes") {
		t.Fatalf("settings does not say two-factor is on:\n%s", s.Body)
	}
	b.post("/logout", nil)

	// The password alone gives the second step, not a session.
	r := b.logIn("alice")
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login/2fa") || b.hasCookie("hearth_session") {
		t.Fatalf("password step: %d %q session=%v", r.StatusCode, r.Header.Get("Location"), b.hasCookie("hearth_session"))
	}
	if s := b.get("/settings"); s.StatusCode != http.StatusSeeOther {
		t.Fatalf("settings between the steps: %d", s.StatusCode)
	}
	if p := b.get("/login/2fa?next=%2Fsettings"); p.StatusCode != http.StatusOK || !strings.Contains(p.Body, `name="code"`) {
		t.Fatalf("second step page: %d", p.StatusCode)
	}
	if r := b.post("/login/2fa", url.Values{"code": {"abc"}, "next": {"/settings"}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "that code is not right") || !strings.Contains(r.Body, `value="/settings"`) {
		t.Fatalf("wrong code: %d\n%s", r.StatusCode, r.Body)
	}
	code, _ := forum.TOTPCode(secret, clock.now)
	r = b.post("/login/2fa", url.Values{"code": {code}, "next": {"/settings"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/settings" || !b.hasCookie("hearth_session") {
		t.Fatalf("right code: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if b.hasCookie("hearth_login2") {
		t.Fatal("the pending login cookie outlived the login")
	}
	b.post("/logout", nil)

	// A recovery code works once.
	b.logIn("alice")
	if r := b.post("/login/2fa", url.Values{"code": {codes[0]}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("recovery code: %d\n%s", r.StatusCode, r.Body)
	}
	b.post("/logout", nil)
	b.logIn("alice")
	if r := b.post("/login/2fa", url.Values{"code": {codes[0]}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("recovery code again: %d", r.StatusCode)
	}

	// Five minutes later the pending login is gone: back to the password.
	clock.now = clock.now.Add(forum.PendingLoginLifetime)
	code, _ = forum.TOTPCode(secret, clock.now)
	if r := b.post("/login/2fa", url.Values{"code": {code}}); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Fatalf("expired pending login: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	// Without the cookie the second step sends the browser to the password.
	if r := ts.browser().get("/login/2fa"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Fatalf("second step without a pending login: %d", r.StatusCode)
	}
}

func TestTwoFactorTurnOffThroughSettings(t *testing.T) {
	ts := newTestServer(t)
	clock := pinClock(ts)
	ts.User("alice", models.RoleMember)
	b := ts.browser()
	b.logIn("alice")
	secret, _ := b.enrol(clock)
	code, _ := forum.TOTPCode(secret, clock.now)
	if r := b.post("/settings/2fa/disable", url.Values{"password": {"wrong-password"}, "code": {code}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "not your current password") {
		t.Fatalf("turn off with a wrong password: %d\n%s", r.StatusCode, r.Body)
	}
	if r := b.postRaw("/settings/2fa/disable", url.Values{"password": {"password123"}, "code": {code}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("turn off without CSRF: %d", r.StatusCode)
	}
	r := b.post("/settings/2fa/recovery-codes", url.Values{"code": {code}})
	if r.StatusCode != http.StatusOK || len(recoveryCode.FindAllString(r.Body, -1)) != 10 {
		t.Fatalf("regenerate: %d", r.StatusCode)
	}
	clock.now = clock.now.Add(30 * time.Second)
	code, _ = forum.TOTPCode(secret, clock.now)
	if r := b.post("/settings/2fa/disable", url.Values{"password": {"password123"}, "code": {code}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("turn off: %d\n%s", r.StatusCode, r.Body)
	}
	b.post("/logout", nil)
	if r := b.logIn("alice"); r.Header.Get("Location") != "/settings" {
		t.Fatalf("password login after turning off: %q", r.Header.Get("Location"))
	}
}

func TestRequireSecondFactorForStaff(t *testing.T) {
	ts := newTestServerWithForum(t, func(c *config.Config) { c.RequireTwoFactorForStaff = true })
	clock := pinClock(ts)
	ts.User("boss", models.RoleAdmin)
	ts.User("member", models.RoleMember)
	adminToken, err := ts.Svc.CreateToken(ts.Ctx, mustUser(t, ts, "boss").ID, "script")
	if err != nil {
		t.Fatal(err)
	}

	m := ts.browser()
	m.logIn("member")
	if r := m.get("/"); r.StatusCode != http.StatusOK {
		t.Fatalf("a member is held to the staff rule: %d", r.StatusCode)
	}

	b := ts.browser()
	b.logIn("boss")
	for _, path := range []string{"/", "/settings", "/admin", "/mod"} {
		if r := b.get(path); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/settings/2fa" {
			t.Errorf("GET %s before enrolling: %d %q", path, r.StatusCode, r.Header.Get("Location"))
		}
	}
	if r := b.post("/admin/categories", url.Values{"name": {"Ops"}, "slug": {"ops"}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/settings/2fa" {
		t.Errorf("POST before enrolling: %d", r.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/me", nil)
	req.Header.Set("Accept", "application/json")
	if r := b.do(req); r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "second_factor_required") {
		t.Errorf("session API before enrolling: %d %s", r.StatusCode, r.Body)
	}
	// A token is a second secret already.
	if code, _ := ts.api(t, http.MethodGet, "/api/v1/me", adminToken, ""); code != http.StatusOK {
		t.Errorf("token API: %d", code)
	}
	if r := b.get("/settings/2fa"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Staff accounts on this forum must use two-factor login") {
		t.Fatalf("enrolment page: %d", r.StatusCode)
	}
	b.enrol(clock)
	if r := b.get("/admin"); r.StatusCode != http.StatusOK {
		t.Fatalf("after enrolling: %d", r.StatusCode)
	}
	// Logging out stays possible for whoever must enrol.
	ts.User("modder", models.RoleModerator)
	c := ts.browser()
	c.logIn("modder")
	if r := c.post("/logout", nil); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" || c.hasCookie("hearth_session") {
		t.Fatalf("logout before enrolling: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
}

// newTestServerWithForum is newTestServerWith for settings the forum
// service reads too: the service is rebuilt with the changed config.
func newTestServerWithForum(t *testing.T, change func(*config.Config)) *testServer {
	t.Helper()
	env := forumtest.New(t)
	change(&env.Cfg)
	env.Svc = forum.New(env.Store, env.Cfg)
	env.Svc.BcryptCost = 4
	s, err := server.New(env.Cfg, env.Svc, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return &testServer{Env: env, URL: hs.URL, srv: hs}
}

// TestSecondFactorResetNotice: after `hearth admin reset-2fa` the member
// reads why their password alone works again, with a way back to settings.
func TestSecondFactorResetNotice(t *testing.T) {
	ts := newTestServer(t)
	clock := pinClock(ts)
	ts.User("alice", models.RoleMember)
	b := ts.browser()
	b.logIn("alice")
	b.enrol(clock)
	if _, err := ts.Svc.ResetTwoFactor(ts.Ctx, nil, "alice"); err != nil {
		t.Fatal(err)
	}
	r := b.get("/notifications")
	if !strings.Contains(r.Body, "An administrator turned off two-factor login for your account") ||
		!strings.Contains(r.Body, `href="/settings#two-factor"`) {
		t.Fatalf("notification:\n%s", r.Body)
	}
}
