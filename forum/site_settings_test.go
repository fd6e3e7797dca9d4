package forum_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

func sitePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{10, 20, 30, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSiteDefaults(t *testing.T) {
	env := forumtest.New(t)
	site, err := env.Svc.Site(env.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	if site.Name != "Hearth" || site.Colors != nil || site.LogoFile != "" || site.RulesHTML != "" {
		t.Fatalf("defaults: %+v", site)
	}
}

func TestSaveSitePermissions(t *testing.T) {
	env := forumtest.New(t)
	for _, tc := range []struct {
		name  string
		actor *models.User
		want  error
	}{
		{"visitor", nil, forum.ErrUnauthorized},
		{"member", env.User("mem", models.RoleMember), forum.ErrForbidden},
		{"moderator", env.User("moddy", models.RoleModerator), forum.ErrForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := env.Svc.SaveSite(env.Ctx, tc.actor, forum.SiteInput{Name: str("Taken over")})
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	site, err := env.Svc.Site(env.Ctx)
	if err != nil || site.Name != "Hearth" || site.Version != 0 {
		t.Fatalf("settings changed: %+v %v", site, err)
	}
}

// TestSaveSiteRefusesBadInput: each bad field is named with a clear
// message and nothing at all is saved, not even the good fields beside it.
func TestSaveSiteRefusesBadInput(t *testing.T) {
	env := forumtest.New(t)
	admin := env.User("boss", models.RoleAdmin)
	svg := []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	big := append(sitePNG(t, 4, 4), make([]byte, forum.MaxSiteImageBytes)...)
	for _, tc := range []struct {
		name  string
		in    forum.SiteInput
		field string
		msg   string
	}{
		{"colour word", forum.SiteInput{Accent: str("red")}, "accent", "#rrggbb"},
		{"short colour", forum.SiteInput{Accent: str("#12345")}, "accent", "#rrggbb"},
		{"colour with junk", forum.SiteInput{Accent: str("#123456;}")}, "accent", "#rrggbb"},
		{"email", forum.SiteInput{ContactEmail: str("not an address")}, "contact_email", "team@example.com"},
		{"email with name", forum.SiteInput{ContactEmail: str("Team <team@example.com>")}, "contact_email", "team@example.com"},
		{"two-line name", forum.SiteInput{Name: str("a\nb")}, "name", "one line"},
		{"long name", forum.SiteInput{Name: str(strings.Repeat("n", 81))}, "name", "too long"},
		{"long description", forum.SiteInput{Description: str(strings.Repeat("d", 301))}, "description", "too long"},
		{"text as logo", forum.SiteInput{Logo: []byte("hello, I am not an image")}, "logo", "PNG, JPEG or WebP"},
		{"svg logo", forum.SiteInput{Logo: svg}, "logo", "SVG images are not accepted"},
		{"svg favicon", forum.SiteInput{Favicon: svg}, "favicon", "SVG images are not accepted"},
		{"huge logo", forum.SiteInput{Logo: big}, "logo", "the limit is 1024 KB"},
		{"empty logo", forum.SiteInput{Logo: []byte{}}, "logo", "choose an image"},
		{"broken png", forum.SiteInput{Logo: append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 64)...)}, "logo", "could not be read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if in.Name == nil {
				in.Name = str("Good name")
			}
			_, err := env.Svc.SaveSite(env.Ctx, admin, in)
			ve, ok := forum.AsValidation(err)
			if !ok {
				t.Fatalf("want a validation error, got %v", err)
			}
			if !strings.Contains(ve.Fields[tc.field], tc.msg) {
				t.Fatalf("%s: %q, want it to say %q (all: %v)", tc.field, ve.Fields[tc.field], tc.msg, ve.Fields)
			}
			site, err := env.Svc.Site(env.Ctx)
			if err != nil || site.Name != "Hearth" || site.Version != 0 {
				t.Fatalf("a refused save changed the settings: %+v %v", site, err)
			}
		})
	}
	var stored int64
	if err := env.Store.DB(env.Ctx).Table("site_files").Count(&stored).Error; err != nil || stored != 0 {
		t.Fatalf("refused images were stored: %d %v", stored, err)
	}
}

// TestSaveSiteStoresAuditsAndReachesOtherProcesses: a save bumps the
// version, is audited, stores the logo content-hashed, renders the pages
// sanitised, and a second service on the same database (another process)
// sees it on its next read although it had cached the old settings.
func TestSaveSiteStoresAuditsAndReachesOtherProcesses(t *testing.T) {
	env := forumtest.New(t)
	admin := env.User("boss", models.RoleAdmin)
	other := forum.New(env.Store, env.Cfg)
	if s, err := other.Site(env.Ctx); err != nil || s.Name != "Hearth" {
		t.Fatalf("other process: %+v %v", s, err)
	}
	logo := sitePNG(t, 64, 32)
	site, err := env.Svc.SaveSite(env.Ctx, admin, forum.SiteInput{
		Name: str("  Gardeners' Corner "), Description: str("Soil, seeds and sheds"), Accent: str("#2E7D32"),
		ContactEmail: str("team@garden.test"), Rules: str("# Be kind\n\n<script>alert('x')</script>\n\n[bad](javascript:alert(1)) **really**"),
		Logo: logo,
	})
	if err != nil {
		t.Fatal(err)
	}
	if site.Name != "Gardeners' Corner" || site.Accent != "#2e7d32" || site.Version != 1 || site.Colors == nil {
		t.Fatalf("saved: %+v", site)
	}
	for _, bad := range []string{"<script", "javascript:", "alert("} {
		if strings.Contains(site.RulesHTML, bad) {
			t.Fatalf("rules HTML keeps %q: %s", bad, site.RulesHTML)
		}
	}
	if !strings.Contains(site.RulesHTML, "<h1>Be kind</h1>") || !strings.Contains(site.RulesHTML, "<strong>really</strong>") {
		t.Fatalf("rules not rendered: %s", site.RulesHTML)
	}
	if !strings.HasPrefix(site.LogoFile, "logo-") || !strings.HasSuffix(site.LogoFile, ".png") {
		t.Fatalf("logo name %q", site.LogoFile)
	}
	stored, err := env.Svc.SiteFile(env.Ctx, site.LogoFile)
	if err != nil || !bytes.Equal(stored.Data, logo) || stored.ContentType != "image/png" {
		t.Fatalf("stored logo: %v", err)
	}
	// Another process serves the image this one stored: it is in the
	// database, not in one process's data directory.
	if f, err := other.SiteFile(env.Ctx, site.LogoFile); err != nil || !bytes.Equal(f.Data, logo) {
		t.Fatalf("the other process cannot serve the logo: %v", err)
	}

	got, err := other.Site(env.Ctx)
	if err != nil || got.Name != "Gardeners' Corner" || got.Version != 1 {
		t.Fatalf("other process after save: %+v %v", got, err)
	}

	ents, err := env.Store.AuditEntries(env.Ctx, models.AuditQuery{Action: "site.update"}, 10)
	if err != nil || len(ents) != 1 {
		t.Fatalf("audit: %v %v", ents, err)
	}
	if e := ents[0]; e.ActorID != admin.ID || e.TargetType != forum.TargetSite || !strings.Contains(e.Details, `"logo"`) || !strings.Contains(e.Details, `"accent"`) {
		t.Fatalf("audit entry: %+v", e)
	}

	// A second logo replaces the file; removing it goes back to none.
	logo2 := sitePNG(t, 16, 16)
	site2, err := env.Svc.SaveSite(env.Ctx, admin, forum.SiteInput{Logo: logo2})
	if err != nil || site2.LogoFile == site.LogoFile || site2.Version != 2 || site2.Name != "Gardeners' Corner" {
		t.Fatalf("second logo: %+v %v", site2, err)
	}
	if _, err := env.Svc.SiteFile(env.Ctx, site.LogoFile); !errors.Is(err, forum.ErrNotFound) {
		t.Fatalf("old logo kept: %v", err)
	}
	site3, err := env.Svc.SaveSite(env.Ctx, admin, forum.SiteInput{RemoveLogo: true, Name: str("")})
	if err != nil || site3.LogoFile != "" || site3.Name != "Hearth" {
		t.Fatalf("remove logo, clear name: %+v %v", site3, err)
	}
	// Saving nothing new writes nothing and audits nothing.
	if s, err := env.Svc.SaveSite(env.Ctx, admin, forum.SiteInput{Name: str("")}); err != nil || s.Version != site3.Version {
		t.Fatalf("no-op save: %+v %v", s, err)
	}
	if ents, _ := env.Store.AuditEntries(env.Ctx, models.AuditQuery{Action: "site.update"}, 10); len(ents) != 3 {
		t.Fatalf("audit entries: %d, want 3", len(ents))
	}
}

// TestAccentContrast: whatever colour the operator picks, the accent keeps
// 4.5:1 with the page in both schemes and its text is readable on it.
func TestAccentContrast(t *testing.T) {
	for _, tc := range []struct {
		in                  string
		light, dark         string // "" means "changed from the input"
		lightText, darkText string
	}{
		{"#c2410c", "#c2410c", "", "#ffffff", "#111111"},
		{"#ffff00", "", "#ffff00", "#ffffff", "#111111"},
		{"#000080", "#000080", "", "#ffffff", "#111111"},
		{"#ffffff", "", "#ffffff", "#ffffff", "#111111"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			c, ok := forum.ParseAccent(tc.in)
			if !ok {
				t.Fatal("refused")
			}
			check := func(name, got, want string) {
				t.Helper()
				if want == "" && got == tc.in || want != "" && got != want {
					t.Fatalf("%s = %s, want %q (input %s)", name, got, want, tc.in)
				}
			}
			check("light", c.Light, tc.light)
			check("dark", c.Dark, tc.dark)
			check("light text", c.LightText, tc.lightText)
			check("dark text", c.DarkText, tc.darkText)
			if r := forum.ContrastRatio(c.Light, "#ffffff"); r < 4.5 {
				t.Fatalf("light accent %s contrast %.2f", c.Light, r)
			}
			if r := forum.ContrastRatio(c.Dark, "#171b21"); r < 4.5 {
				t.Fatalf("dark accent %s contrast %.2f", c.Dark, r)
			}
			if r := forum.ContrastRatio(c.Light, c.LightText); r < 4.5 {
				t.Fatalf("text on light accent: %.2f", r)
			}
			if r := forum.ContrastRatio(c.Dark, c.DarkText); r < 4.5 {
				t.Fatalf("text on dark accent: %.2f", r)
			}
		})
	}
	for _, bad := range []string{"", "red", "#abc", "#12345g", "123456"} {
		if _, ok := forum.ParseAccent(bad); ok {
			t.Fatalf("%q accepted", bad)
		}
	}
}

// TestConcurrentSiteSavesKeepEveryField: administrators saving different
// fields at the same moment (from different processes) each keep theirs:
// a save applied to a version someone else replaced is applied again.
func TestConcurrentSiteSavesKeepEveryField(t *testing.T) {
	env := forumtest.New(t)
	admin := env.User("boss", models.RoleAdmin)
	procs := []*forum.Service{env.Svc, forum.New(env.Store, env.Cfg), forum.New(env.Store, env.Cfg)}
	inputs := []forum.SiteInput{
		{Name: str("Five at once")}, {Description: str("All kept")}, {Accent: str("#123456")},
		{ContactEmail: str("a@b.test")}, {Rules: str("Rule one")},
	}
	errs := make(chan error, len(inputs))
	start := make(chan struct{})
	for i, in := range inputs {
		go func() {
			<-start
			_, err := procs[i%len(procs)].SaveSite(env.Ctx, admin, in)
			errs <- err
		}()
	}
	close(start)
	for range inputs {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	site, err := procs[1].Site(env.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	if site.Name != "Five at once" || site.Description != "All kept" || site.Accent != "#123456" ||
		site.ContactEmail != "a@b.test" || site.Rules != "Rule one" || site.Version != int64(len(inputs)) {
		t.Fatalf("a concurrent save was lost: %+v", site)
	}
}
