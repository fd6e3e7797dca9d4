package federation

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func TestWantsActivity(t *testing.T) {
	cases := []struct {
		accept string
		want   bool
	}{
		{acceptAP, true},
		{acceptLD, true},
		{acceptMastodon, true},
		{"application/ld+json", true}, // older Mastodon, no profile
		{"application/activity+json; charset=utf-8", true},
		{`application/ld+json; profile="https://www.w3.org/ns/activitystreams https://example.com/ext"`, true},
		{`application/ld+json; profile="https://example.com/other"`, false},
		{acceptBrowser, false},
		{"", false},
		{"*/*", false},
		{"text/html", false},
		{"application/json", false},
		{"text/html, application/activity+json;q=0.5", false},
		{"application/activity+json;q=0", false},
		{"application/activity+json;q=bogus", false},
		{"application/activity+json, */*;q=0.1", true},
		{`application/ld+json; profile="a,b", text/html;q=0.2`, false}, // comma inside quotes is not a separator
	}
	for _, tc := range cases {
		if got := wantsActivity(tc.accept); got != tc.want {
			t.Errorf("wantsActivity(%q) = %v, want %v", tc.accept, got, tc.want)
		}
	}
}

// TestNegotiation: the same URLs give ActivityPub documents to servers and
// the HTML pages to browsers, and say so in Vary.
func TestNegotiation(t *testing.T) {
	h := newHarness(t)
	s := h.scene()
	paths := map[string]string{
		"member":        "/u/alice",
		"category":      "/c/general",
		"post":          "/p/" + strconv.FormatInt(s.first.ID, 10),
		"thread":        "/t/" + strconv.FormatInt(s.thread.ID, 10),
		"thread w/slug": "/t/" + strconv.FormatInt(s.thread.ID, 10) + "/hello-fediverse",
	}
	accepts := map[string]bool{
		acceptAP: true, acceptLD: true, acceptMastodon: true,
		acceptBrowser: false, "": false, "text/html": false,
	}
	for what, path := range paths {
		for accept, wantJSON := range accepts {
			rec := h.get(path, accept)
			if !strings.Contains(rec.Header().Get("Vary"), "Accept") {
				t.Errorf("%s %q: no Vary: Accept", what, accept)
			}
			isJSON := rec.Header().Get("Content-Type") == activityJSON
			isHTML := strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html")
			switch {
			case wantJSON && what == "thread w/slug":
				if rec.Code != http.StatusFound || rec.Header().Get("Location") != "http://forum.test/t/"+strconv.FormatInt(s.thread.ID, 10) {
					t.Errorf("%s %q: %d %s, want a redirect to the slug-less id", what, accept, rec.Code, rec.Header().Get("Location"))
				}
			case wantJSON && (rec.Code != http.StatusOK || !isJSON):
				t.Errorf("%s %q: got %d %s, want ActivityPub JSON", what, accept, rec.Code, rec.Header().Get("Content-Type"))
			case !wantJSON && (rec.Code != http.StatusOK || !isHTML || !strings.Contains(rec.Body.String(), "page "+path)):
				t.Errorf("%s %q: got %d %s %q, want the HTML page", what, accept, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
		}
	}
	// Other URLs are left alone, even with an ActivityPub Accept.
	if rec := h.get("/t/1/feed.rss", acceptAP); rec.Header().Get("Vary") != "" {
		t.Errorf("feed negotiated: %v", rec.Header())
	}
}

// TestIDEqualsURL: every document's id is the URL it was fetched from, and
// other spellings of a name lead there.
func TestIDEqualsURL(t *testing.T) {
	h := newHarness(t)
	s := h.scene()
	for _, path := range []string{
		"/u/alice", "/u/bob", "/c/general", "/actor",
		"/p/" + strconv.FormatInt(s.reply.ID, 10), "/t/" + strconv.FormatInt(s.thread.ID, 10),
		"/u/alice/outbox", "/c/general/followers", "/actor/following",
	} {
		if doc := h.activity(path, http.StatusOK); doc["id"] != "http://forum.test"+path {
			t.Errorf("GET %s: id %v", path, doc["id"])
		}
	}
	for path, want := range map[string]string{"/u/ALICE": "/u/alice", "/u/Bob": "/u/bob", "/c/General": "/c/general"} {
		rec := h.get(path, acceptAP)
		if rec.Code != http.StatusFound || rec.Header().Get("Location") != "http://forum.test"+want {
			t.Errorf("GET %s: %d → %q, want a redirect to %s", path, rec.Code, rec.Header().Get("Location"), want)
		}
	}
}

func TestUnknownIs404JSON(t *testing.T) {
	h := newHarness(t)
	h.scene()
	for _, path := range []string{"/u/nobody", "/c/nothing", "/p/999", "/t/999", "/u/nobody/outbox", "/c/nothing/followers", "/u/alice/outbox?page=2", "/u/alice/outbox?page=x"} {
		rec := h.get(path, acceptAP)
		if rec.Code != http.StatusNotFound || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") ||
			!strings.Contains(rec.Body.String(), `"code":"not_found"`) {
			t.Errorf("GET %s: %d %s %s", path, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	}
}
