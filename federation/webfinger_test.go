package federation

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/config"
)

func TestWebFinger(t *testing.T) {
	plain := newHarness(t)
	plain.scene()
	withPort := newHarnessWith(t, func(c *config.Config) { c.URL = "http://forum.test:8443" })
	withPort.scene()

	type link struct{ Rel, Type, Href string }
	cases := []struct {
		name     string
		h        *harness
		resource string
		status   int
		subject  string
		self     string
	}{
		{"member", plain, "acct:alice@forum.test", 200, "acct:alice@forum.test", "http://forum.test/u/alice"},
		{"member any case", plain, "acct:BOB@Forum.Test", 200, "acct:Bob@forum.test", "http://forum.test/u/bob"},
		{"category", plain, "acct:general@forum.test", 200, "acct:general@forum.test", "http://forum.test/c/general"},
		{"instance actor", plain, "acct:forum.test@forum.test", 200, "acct:forum.test@forum.test", "http://forum.test/actor"},
		{"bare handle", plain, "alice@forum.test", 200, "acct:alice@forum.test", "http://forum.test/u/alice"},
		{"pasted handle", plain, "@alice@forum.test", 200, "acct:alice@forum.test", "http://forum.test/u/alice"},
		{"member URL", plain, "http://forum.test/u/alice", 200, "acct:alice@forum.test", "http://forum.test/u/alice"},
		{"category URL", plain, "http://forum.test/c/general", 200, "acct:general@forum.test", "http://forum.test/c/general"},
		{"instance URL", plain, "http://forum.test/actor", 200, "acct:forum.test@forum.test", "http://forum.test/actor"},
		{"port: member", withPort, "acct:alice@forum.test:8443", 200, "acct:alice@forum.test:8443", "http://forum.test:8443/u/alice"},
		{"port: category", withPort, "acct:general@forum.test:8443", 200, "acct:general@forum.test:8443", "http://forum.test:8443/c/general"},
		{"port: URL", withPort, "http://forum.test:8443/u/alice", 200, "acct:alice@forum.test:8443", "http://forum.test:8443/u/alice"},
		{"port: instance actor", withPort, "acct:forum.test@forum.test:8443", 200, "acct:forum.test@forum.test:8443", "http://forum.test:8443/actor"},
		{"port: instance actor by host", withPort, "acct:forum.test:8443@forum.test:8443", 200, "acct:forum.test@forum.test:8443", "http://forum.test:8443/actor"},
		{"port: missing port", withPort, "acct:alice@forum.test", 404, "", ""},
		{"unexpected port", plain, "acct:alice@forum.test:8443", 404, "", ""},
		{"unknown name", plain, "acct:nobody@forum.test", 404, "", ""},
		{"other host", plain, "acct:alice@elsewhere.test", 404, "", ""},
		{"other host URL", plain, "http://elsewhere.test/u/alice", 404, "", ""},
		{"other scheme URL", plain, "https://forum.test/u/alice", 404, "", ""},
		{"category at /u/", plain, "http://forum.test/u/general", 404, "", ""},
		{"member at /c/", plain, "http://forum.test/c/alice", 404, "", ""},
		{"post URL", plain, "http://forum.test/p/1", 404, "", ""},
		{"empty", plain, "", 400, "", ""},
		{"acct only", plain, "acct:", 400, "", ""},
		{"no host", plain, "acct:alice", 400, "", ""},
		{"empty host", plain, "acct:alice@", 400, "", ""},
		{"empty name", plain, "acct:@forum.test", 400, "", ""},
		{"other scheme", plain, "mailto:alice", 400, "", ""},
		{"slash in host", plain, "acct:alice@forum.test/x", 400, "", ""},
		{"huge", plain, "acct:" + strings.Repeat("a", 2000) + "@forum.test", 400, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := tc.h.get("/.well-known/webfinger?resource="+url.QueryEscape(tc.resource), "")
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if rec.Header().Get("Access-Control-Allow-Origin") != "*" {
				t.Error("no CORS header")
			}
			if tc.status != 200 {
				return
			}
			if ct := rec.Header().Get("Content-Type"); ct != jrdJSON {
				t.Errorf("Content-Type %q", ct)
			}
			var doc struct {
				Subject string
				Aliases []string
				Links   []link
			}
			must(t, json.Unmarshal(rec.Body.Bytes(), &doc))
			if doc.Subject != tc.subject {
				t.Errorf("subject %q, want %q", doc.Subject, tc.subject)
			}
			if len(doc.Aliases) != 1 || doc.Aliases[0] != tc.self {
				t.Errorf("aliases %v", doc.Aliases)
			}
			wantProfile := tc.self
			if strings.HasSuffix(tc.self, "/actor") {
				wantProfile = strings.TrimSuffix(tc.self, "actor")
			}
			want := []link{{relSelf, activityJSON, tc.self}, {relProfilePage, "text/html", wantProfile}}
			if len(doc.Links) != 2 || doc.Links[0] != want[0] || doc.Links[1] != want[1] {
				t.Errorf("links %+v, want %+v", doc.Links, want)
			}
		})
	}
}

func TestWebFingerRelFilter(t *testing.T) {
	h := newHarness(t)
	h.scene()
	rec := h.get("/.well-known/webfinger?resource=acct:alice@forum.test&rel=self", "")
	var doc jrd
	must(t, json.Unmarshal(rec.Body.Bytes(), &doc))
	if len(doc.Links) != 1 || doc.Links[0].Rel != relSelf {
		t.Errorf("rel=self gave %+v", doc.Links)
	}
	rec = h.get("/.well-known/webfinger?resource=acct:alice@forum.test&rel=http://example.com/none", "")
	if !strings.Contains(rec.Body.String(), `"links":[]`) {
		t.Errorf("unknown rel: %s", rec.Body)
	}
}

func TestHostMeta(t *testing.T) {
	h := newHarness(t)
	rec := h.get("/.well-known/host-meta", "")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/xrd+xml") {
		t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	want := `<Link rel="lrdd" template="http://forum.test/.well-known/webfinger?resource={uri}"/>`
	if !strings.Contains(rec.Body.String(), want) || !strings.Contains(rec.Body.String(), `<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">`) {
		t.Errorf("host-meta:\n%s", rec.Body)
	}
}

// FuzzWebFingerResource: no input makes the resource parser (or the check
// that a parsed resource is ours) panic, and what it accepts is well formed.
func FuzzWebFingerResource(f *testing.F) {
	for _, s := range []string{
		"acct:alice@forum.test", "acct:alice@forum.test:8443", "@alice@forum.test", "alice@forum.test",
		"http://forum.test/u/alice", "https://forum.test/c/general", "http://forum.test/actor",
		"acct:", "acct:@", "acct:a%zz@forum.test", "acct:a%40b@forum.test", "mailto:x", "http://", "http://%zz",
		"acct:a@b@c", "http://user:pw@forum.test/u/a", "\x00", "acct:\u00e9@forum.test",
	} {
		f.Add(s)
	}
	fed := &Federation{base: "http://forum.test", host: "forum.test"}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := parseResource(s)
		if err != nil {
			return
		}
		if q.url == nil && (q.name == "" || q.host == "" || strings.ContainsAny(q.name, "@/")) {
			t.Fatalf("parseResource(%q) accepted %+v", s, q)
		}
		fed.localName(q)
	})
}
