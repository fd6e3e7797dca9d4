package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/models"
)

const newPassword = "amber-lantern-71"

var resetLinkRe = regexp.MustCompile(`/password/reset/([A-Za-z0-9_-]{40,})`)

// mailedResetToken returns the token of the newest reset link mailed to u.
func (ts *testServer) mailedResetToken(t *testing.T, u *models.User) string {
	t.Helper()
	mails, err := ts.Store.MailsTo(ts.Ctx, u.ID)
	if err != nil || len(mails) == 0 {
		t.Fatalf("no mail to %s: %v", u.Username, err)
	}
	m := resetLinkRe.FindStringSubmatch(mails[len(mails)-1].Text)
	if m == nil {
		t.Fatalf("no reset link in %q", mails[len(mails)-1].Text)
	}
	return m[1]
}

func (ts *testServer) tokenFor(t *testing.T, u *models.User) string {
	t.Helper()
	tok, err := ts.Svc.CreateToken(ts.Ctx, u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (b *browser) postFrom(addr, path string, form url.Values) *response {
	form.Set("_csrf", b.csrf())
	req, _ := http.NewRequest(http.MethodPost, b.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", addr)
	return b.do(req)
}

func TestChangePasswordOnSettings(t *testing.T) {
	ts := newTestServer(t)
	alice := ts.User("alice", models.RoleMember)
	b, other := ts.browser(), ts.browser()
	b.login("alice")
	other.login("alice")
	tok := ts.tokenFor(t, alice)
	if r := b.get("/settings"); !strings.Contains(r.Body, `action="/settings/password"`) || !strings.Contains(r.Body, "Also sign out every API token") {
		t.Fatal("settings has no password form")
	}
	bad := []struct {
		name  string
		form  url.Values
		field string
	}{
		{"wrong current", url.Values{"current_password": {"wrong-one-1"}, "new_password": {newPassword}, "confirm_password": {newPassword}}, "not your current password"},
		{"weak", url.Values{"current_password": {"password123"}, "new_password": {"sunshine1"}, "confirm_password": {"sunshine1"}}, "most common"},
		{"mismatch", url.Values{"current_password": {"password123"}, "new_password": {newPassword}, "confirm_password": {"amber-lantern-72"}}, "two new passwords differ"},
	}
	for _, tc := range bad {
		tc.form.Set("revoke_tokens", "1")
		tc.form.Set("display_name", "") // not part of this form
		r := b.post("/settings/password", tc.form)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, tc.field) {
			t.Errorf("%s: %d, want 422 saying %q", tc.name, r.StatusCode, tc.field)
		}
		if !regexp.MustCompile(`name="revoke_tokens" value="1" checked`).MatchString(r.Body) {
			t.Errorf("%s: the ticked box was lost", tc.name)
		}
		if strings.Contains(r.Body, newPassword) || strings.Contains(r.Body, "password123") {
			t.Errorf("%s: a password was written into the page", tc.name)
		}
	}
	if r := b.postRaw("/settings/password", url.Values{"current_password": {"password123"}, "new_password": {newPassword}, "confirm_password": {newPassword}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("without CSRF: %d", r.StatusCode)
	}
	r := b.post("/settings/password", url.Values{"current_password": {"password123"}, "new_password": {newPassword}, "confirm_password": {newPassword}, "revoke_tokens": {"1"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/settings" {
		t.Fatalf("change: %d %s", r.StatusCode, r.Body)
	}
	if r := b.get("/settings"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Password changed") {
		t.Errorf("this browser was signed out or not told: %d", r.StatusCode)
	}
	if r := other.get("/settings"); r.StatusCode == http.StatusOK {
		t.Error("the other browser is still signed in")
	}
	if code, _ := ts.api(t, "GET", "/api/v1/me", tok, ""); code != http.StatusUnauthorized {
		t.Errorf("revoked token: %d", code)
	}
	if r := ts.browser().post("/login", url.Values{"login": {"alice"}, "password": {newPassword}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("login with the new password: %d", r.StatusCode)
	}
}

func TestChangePasswordAPI(t *testing.T) {
	ts := newTestServer(t)
	alice := ts.User("alice", models.RoleMember)
	tok, keep := ts.tokenFor(t, alice), ts.tokenFor(t, alice)
	b := ts.browser()
	b.login("alice")
	cases := []struct {
		name, token, body string
		status            int
		code              string
	}{
		{"visitor", "", `{"current_password":"password123","new_password":"amber-lantern-71"}`, 401, "unauthorized"},
		{"wrong current", tok, `{"current_password":"nope-nope-1","new_password":"amber-lantern-71"}`, 422, "validation_failed"},
		{"weak", tok, `{"current_password":"password123","new_password":"12345678"}`, 422, "validation_failed"},
		{"not JSON", tok, `{`, 400, "malformed_json"},
	}
	for _, tc := range cases {
		code, out := ts.api(t, "PUT", "/api/v1/me/password", tc.token, tc.body)
		if e, _ := out["error"].(map[string]any); code != tc.status || e["code"] != tc.code {
			t.Errorf("%s: %d %v, want %d %s", tc.name, code, out, tc.status, tc.code)
		}
	}
	if code, out := ts.api(t, "PUT", "/api/v1/me/password", tok, `{"current_password":"password123","new_password":"amber-lantern-71"}`); code != http.StatusNoContent {
		t.Fatalf("change: %d %v", code, out)
	}
	if r := b.get("/settings"); r.StatusCode == http.StatusOK {
		t.Error("the browser session survived a change through the API")
	}
	if code, _ := ts.api(t, "GET", "/api/v1/me", keep, ""); code != http.StatusOK {
		t.Errorf("tokens were revoked without revoke_tokens: %d", code)
	}
	if code, _ := ts.api(t, "PUT", "/api/v1/me/password", tok, `{"current_password":"amber-lantern-71","new_password":"violet-harbour-9","revoke_tokens":true}`); code != http.StatusNoContent {
		t.Fatalf("second change: %d", code)
	}
	for _, tk := range []string{tok, keep} {
		if code, _ := ts.api(t, "GET", "/api/v1/me", tk, ""); code != http.StatusUnauthorized {
			t.Errorf("token after revoke_tokens: %d", code)
		}
	}
}

func TestForgotPasswordFlow(t *testing.T) {
	ts := newTestServer(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ts.Svc.SetClock(func() time.Time { return now })
	bob := ts.User("bob", models.RoleMember)
	signedIn := ts.browser()
	signedIn.login("bob")
	b := ts.browser()
	if r := b.get("/login"); !strings.Contains(r.Body, `href="/password/forgot"`) {
		t.Fatal("login page has no forgot-password link")
	}
	if r := b.postRaw("/password/forgot", url.Values{"login": {"bob"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("without CSRF: %d", r.StatusCode)
	}
	known := b.post("/password/forgot", url.Values{"login": {"bob@example.com"}})
	unknown := b.post("/password/forgot", url.Values{"login": {"nobody@example.com"}})
	if known.StatusCode != http.StatusOK || !strings.Contains(known.Body, "If an account matches, we sent a link") {
		t.Fatalf("known account: %d %s", known.StatusCode, known.Body)
	}
	if unknown.StatusCode != known.StatusCode || unknown.Body != known.Body {
		t.Fatal("the answer differs for an unknown account")
	}
	if r := b.post("/password/forgot", url.Values{"login": {""}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("empty: %d", r.StatusCode)
	}
	token := ts.mailedResetToken(t, bob)
	if r := b.get("/password/reset/" + token); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `name="confirm_password"`) {
		t.Fatalf("reset form: %d", r.StatusCode)
	}
	for _, bad := range []struct{ pw, confirm, want string }{
		{"iloveyou", "iloveyou", "most common"},
		{"bob@example.com", "bob@example.com", "username or email"},
		{newPassword, "amber-lantern-72", "differ"},
	} {
		r := b.post("/password/reset/"+token, url.Values{"password": {bad.pw}, "confirm_password": {bad.confirm}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, bad.want) {
			t.Errorf("%q: %d, want 422 saying %q", bad.pw, r.StatusCode, bad.want)
		}
	}
	now = now.Add(30 * time.Minute)
	r := b.post("/password/reset/"+token, url.Values{"password": {newPassword}, "confirm_password": {newPassword}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Fatalf("reset: %d %s", r.StatusCode, r.Body)
	}
	if r := b.get("/login"); !strings.Contains(r.Body, "Log in with the new password") {
		t.Error("the login page does not say the password was changed")
	}
	if r := signedIn.get("/settings"); r.StatusCode == http.StatusOK {
		t.Error("an existing session survived the reset")
	}
	// Used, unknown and expired links get a page that links to asking again.
	if err := ts.Svc.RequestPasswordReset(ts.Ctx, "bob", "10.9.9.9"); err != nil {
		t.Fatal(err)
	}
	fresh := ts.mailedResetToken(t, bob)
	now = now.Add(61 * time.Minute)
	for name, tk := range map[string]string{"used": token, "unknown": strings.Repeat("x", 43), "expired": fresh} {
		for _, r := range []*response{b.get("/password/reset/" + tk), b.post("/password/reset/"+tk, url.Values{"password": {"violet-harbour-9"}, "confirm_password": {"violet-harbour-9"}})} {
			if r.StatusCode != http.StatusGone || !strings.Contains(r.Body, `href="/password/forgot"`) {
				t.Errorf("%s link: %d", name, r.StatusCode)
			}
		}
	}
	if r := ts.browser().post("/login", url.Values{"login": {"bob"}, "password": {newPassword}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("login with the reset password: %d", r.StatusCode)
	}
}

func TestForgotPasswordRateLimitedPerAddress(t *testing.T) {
	ts := newTestServerWith(t, func(c *config.Config) { c.TrustedProxies = "127.0.0.0/8" })
	b := ts.browser()
	for i := 0; i < 10; i++ {
		if r := b.postFrom("192.0.2.7", "/password/forgot", url.Values{"login": {"someone"}}); r.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %d", i, r.StatusCode)
		}
	}
	r := b.postFrom("192.0.2.7", "/password/forgot", url.Values{"login": {"typed-this"}})
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(r.Body, "too many reset requests") {
		t.Fatalf("11th: %d", r.StatusCode)
	}
	if !strings.Contains(r.Body, `value="typed-this"`) {
		t.Error("the refused form lost what was typed")
	}
	if r := b.postFrom("192.0.2.8", "/password/forgot", url.Values{"login": {"someone"}}); r.StatusCode != http.StatusOK {
		t.Errorf("another address: %d", r.StatusCode)
	}
}
