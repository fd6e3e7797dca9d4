package server_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/hearth/hearth/server"
)

var nextField = regexp.MustCompile(`name="next" value="([^"]*)"`)

// TestLoginRedirectCorpus logs in once per corpus target through the link
// (GET /login?next=…, then the form as the page rendered it) and once by
// posting next straight to the form, and checks where each login sends
// the browser: the target itself when it is a same-site path, "/" for the
// rest.
func TestLoginRedirectCorpus(t *testing.T) {
	ts := newTestServer(t)
	ts.User("walker", "member")
	for _, tc := range server.NextCorpus {
		// The link: the page carries the target in its hidden field.
		b := ts.browser()
		page := b.get("/login?next=" + url.QueryEscape(tc.Raw))
		m := nextField.FindStringSubmatch(page.Body)
		if page.StatusCode != http.StatusOK || m == nil {
			t.Fatalf("login page for %q: %d, next field found: %v", tc.Raw, page.StatusCode, m != nil)
		}
		res := b.post("/login", url.Values{"login": {"walker"}, "password": {"password123"}, "next": {html.UnescapeString(m[1])}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != tc.Want {
			t.Errorf("link with next=%q: %d Location %q, want 303 %q", tc.Raw, res.StatusCode, res.Header.Get("Location"), tc.Want)
		}
		// The form posted directly, as a forged page would.
		b = ts.browser()
		res = b.post("/login", url.Values{"login": {"walker"}, "password": {"password123"}, "next": {tc.Raw}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != tc.Want {
			t.Errorf("form with next=%q: %d Location %q, want 303 %q", tc.Raw, res.StatusCode, res.Header.Get("Location"), tc.Want)
		}
	}
}

// TestLoginRedirectFromIssue is the report's own case, spelled as it was
// sent: the tab once made the Location "/\t/evil.example".
func TestLoginRedirectFromIssue(t *testing.T) {
	ts := newTestServer(t)
	ts.User("walker", "member")
	b := ts.browser()
	page := b.get("/login?next=%2F%09%2Fevil.example")
	m := nextField.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no next field: %s", page.Body)
	}
	res := b.post("/login", url.Values{"login": {"walker"}, "password": {"password123"}, "next": {html.UnescapeString(m[1])}})
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/" {
		t.Fatalf("got %d Location %q, want 303 /", res.StatusCode, loc)
	}
}
