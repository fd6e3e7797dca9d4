package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// inGerman reports whether a page is written in German: its lang and a
// word from the layout.
func inGerman(r *response) bool {
	return strings.Contains(r.Body, `<html lang="de">`) && strings.Contains(r.Body, "Zum Inhalt springen")
}

func inEnglish(r *response) bool {
	return strings.Contains(r.Body, `<html lang="en">`) && strings.Contains(r.Body, "Skip to content")
}

// A visitor's browser language chooses the page's language, and the
// anonymous page cache keeps one copy per language.
func TestVisitorGetsTheBrowsersLanguage(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	th, _ := ts.Thread(ts.User("author", models.RoleMember), "general", "Sourdough", "body")
	path := fmt.Sprintf("/t/%d", th.ID)
	b := ts.browser()
	for i, tc := range []struct {
		accept string
		german bool
	}{
		{"de-DE,de;q=0.9,en;q=0.8", true},
		{"", false},
		{"de", true}, // a cache hit must still be German
		{"en-GB", false},
		{"fr-FR,fr;q=0.9", false}, // no French: the site's default, English
	} {
		r := b.getIn(path, tc.accept)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%d: status %d", i, r.StatusCode)
		}
		if tc.german && !inGerman(r) || !tc.german && !inEnglish(r) {
			t.Errorf("%d: Accept-Language %q: german=%v, page lang wrong (cache %s)", i, tc.accept, tc.german, r.Header.Get("X-Hearth-Cache"))
		}
		if !strings.Contains(r.Header.Get("Vary"), "Accept-Language") {
			t.Errorf("%d: Vary = %q, want Accept-Language in it", i, r.Header.Get("Vary"))
		}
	}
}

// The footer's switcher keeps a visitor's choice in a cookie; a cross-site
// post cannot set it.
func TestVisitorSwitchesLanguage(t *testing.T) {
	ts := newTestServer(t)
	b := ts.browser()
	if r := b.get("/"); !inEnglish(r) || !strings.Contains(r.Body, `action="/language"`) {
		t.Fatalf("home has no language switcher or is not English")
	}
	post := func(site string, form url.Values) *response {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/language", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", site)
		return b.do(req)
	}
	if r := post("cross-site", url.Values{"lang": {"de"}, "next": {"/search"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site switch: status %d, want 403", r.StatusCode)
	}
	if r := b.get("/"); !inEnglish(r) {
		t.Fatal("a cross-site post changed the language")
	}
	r := post("same-origin", url.Values{"lang": {"de"}, "next": {ts.Cfg.URL + "/search"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/search" {
		t.Fatalf("switch: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := b.getIn("/", "en-US"); !inGerman(r) {
		t.Error("after choosing German, the home page is not German")
	}
	if r := post("same-origin", url.Values{"lang": {"xx"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unknown language: status %d, want 422", r.StatusCode)
	}
	if r := post("same-origin", url.Values{"lang": {""}, "next": {"//evil.example/"}}); r.Header.Get("Location") != "/" {
		t.Errorf("off-site next: redirected to %q", r.Header.Get("Location"))
	}
	if r := b.getIn("/", "en-US"); !inEnglish(r) {
		t.Error("choosing automatic did not return to the browser's language")
	}
}

// A member's setting beats their browser, needs the CSRF token, and
// "automatic" hands the choice back to the browser.
func TestMemberLanguageSetting(t *testing.T) {
	ts := newTestServer(t)
	b := ts.browser()
	b.signup("ana")
	r := b.get("/settings")
	if !strings.Contains(r.Body, `id="set-language"`) {
		t.Fatal("settings has no language field")
	}
	if r := b.postRaw("/language", url.Values{"lang": {"de"}, "next": {"/settings"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("switch without a token: status %d, want 403", r.StatusCode)
	}
	if r := b.post("/language", url.Values{"lang": {"de"}, "next": {"/settings"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch: status %d %s", r.StatusCode, r.Body)
	}
	u, err := ts.Store.UserByUsername(ts.Ctx, "ana")
	if err != nil || u.Language != "de" {
		t.Fatalf("stored language %q (%v), want de", u.Language, err)
	}
	if r := b.getIn("/settings", "en-US,en"); !inGerman(r) || !strings.Contains(r.Body, `<option value="de" lang="de" selected>`) {
		t.Error("a member who chose German does not get German settings with German selected")
	}
	if r := b.post("/language", url.Values{"lang": {""}, "next": {"/"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("automatic: status %d", r.StatusCode)
	}
	if r := b.getIn("/", "en-US"); !inEnglish(r) {
		t.Error("automatic did not follow the browser")
	}
	if r := b.getIn("/", "de"); !inGerman(r) {
		t.Error("automatic did not follow a German browser")
	}
	if r := b.post("/language", url.Values{"lang": {"xx"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unknown language: status %d, want 422", r.StatusCode)
	}
}

// The forum's default language serves visitors whose browser asks for a
// language the forum lacks, and is chosen in the site settings.
func TestSiteDefaultLanguage(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.User("boss", models.RoleAdmin)
	de, xx := "de", "xx"
	if _, err := ts.Svc.SaveSite(ts.Ctx, admin, forum.SiteInput{Language: &xx}); err == nil {
		t.Fatal("an unknown default language was accepted")
	}
	if _, err := ts.Svc.SaveSite(ts.Ctx, admin, forum.SiteInput{Language: &de}); err != nil {
		t.Fatal(err)
	}
	b := ts.browser()
	if r := b.getIn("/", ""); !inGerman(r) {
		t.Error("no Accept-Language: want the site's German")
	}
	if r := b.getIn("/", "fr"); !inGerman(r) {
		t.Error("French browser: want the site's German")
	}
	if r := b.getIn("/", "en"); !inEnglish(r) {
		t.Error("English browser: want English")
	}
	a := ts.browser()
	a.login("boss")
	if r := a.getIn("/admin/site", "en"); !strings.Contains(r.Body, `<option value="de" lang="de" selected>`) {
		t.Error("/admin/site does not show German as the default")
	}
}
