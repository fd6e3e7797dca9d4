package server_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/hearth/hearth/models"
)

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// formToken is the CSRF token a page put in its forms.
func (b *browser) formToken(path string) string {
	b.t.Helper()
	r := b.get(path)
	m := csrfField.FindStringSubmatch(r.Body)
	if m == nil {
		b.t.Fatalf("no _csrf field on %s (%d)", path, r.StatusCode)
	}
	return html.UnescapeString(m[1])
}

// markRead posts a harmless state-changing form with the given token.
func (b *browser) markRead(token string) int {
	return b.postRaw("/notifications/read", url.Values{"_csrf": {token}}).StatusCode
}

// TestCSRFTokenRotatesAtLogin: the token a visitor's login page carried
// stops working once they log in; the page after login carries one that
// works; logging out retires it too.
func TestCSRFTokenRotatesAtLogin(t *testing.T) {
	ts := newTestServer(t)
	ts.User("alice", models.RoleMember)
	b := ts.browser()
	before := b.formToken("/login")
	if r := b.postRaw("/login", url.Values{"_csrf": {before}, "login": {"alice"}, "password": {"password123"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("login with the login page's token: %d", r.StatusCode)
	}
	if code := b.markRead(before); code != http.StatusForbidden {
		t.Fatalf("pre-login token after login: %d, want 403", code)
	}
	after := b.formToken("/notifications")
	if after == before {
		t.Fatal("login kept the visitor's token")
	}
	if code := b.markRead(after); code != http.StatusSeeOther {
		t.Fatalf("the signed-in page's token: %d, want 303", code)
	}
	// Logged out, then in again: a new session, a new token.
	if r := b.postRaw("/logout", url.Values{"_csrf": {after}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.StatusCode)
	}
	if r := b.post("/login", url.Values{"login": {"alice"}, "password": {"password123"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("second login: %d", r.StatusCode)
	}
	if code := b.markRead(after); code != http.StatusForbidden {
		t.Fatalf("the first session's token in the second session: %d, want 403", code)
	}
}

// TestCSRFTokenBoundToSession: a token from one session is refused in
// another, even another session of the same member, and even when the
// attacker's token is also planted in the victim's CSRF cookie (the check
// for a session never reads the cookie).
func TestCSRFTokenBoundToSession(t *testing.T) {
	ts := newTestServer(t)
	ts.User("alice", models.RoleMember)
	ts.User("mallory", models.RoleMember)
	login := func(name string) *browser {
		b := ts.browser()
		if r := b.post("/login", url.Values{"login": {name}, "password": {"password123"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("login %s: %d", name, r.StatusCode)
		}
		return b
	}
	alice, mallory, alice2 := login("alice"), login("mallory"), login("alice")
	mine := mallory.formToken("/notifications")
	if code := mallory.markRead(mine); code != http.StatusSeeOther {
		t.Fatalf("own token: %d", code)
	}
	if code := alice.markRead(mine); code != http.StatusForbidden {
		t.Fatalf("another member's token: %d, want 403", code)
	}
	if code := alice2.markRead(alice.formToken("/notifications")); code != http.StatusForbidden {
		t.Fatalf("same member, other session's token: %d, want 403", code)
	}
	u, _ := url.Parse(ts.URL)
	alice.client.Jar.SetCookies(u, []*http.Cookie{{Name: "hearth_csrf", Value: mine, Path: "/"}})
	if code := alice.markRead(mine); code != http.StatusForbidden {
		t.Fatalf("planted cookie and matching field: %d, want 403", code)
	}
	// Anonymous forms keep the double submit: a visitor's own token works.
	visitor := ts.browser()
	if r := visitor.postRaw("/login", url.Values{"_csrf": {visitor.formToken("/login")}, "login": {"nobody"}, "password": {"x"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("visitor's login form: %d, want 422", r.StatusCode)
	}
}
