package server_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// postSite submits the site settings form as multipart, with files.
func (b *browser) postSite(fields url.Values, files map[string][]byte) *response {
	b.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if fields.Get("_csrf") == "" {
		_ = w.WriteField("_csrf", b.csrf())
	}
	for k, vs := range fields {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	for k, data := range files {
		fw, _ := w.CreateFormFile(k, k+".bin")
		_, _ = fw.Write(data)
	}
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.ts.URL+"/admin/site", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

func siteForm(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

var svgLogo = []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`)

// TestAdminSitePagePermissions: only administrators see or post the form;
// a post without the CSRF token is refused.
func TestAdminSitePagePermissions(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.browser()
	admin.signup("boss") // the first account is the administrator
	member := ts.browser()
	member.signup("mem")
	anon := ts.browser()

	if r := anon.get("/admin/site"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Fatalf("visitor: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := anon.postSite(siteForm("name", "Anon"), nil); r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("visitor post: %d", r.StatusCode)
	}
	if r := member.get("/admin/site"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("member page: %d", r.StatusCode)
	}
	if r := member.postSite(siteForm("name", "Mine now"), nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("member post: %d", r.StatusCode)
	}
	if r := admin.postSite(siteForm("_csrf", "forged", "name", "Forged"), nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("forged CSRF: %d", r.StatusCode)
	}
	r := admin.get("/admin/site")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `name="_csrf"`) || !strings.Contains(r.Body, `enctype="multipart/form-data"`) {
		t.Fatalf("admin page: %d", r.StatusCode)
	}
	if r := admin.get("/admin"); !strings.Contains(r.Body, `href="/admin/site"`) {
		t.Fatal("no link from /admin")
	}
	if site, _ := ts.Svc.Site(ts.Ctx); site.Name != "Hearth" || site.Version != 0 {
		t.Fatalf("refused posts changed the settings: %+v", site)
	}
}

// TestAdminSiteFormShowsEverywhere: an administrator sets everything with
// the form, and every page (header, title, OpenGraph, footer, favicon,
// accent sheet), the pages, the feeds and the logo file show it.
func TestAdminSiteFormShowsEverywhere(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.browser()
	admin.signup("boss")
	ts.Category("general")
	th, _ := ts.Thread(ts.User("writer", models.RoleMember), "general", "Tomatoes in pots", "They like sun.")
	anon := ts.browser()
	if r := anon.get("/"); !strings.Contains(r.Body, "<title>Categories · Hearth</title>") || strings.Contains(r.Body, "og:image") ||
		strings.Contains(r.Body, "/site.css") || strings.Contains(r.Body, `href="/rules"`) {
		t.Fatal("defaults: unexpected head or footer")
	}
	if r := anon.get("/rules"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("empty rules: %d", r.StatusCode)
	}

	logo, favicon := pngBytes(120, 40), pngBytes(32, 32)
	r := admin.postSite(siteForm("name", "Gardeners' Corner", "description", "Soil, seeds and sheds", "accent", "#2E7D32",
		"contact_email", "team@garden.test", "rules", "# Be kind\n\n<script>alert('rules')</script>\n\nNo **spam**.",
		"privacy", "We keep *little*."), map[string][]byte{"logo": logo, "favicon": favicon})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/site" {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body)
	}
	site, err := ts.Svc.Site(ts.Ctx)
	if err != nil || site.LogoFile == "" || site.FaviconFile == "" {
		t.Fatalf("saved: %+v %v", site, err)
	}

	home := anon.get("/").Body
	for _, want := range []string{
		"<title>Categories · Gardeners&#39; Corner</title>",
		`<meta property="og:site_name" content="Gardeners&#39; Corner">`,
		`<meta property="og:image" content="http://forum.test/site-files/` + site.LogoFile + `">`,
		`<link rel="icon" type="image/png" href="/site-files/` + site.FaviconFile + `">`,
		`<link rel="stylesheet" href="/site.css?v=` + fmt.Sprint(site.Version) + `">`,
		`<img class="brand-logo" src="/site-files/` + site.LogoFile + `"`,
		`<span>Gardeners&#39; Corner</span>`,
		`<meta name="description" content="Soil, seeds and sheds">`,
		`<a href="/rules">Rules</a>`, `<a href="/privacy">Privacy</a>`, `href="mailto:team@garden.test"`,
	} {
		if !strings.Contains(home, want) {
			t.Errorf("home page lacks %s", want)
		}
	}
	if strings.Contains(home, `href="/terms"`) {
		t.Error("empty terms linked")
	}
	if strings.Contains(home, "Powered by <a href=\"/\">Hearth") {
		t.Error("footer still names Hearth as the forum")
	}

	rules := anon.get("/rules")
	if rules.StatusCode != http.StatusOK || !strings.Contains(rules.Body, "<h1>Be kind</h1>") || !strings.Contains(rules.Body, "<strong>spam</strong>") ||
		strings.Contains(rules.Body, "alert('rules')") || !strings.Contains(rules.Body, "<title>Rules · Gardeners&#39; Corner</title>") {
		t.Fatalf("rules page: %d", rules.StatusCode)
	}
	if r := anon.get("/terms"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("empty terms: %d", r.StatusCode)
	}
	if r := anon.get("/privacy"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "<em>little</em>") {
		t.Fatalf("privacy: %d", r.StatusCode)
	}

	css := anon.get(fmt.Sprintf("/site.css?v=%d", site.Version))
	if css.StatusCode != http.StatusOK || !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") ||
		!strings.Contains(css.Body, "--accent: #2e7d32;") || !strings.Contains(css.Body, "prefers-color-scheme: dark") ||
		!strings.Contains(css.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("site.css: %d %q %q", css.StatusCode, css.Header.Get("Cache-Control"), css.Body)
	}
	img := anon.get("/site-files/" + site.LogoFile)
	if img.StatusCode != http.StatusOK || img.Header.Get("Content-Type") != "image/png" || img.Body != string(logo) {
		t.Fatalf("logo file: %d %s", img.StatusCode, img.Header.Get("Content-Type"))
	}
	if r := anon.get("/site-files/..%2Fsite.db"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("path escape: %d", r.StatusCode)
	}

	for _, feed := range []string{"/c/general/feed.rss", fmt.Sprintf("/t/%d/feed.atom", th.ID)} {
		if r := anon.get(feed); !strings.Contains(r.Body, "· Gardeners&#39; Corner</title>") && !strings.Contains(r.Body, "· Gardeners' Corner</title>") {
			t.Errorf("%s title lacks the site name: %.300s", feed, r.Body)
		}
	}
	if r := admin.get(fmt.Sprintf("/t/%d", th.ID)); !strings.Contains(r.Body, "<title>Tomatoes in pots · Gardeners&#39; Corner</title>") {
		t.Error("member thread page lacks the new title")
	}

	ents, err := ts.Store.AuditEntries(ts.Ctx, models.AuditQuery{Action: "site.update"}, 10)
	if err != nil || len(ents) != 1 {
		t.Fatalf("audit entries: %v %v", ents, err)
	}
	audit := admin.get("/mod/audit?action=site.update")
	if audit.StatusCode != http.StatusOK || !strings.Contains(audit.Body, "changed the site settings (") {
		t.Fatalf("audit log page: %d", audit.StatusCode)
	}

	// Removing the logo goes back to the default image; the old file goes.
	if r := admin.postSite(siteForm("name", "Gardeners' Corner", "accent", "#2e7d32", "remove_logo", "1"), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove logo: %d %s", r.StatusCode, r.Body)
	}
	if home := anon.get("/").Body; strings.Contains(home, "og:image") || strings.Contains(home, "brand-logo") {
		t.Error("removed logo still shown")
	}
	if r := anon.get("/site-files/" + site.LogoFile); r.StatusCode != http.StatusNotFound {
		t.Errorf("removed logo still served: %d", r.StatusCode)
	}
}

// TestAdminSiteFormRefusals: a bad colour, a non-image or an SVG logo is
// refused with a message by the field, every typed value is kept in the
// form, and nothing is saved.
func TestAdminSiteFormRefusals(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.browser()
	admin.signup("boss")
	for _, tc := range []struct {
		name   string
		fields url.Values
		files  map[string][]byte
		msg    string
	}{
		{"bad colour", siteForm("accent", "tomato"), nil, "use a colour written as #rrggbb"},
		{"text logo", nil, map[string][]byte{"logo": []byte("just some words, not a picture")}, "use a PNG, JPEG or WebP image"},
		{"svg logo", nil, map[string][]byte{"logo": svgLogo}, "SVG images are not accepted"},
		{"svg favicon", nil, map[string][]byte{"favicon": svgLogo}, "SVG images are not accepted"},
		{"bad email", siteForm("contact_email", "nobody at all"), nil, "team@example.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := siteForm("name", "Typed name", "description", "Typed description", "rules", "Typed rules")
			for k, v := range tc.fields {
				f[k] = v
			}
			r := admin.postSite(f, tc.files)
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", r.StatusCode)
			}
			for _, want := range []string{tc.msg, `value="Typed name"`, ">Typed description</textarea>", ">Typed rules</textarea>", `aria-invalid="true"`} {
				if !strings.Contains(r.Body, strings.ReplaceAll(want, "'", "&#39;")) {
					t.Errorf("response lacks %s", want)
				}
			}
			if tc.fields.Get("accent") != "" && !strings.Contains(r.Body, `value="`+tc.fields.Get("accent")+`"`) {
				t.Error("typed colour not kept")
			}
			if site, _ := ts.Svc.Site(ts.Ctx); site.Name != "Hearth" || site.Version != 0 {
				t.Fatalf("saved anyway: %+v", site)
			}
		})
	}
}

// TestSiteAPI: GET and PATCH /api/v1/admin/site: a visitor gets 401, a
// member 403; an administrator reads and changes fields (a PATCH leaves the
// others), uploads a logo as base64, and a bad colour or an SVG is a 422
// naming the field.
func TestSiteAPI(t *testing.T) {
	ts := newTestServer(t)
	adminTok := ts.token(t, "boss", models.RoleAdmin)
	memberTok := ts.token(t, "mem", models.RoleMember)
	modTok := ts.token(t, "moddy", models.RoleModerator)
	for _, m := range []string{http.MethodGet, http.MethodPatch} {
		if code, _ := ts.api(t, m, "/api/v1/admin/site", "", `{"name":"x"}`); code != http.StatusUnauthorized {
			t.Errorf("%s visitor: %d", m, code)
		}
		for _, tok := range []string{memberTok, modTok} {
			if code, _ := ts.api(t, m, "/api/v1/admin/site", tok, `{"name":"x"}`); code != http.StatusForbidden {
				t.Errorf("%s non-admin: %d", m, code)
			}
		}
	}
	code, body := ts.api(t, http.MethodGet, "/api/v1/admin/site", adminTok, "")
	if code != http.StatusOK || body["name"] != "Hearth" || body["version"] != float64(0) {
		t.Fatalf("get: %d %v", code, body)
	}
	logo := base64.StdEncoding.EncodeToString(pngBytes(20, 20))
	code, body = ts.api(t, http.MethodPatch, "/api/v1/admin/site", adminTok,
		`{"name":"Allotment","description":"Plots","accent":"#1D4ED8","terms":"Be <script>x()</script>nice","logo":"`+logo+`"}`)
	if code != http.StatusOK || body["name"] != "Allotment" || body["accent"] != "#1d4ed8" || body["version"] != float64(1) ||
		!strings.HasPrefix(fmt.Sprint(body["logo_url"]), "http://forum.test/site-files/logo-") {
		t.Fatalf("patch: %d %v", code, body)
	}
	code, body = ts.api(t, http.MethodPatch, "/api/v1/admin/site", adminTok, `{"contact_email":"hi@allot.test"}`)
	if code != http.StatusOK || body["name"] != "Allotment" || body["description"] != "Plots" || body["contact_email"] != "hi@allot.test" {
		t.Fatalf("partial patch: %d %v", code, body)
	}
	for _, tc := range []struct{ body, field string }{
		{`{"accent":"blue","name":"Kept?"}`, "accent"},
		{`{"logo":"` + base64.StdEncoding.EncodeToString(svgLogo) + `"}`, "logo"},
		{`{"logo":"%%% not base64"}`, "logo"},
	} {
		code, body = ts.api(t, http.MethodPatch, "/api/v1/admin/site", adminTok, tc.body)
		e, _ := body["error"].(map[string]any)
		fields, _ := e["fields"].(map[string]any)
		if code != http.StatusUnprocessableEntity || fields[tc.field] == nil {
			t.Errorf("%s: %d %v", tc.body, code, body)
		}
	}
	if site, _ := ts.Svc.Site(ts.Ctx); site.Name != "Allotment" || site.Version != 2 {
		t.Fatalf("refused patches saved: %+v", site)
	}
	terms := ts.browser().get("/terms")
	if terms.StatusCode != http.StatusOK || strings.Contains(terms.Body, "<script>x()") || !strings.Contains(terms.Body, "<title>Terms of service · Allotment</title>") {
		t.Fatalf("terms page: %d", terms.StatusCode)
	}
	ents, _ := ts.Store.AuditEntries(ts.Ctx, models.AuditQuery{Action: "site.update"}, 10)
	if len(ents) != 2 {
		t.Fatalf("audit entries: %d", len(ents))
	}
}

// statementCounter counts the statements the store sends (hand-written
// Raw queries included), with callbacks on gorm's shared chains.
type statementCounter struct {
	n  atomic.Int64
	mu sync.Mutex
	// site lists the statements that read site_settings.
	site []string
	// all lists every statement, for a budget test to print on failure.
	all []string
}

// since returns the statements sent after the first n.
func (c *statementCounter) since(n int) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.all[min(n, len(c.all)):])
}

func (c *statementCounter) siteReads() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.site)
}

func countStatements(t *testing.T, store *models.Store) *statementCounter {
	c := &statementCounter{}
	cb := store.DB(t.Context()).Callback()
	const name = "hearth_test:site_count"
	record := func(tx *gorm.DB) {
		q := tx.Statement.SQL.String()
		c.mu.Lock()
		c.n.Add(1)
		c.all = append(c.all, q)
		if strings.Contains(q, "site_settings") {
			c.site = append(c.site, q)
		}
		c.mu.Unlock()
	}
	for _, p := range []interface {
		Register(string, func(*gorm.DB)) error
		Remove(string) error
	}{cb.Create().After("*"), cb.Query().After("*"), cb.Update().After("*"), cb.Delete().After("*"), cb.Row().After("*"), cb.Raw().After("*")} {
		if err := p.Register(name, record); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		_ = cb.Create().Remove(name)
		_ = cb.Query().Remove(name)
		_ = cb.Update().Remove(name)
		_ = cb.Delete().Remove(name)
		_ = cb.Row().Remove(name)
		_ = cb.Raw().Remove(name)
	})
	return c
}

// TestAnonymousCacheFollowsSiteSettings: a cached logged-out thread or
// category page costs exactly one statement with the site settings on it
// (their version comes with the page's), and a change shows on the very
// next request: the version bump changes the key.
func TestAnonymousCacheFollowsSiteSettings(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	admin := ts.User("boss", models.RoleAdmin)
	th, _ := ts.Thread(ts.User("writer", models.RoleMember), "general", "Compost questions", "Brown and green.")
	anon := ts.browser()
	pages := []string{fmt.Sprintf("/t/%d", th.ID), "/c/general"}
	title := regexp.MustCompile(`<title>[^<]*</title>`)

	check := func(step, name, cache string) {
		t.Helper()
		for _, p := range pages {
			r := anon.get(p)
			got := title.FindString(r.Body)
			if !strings.HasSuffix(got, " · "+name+"</title>") || !strings.Contains(r.Body, "<span>"+name+"</span>") {
				t.Fatalf("%s: %s: title %q, want the name %q", step, p, got, name)
			}
			if c := r.Header.Get("X-Hearth-Cache"); c != cache {
				t.Fatalf("%s: %s: cache %q, want %q", step, p, c, cache)
			}
		}
	}
	check("first view", "Hearth", "miss")
	check("second view", "Hearth", "hit")

	c := countStatements(t, ts.Store)
	for _, p := range pages {
		before := c.n.Load()
		if r := anon.get(p); r.Header.Get("X-Hearth-Cache") != "hit" {
			t.Fatalf("%s: not a hit", p)
		}
		if n := c.n.Load() - before; n != 1 {
			t.Fatalf("%s: a cached anonymous hit sent %d statements, want 1", p, n)
		}
	}

	name := "Compost Club"
	if _, err := ts.Svc.SaveSite(ts.Ctx, admin, forumSiteName(name)); err != nil {
		t.Fatal(err)
	}
	check("renamed", name, "miss")
	check("renamed, again", name, "hit")
}

func forumSiteName(name string) forum.SiteInput { return forum.SiteInput{Name: &name} }

// TestPagesReadSiteSettingsWithTheBanner: a page without a cached version
// (a member's thread page, the home page, a feed) reads the settings'
// version in the same statement as the banner, and nothing else about the
// settings once this process holds that version: the settings add no
// statement to any page.
func TestPagesReadSiteSettingsWithTheBanner(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	th, _ := ts.Thread(ts.User("writer", models.RoleMember), "general", "Seed swaps", "Bring envelopes.")
	member := ts.browser()
	member.signup("reader")
	anon := ts.browser()
	pages := []struct {
		who  *browser
		path string
	}{
		{member, fmt.Sprintf("/t/%d", th.ID)},
		{member, "/c/general"},
		{member, "/"},
		{anon, "/"},
		{anon, "/search?q=seed"},
	}
	for _, p := range pages {
		p.who.get(p.path) // this process reads the settings once
	}
	c := countStatements(t, ts.Store)
	for _, p := range pages {
		before := len(c.siteReads())
		if r := p.who.get(p.path); r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", p.path, r.StatusCode)
		}
		reads := c.siteReads()[before:]
		if len(reads) != 1 || !strings.Contains(reads[0], "scheduled_threads") {
			t.Errorf("%s: site settings reads %q, want one, shared with the banner", p.path, reads)
		}
	}
}
