package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// A new member sees the introductions and Mastodon hints on the home page
// until they dismiss each one; a dismissal is kept server-side, so it holds
// after logging in again in another browser; visitors never see hints, and
// dismissing without the CSRF token changes nothing.
func TestMemberHintsShownUntilDismissed(t *testing.T) {
	ts := newTestServer(t)
	var now atomic.Int64
	now.Store(time.Now().UTC().Truncate(time.Second).Unix())
	ts.Svc.SetClock(func() time.Time { return time.Unix(now.Load(), 0).UTC() })
	ts.User("admin1", models.RoleAdmin)
	ts.Category("general")
	ts.Category("introductions")

	anon := ts.browser().get("/")
	if strings.Contains(anon.Body, `action="/hints/dismiss"`) || strings.Contains(anon.Body, "Say hello in") {
		t.Fatalf("a visitor sees a hint: %s", anon.Body)
	}

	b := ts.browser()
	b.signup("newbie")
	home := b.get("/").Body
	if !strings.Contains(home, `Say hello in <a href="/c/introductions">`) {
		t.Fatalf("no introductions hint for a new member: %s", home)
	}
	if !strings.Contains(home, `<code class="handle">@general@`) {
		t.Fatalf("no Mastodon hint with the category's handle: %s", home)
	}

	// Without the CSRF token nothing is dismissed.
	if r := b.postRaw("/hints/dismiss", url.Values{"hint": {"introductions"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("dismiss without CSRF: %d", r.StatusCode)
	}
	if !strings.Contains(b.get("/").Body, "Say hello in") {
		t.Fatal("a dismissal without CSRF took effect")
	}
	// An unknown hint is refused.
	if r := b.post("/hints/dismiss", url.Values{"hint": {"nope"}}); r.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown hint: %d", r.StatusCode)
	}

	r := b.post("/hints/dismiss", url.Values{"hint": {"introductions"}, "next": {"/"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("dismiss: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	home = b.get("/").Body
	if strings.Contains(home, "Say hello in") || !strings.Contains(home, `<code class="handle">@general@`) {
		t.Fatalf("after dismissing introductions: want only the Mastodon hint: %s", home)
	}
	// "next" goes through safeNext: never off-site.
	r = b.post("/hints/dismiss", url.Values{"hint": {"fediverse"}, "next": {"//evil.example/"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("dismiss with an off-site next: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if strings.Contains(b.get("/").Body, `action="/hints/dismiss"`) {
		t.Fatal("a hint is still shown after both were dismissed")
	}

	// Another device: log in afresh; still gone.
	other := ts.browser()
	if res := other.post("/login", url.Values{"login": {"newbie"}, "password": {signupPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", res.StatusCode)
	}
	if strings.Contains(other.get("/").Body, `action="/hints/dismiss"`) {
		t.Fatal("a dismissed hint came back after logging in again")
	}

	// A member past their first 30 days is no newcomer: no hints.
	old := ts.browser()
	old.signup("oldtimer")
	if !strings.Contains(old.get("/").Body, `action="/hints/dismiss"`) {
		t.Fatal("no hints for a member who just signed up")
	}
	now.Add(int64((31 * 24 * time.Hour).Seconds()))
	if strings.Contains(old.get("/").Body, `action="/hints/dismiss"`) {
		t.Fatal("hints shown to a member who joined 31 days ago")
	}
}

// Where the introductions hint points: the category chosen in the site
// settings, else one whose name says so, else no such hint at all.
func TestMemberHintsIntroductionsCategory(t *testing.T) {
	cases := []struct {
		name       string
		categories []string
		chosen     string
		want       string // "" for no introductions hint
	}{
		{"guessed from the slug", []string{"general", "intros"}, "", "/c/intros"},
		{"guessed from welcome", []string{"general", "welcome-lounge"}, "", "/c/welcome-lounge"},
		{"chosen beats guessed", []string{"general", "introductions", "hello"}, "hello", "/c/hello"},
		{"nothing fits", []string{"general", "recipes"}, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t)
			admin := ts.browser()
			admin.signup("admin1")
			for _, c := range tc.categories {
				ts.Category(c)
			}
			if tc.chosen != "" {
				tok := ts.token(t, "admin2", models.RoleAdmin)
				if code, body := ts.api(t, http.MethodPatch, "/api/v1/admin/site", tok, `{"introductions_category":"`+tc.chosen+`"}`); code != http.StatusOK || body["introductions_category"] != tc.chosen {
					t.Fatalf("PATCH site: %d %v", code, body)
				}
			}
			b := ts.browser()
			b.signup("newbie")
			home := b.get("/").Body
			got := ""
			if i := strings.Index(home, "Say hello in <a href=\""); i >= 0 {
				rest := home[i+len("Say hello in <a href=\""):]
				got = rest[:strings.Index(rest, `"`)]
			}
			if got != tc.want {
				t.Fatalf("introductions hint points to %q, want %q", got, tc.want)
			}
		})
	}
}

// The administrator chooses the introductions category on /admin/site; a
// category that does not exist is refused with the field marked and
// nothing saved.
func TestAdminSiteIntroductionsCategory(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.browser()
	admin.signup("admin1")
	ts.Category("general")
	hello := ts.Category("hello")
	page := admin.get("/admin/site").Body
	if !strings.Contains(page, `name="introductions_category"`) || !strings.Contains(page, `<option value="hello">`) {
		t.Fatalf("site settings page has no introductions choice: %s", page)
	}
	form := url.Values{"name": {"Forum"}, "signup_mode": {"open"}, "introductions_category": {"nowhere"}}
	if r := admin.post("/admin/site", form); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "choose one of the public categories") {
		t.Fatalf("unknown category: %d", r.StatusCode)
	}
	form.Set("introductions_category", "hello")
	if r := admin.post("/admin/site", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body)
	}
	if page := admin.get("/admin/site").Body; !strings.Contains(page, `<option value="hello" selected>`) {
		t.Fatal("the chosen category is not selected after saving")
	}
	site, err := ts.Svc.Site(ts.Ctx)
	if err != nil || site.IntroductionsCategoryID != hello.ID || site.Name != "Forum" {
		t.Fatalf("saved site: %+v %v", site, err)
	}

	// The choice is kept by id: renaming the category keeps it.
	newSlug := "say-hi"
	if _, err := ts.Svc.UpdateCategory(ts.Ctx, mustUser(t, ts, "admin1"), "hello", forum.CategoryEdit{Slug: &newSlug}); err != nil {
		t.Fatal(err)
	}
	if page := admin.get("/admin/site").Body; !strings.Contains(page, `<option value="say-hi" selected>`) {
		t.Fatal("the renamed category is not selected")
	}
	tok := ts.token(t, "admin2", models.RoleAdmin)
	if code, body := ts.api(t, http.MethodGet, "/api/v1/admin/site", tok, ""); code != http.StatusOK || body["introductions_category"] != "say-hi" {
		t.Fatalf("GET site after the rename: %d %v", code, body)
	}
	b := ts.browser()
	b.signup("newbie")
	if home := b.get("/").Body; !strings.Contains(home, `Say hello in <a href="/c/say-hi">`) {
		t.Fatalf("after the rename the hint does not point to the renamed category: %s", home)
	}
	// Choosing nothing goes back to guessing.
	form.Set("introductions_category", "")
	if r := admin.post("/admin/site", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("clear: %d", r.StatusCode)
	}
	if site, _ := ts.Svc.Site(ts.Ctx); site.IntroductionsCategoryID != 0 {
		t.Fatalf("cleared choice kept %d", site.IntroductionsCategoryID)
	}
}
