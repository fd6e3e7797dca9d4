package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/server"
)

var verifyLinkRe = regexp.MustCompile(`/email/verify/([A-Za-z0-9_-]{40,})`)

// mailedVerifyToken returns the token of the newest verification link
// mailed to addr for u.
func (ts *testServer) mailedVerifyToken(t *testing.T, u *models.User, addr string) string {
	t.Helper()
	mails, err := ts.Store.MailsTo(ts.Ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(mails) - 1; i >= 0; i-- {
		if m := verifyLinkRe.FindStringSubmatch(mails[i].Text); m != nil && mails[i].ToAddr == addr {
			return m[1]
		}
	}
	t.Fatalf("no verification link mailed to %s", addr)
	return ""
}

// newVerifyingServer is a test server whose forum service, not only its
// router, requires verified addresses.
func newVerifyingServer(t *testing.T) *testServer {
	t.Helper()
	env := forumtest.New(t)
	env.Cfg.RequireEmailVerification = true
	env.Svc = forum.New(env.Store, env.Cfg)
	env.Svc.BcryptCost = 4
	s, err := server.New(env.Cfg, env.Svc, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return &testServer{Env: env, URL: hs.URL, srv: hs}
}

func TestUnverifiedMemberCannotPostHTMLAndAPI(t *testing.T) {
	ts := newVerifyingServer(t)
	ts.Category("general")
	author := ts.User("author", models.RoleMember)
	th, _ := ts.Thread(author, "general", "A thread", "hello")
	b := ts.browser()
	b.signup("newbie")
	u, _ := ts.Store.UserByUsername(ts.Ctx, "newbie")
	tok := ts.tokenFor(t, u)

	for _, path := range []string{"/new", "/t/" + strconv.FormatInt(th.ID, 10)} {
		r := b.get(path)
		if !strings.Contains(r.Body, "Verify your email address to post") || !strings.Contains(r.Body, `action="/email/verify/resend"`) ||
			!strings.Contains(r.Body, "You can post once your email address is verified") {
			t.Errorf("%s does not say why the member cannot post", path)
		}
	}
	r := b.post("/new", url.Values{"category": {"general"}, "title": {"My own thread"}, "body": {"typed text stays"}})
	if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "typed text stays") || !strings.Contains(r.Body, "verify your email address") {
		t.Errorf("new thread while unverified: %d", r.StatusCode)
	}
	r = b.post("/t/"+strconv.FormatInt(th.ID, 10)+"/reply", url.Values{"body": {"my reply text"}})
	if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "my reply text") {
		t.Errorf("reply while unverified: %d", r.StatusCode)
	}
	code, out := ts.api(t, "POST", "/api/v1/threads/"+strconv.FormatInt(th.ID, 10)+"/posts", tok, `{"body":"from the API"}`)
	if e, _ := out["error"].(map[string]any); code != http.StatusForbidden || e["code"] != "email_unverified" {
		t.Errorf("API reply while unverified: %d %v", code, out)
	}
	code, out = ts.api(t, "POST", "/api/v1/threads", tok, `{"category":"general","title":"API thread","body":"x"}`)
	if e, _ := out["error"].(map[string]any); code != http.StatusForbidden || e["code"] != "email_unverified" {
		t.Errorf("API thread while unverified: %d %v", code, out)
	}

	// Send again: POST with CSRF, rate-limited.
	if r := b.postRaw("/email/verify/resend", url.Values{}); r.StatusCode != http.StatusForbidden {
		t.Errorf("resend without CSRF: %d", r.StatusCode)
	}
	if r := b.post("/email/verify/resend", nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("resend: %d", r.StatusCode)
	}
	if r := b.post("/email/verify/resend", nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("second resend: %d", r.StatusCode)
	}
	if r := b.post("/email/verify/resend", nil); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("fourth link in an hour (with the sign-up's): %d", r.StatusCode)
	}

	token := ts.mailedVerifyToken(t, u, "newbie@example.com")
	if r := b.get("/email/verify/" + token); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "is verified") {
		t.Fatalf("verify: %d", r.StatusCode)
	}
	if r := b.get("/new"); strings.Contains(r.Body, "Verify your email address to post") {
		t.Error("the banner stays after verifying")
	}
	if r := b.post("/t/"+strconv.FormatInt(th.ID, 10)+"/reply", url.Values{"body": {"now I can"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("reply after verifying: %d", r.StatusCode)
	}
	if code, _ := ts.api(t, "POST", "/api/v1/threads/"+strconv.FormatInt(th.ID, 10)+"/posts", tok, `{"body":"from the API"}`); code != http.StatusCreated && code != http.StatusOK {
		t.Errorf("API reply after verifying: %d", code)
	}
	for name, tk := range map[string]string{"used": token, "unknown": strings.Repeat("y", 43)} {
		if r := b.get("/email/verify/" + tk); r.StatusCode != http.StatusGone || !strings.Contains(r.Body, "Send again") {
			t.Errorf("%s link: %d", name, r.StatusCode)
		}
	}
}

func TestVerificationOffShowsNoBanner(t *testing.T) {
	ts := newTestServer(t)
	b := ts.browser()
	b.signup("free")
	if r := b.get("/"); strings.Contains(r.Body, "Verify your email address to post") {
		t.Error("banner while verification is off")
	}
}

func TestChangeEmailOnSettings(t *testing.T) {
	ts := newVerifyingServer(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ts.Svc.SetClock(func() time.Time { return now })
	alice := ts.User("alice", models.RoleMember)
	ts.User("bob", models.RoleMember)
	b := ts.browser()
	b.login("alice")
	if r := b.get("/settings"); !strings.Contains(r.Body, `action="/settings/address"`) || !strings.Contains(r.Body, "(verified)") {
		t.Fatal("settings has no address form")
	}
	bad := []struct{ email, password, want string }{
		{"alice@new.example", "wrong-password", "not your current password"},
		{"nonsense", "password123", "enter an email address"},
		{"bob@example.com", "password123", "another account uses that address"},
	}
	for _, tc := range bad {
		r := b.post("/settings/address", url.Values{"new_email": {tc.email}, "password": {tc.password}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, tc.want) || !strings.Contains(r.Body, `value="`+tc.email+`"`) {
			t.Errorf("%s: %d, want 422 saying %q and keeping the address", tc.email, r.StatusCode, tc.want)
		}
	}
	if r := b.postRaw("/settings/address", url.Values{"new_email": {"alice@new.example"}, "password": {"password123"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("without CSRF: %d", r.StatusCode)
	}
	if r := b.post("/settings/address", url.Values{"new_email": {"alice@new.example"}, "password": {"password123"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", r.StatusCode)
	}
	r := b.get("/settings")
	if !strings.Contains(r.Body, "Waiting for verification: <strong>alice@new.example</strong>") || !strings.Contains(r.Body, "Your address is <strong>alice@example.com</strong>") {
		t.Error("settings does not show the pending address beside the current one")
	}
	token := ts.mailedVerifyToken(t, alice, "alice@new.example")
	now = now.Add(25 * time.Hour)
	if r := b.get("/email/verify/" + token); r.StatusCode != http.StatusGone {
		t.Fatalf("a 25-hour-old link: %d", r.StatusCode)
	}
	if r := b.post("/email/verify/resend", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("resend: %d", r.StatusCode)
	}
	token = ts.mailedVerifyToken(t, alice, "alice@new.example")
	if r := ts.browser().get("/email/verify/" + token); r.StatusCode != http.StatusOK {
		t.Fatalf("verify (any browser): %d", r.StatusCode)
	}
	if r := b.get("/settings"); !strings.Contains(r.Body, "Your address is <strong>alice@new.example</strong> (verified)") {
		t.Error("the new address did not take over")
	}
}
