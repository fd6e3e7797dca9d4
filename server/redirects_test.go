package server

import (
	"net/url"
	"strings"
	"testing"
)

// nextCorpus holds redirect targets an attacker might send as ?next= (or
// as the login form's hidden field), each with what safeNext must make of
// it. The HTTP test in login_redirect_test.go replays the same corpus
// through the real login.
var nextCorpus = []struct{ Raw, Want string }{
	// Same-site paths pass unchanged.
	{"/", "/"},
	{"/t/42", "/t/42"},
	{"/t/42/some-slug?page=3#post-7", "/t/42/some-slug?page=3#post-7"},
	{"/search?q=a%20b", "/search?q=a%20b"},
	{"/tags/caf%C3%A9", "/tags/caf%C3%A9"},
	{"/c/general/new", "/c/general/new"},
	{"/settings#email-settings", "/settings#email-settings"},
	// Empty and relative.
	{"", "/"},
	{"t/42", "/"},
	{"evil.example", "/"},
	{".", "/"},
	{"?next=/", "/"},
	{"#/evil", "/"},
	// Scheme-relative and other-site forms.
	{"//evil.example", "/"},
	{"///evil.example", "/"},
	{"////evil.example", "/"},
	{"/\\evil.example", "/"},
	{"\\\\evil.example", "/"},
	{"\\/evil.example", "/"},
	{"/\\/evil.example", "/"},
	{"/t/1\\..\\..\\evil", "/"},
	{"https://evil.example", "/"},
	{"http://evil.example/", "/"},
	{"https:evil.example", "/"},
	{"https:/evil.example", "/"},
	{"//user@evil.example", "/"},
	{"/@evil.example", "/@evil.example"},
	{"javascript:alert(1)", "/"},
	{"JavaScript:alert(1)", "/"},
	{"data:text/html,<script>alert(1)</script>", "/"},
	{"vbscript:msgbox", "/"},
	// Control characters and whitespace, raw.
	{"/\t/evil.example", "/"},
	{"/\n/evil.example", "/"},
	{"/\r\n/evil.example", "/"},
	{"/ /evil.example", "/"},
	{" //evil.example", "/"},
	{"/t/1\x00", "/"},
	{"/t/1\x7f", "/"},
	{"/t/1\nLocation: https://evil.example", "/"},
	// The same, percent-encoded.
	{"/%09/evil.example", "/"},
	{"/%0a/evil.example", "/"},
	{"/%0d%0a/evil.example", "/"},
	{"/%0D%0ASet-Cookie:x=1", "/"},
	{"/%20/evil.example", "/"},
	{"/%00", "/"},
	{"/t/1?x=%0d%0aSet-Cookie:x", "/"},
	{"/%2f%2fevil.example", "/"},
	{"/%2F/evil.example", "/"},
	{"/%5cevil.example", "/"},
	{"/%5C%5Cevil.example", "/"},
	{"/%252f%252fevil.example", "/"},
	{"/%25252f%25252fevil.example", "/"},
	{"/%2509/evil.example", "/"},
	{"/%zz", "/"},
	{"/t/%", "/"},
	// Unicode look-alikes and invisible characters.
	{"／／evil.example", "/"},
	{"/／evil.example", "/"},
	{"/%EF%BC%8F%EF%BC%8Fevil.example", "/"},
	{"/＼evil.example", "/"},
	{"/\u2215\u2215evil.example", "/"},
	{"/\u2044evil.example", "/"},
	{"/%E2%80%8B/evil.example", "/"},
	{"/\u200b/evil.example", "/"},
	{"/\u00a0/evil.example", "/"},
	{"/%C2%A0/evil.example", "/"},
	{"/%E2%80%AE", "/"},
	{"/%ff", "/"},
}

func TestSafeNextCorpus(t *testing.T) {
	if len(nextCorpus) < 40 {
		t.Fatalf("corpus has %d cases; keep at least 40", len(nextCorpus))
	}
	for _, tc := range nextCorpus {
		if got := safeNext(tc.Raw); got != tc.Want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.Raw, got, tc.Want)
		}
	}
}

// TestSafeNextOversized refuses targets longer than any link the site makes.
func TestSafeNextOversized(t *testing.T) {
	long := "/t/1?q="
	for len(long) <= maxNextLength {
		long += "aaaaaaaaaa"
	}
	if got := safeNext(long); got != "/" {
		t.Fatalf("a %d-byte target was kept", len(long))
	}
}

// FuzzSafeNext: whatever comes in, what goes out is "/" or the input
// itself, and anything kept is a bare same-site path by every reading a
// browser might use: one leading slash, printable ASCII only, no
// backslash, and no scheme or host to url.Parse.
func FuzzSafeNext(f *testing.F) {
	for _, tc := range nextCorpus {
		f.Add(tc.Raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := safeNext(raw)
		if got == "/" {
			return
		}
		if got != raw {
			t.Fatalf("safeNext(%q) = %q: neither the input nor /", raw, got)
		}
		if got[0] != '/' || (len(got) > 1 && (got[1] == '/' || got[1] == '\\')) {
			t.Fatalf("kept %q: not a single leading slash", got)
		}
		for i := 0; i < len(got); i++ {
			if b := got[i]; b <= ' ' || b >= 0x7f || b == '\\' {
				t.Fatalf("kept %q: byte %#x", got, b)
			}
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
			t.Fatalf("kept %q: url.Parse gives %#v, %v", got, u, err)
		}
		if p, err := url.PathUnescape(got); err != nil || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\t\r\n\\") {
			t.Fatalf("kept %q: decodes to %q", got, p)
		}
	})
}
