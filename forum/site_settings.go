package forum

import (
	"context"
	"errors"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// TargetSite is the audit target of a site settings change (id 1).
const TargetSite = "site"

// DefaultSiteName is the forum's name until the operator sets one.
const DefaultSiteName = "Hearth"

// Site setting limits.
const (
	siteNameMaxRunes        = 80
	siteDescriptionMaxRunes = 300
	sitePageMaxRunes        = 50000
	siteEmailMaxBytes       = 254
)

// Site is the operator's settings as pages show them: the name (never
// empty), the optional description, logo, favicon, accent colour and
// contact address, and the rules, terms and privacy pages as Markdown and
// as sanitised HTML.
type Site struct {
	Version      int64
	Name         string
	Description  string
	LogoFile     string // name in site_files, "" for none
	FaviconFile  string
	Accent       string // #rrggbb or ""
	ContactEmail string
	// Rules, Terms and Privacy are the Markdown sources.
	Rules, Terms, Privacy string
	// RulesHTML, TermsHTML and PrivacyHTML went through the post pipeline
	// (forum/markup): safe to embed.
	RulesHTML, TermsHTML, PrivacyHTML string
	// Colors is the accent adjusted for contrast; nil when none is set.
	Colors *AccentColors
	// SignupMode is who may sign up: SignupOpen, SignupClosed or
	// SignupInvite (forum/invites.go).
	SignupMode string
	// AmbassadorsInvite lets ambassadors make invite links too.
	AmbassadorsInvite bool
	// Language is the forum's default language code (never empty).
	Language string
	// IntroductionsCategoryID is the category new members are pointed to
	// for introducing themselves; 0 lets the forum guess from the
	// categories' names (forum/member_hints.go). By id, so a rename keeps
	// the choice.
	IntroductionsCategoryID int64
}

// SitePage returns one of the Markdown pages ("rules", "terms",
// "privacy"): its title and HTML, "" when it is empty or unknown.
func (s *Site) SitePage(kind string) (title, html string) {
	switch kind {
	case "rules":
		return "Rules", s.RulesHTML
	case "terms":
		return "Terms of service", s.TermsHTML
	case "privacy":
		return "Privacy policy", s.PrivacyHTML
	}
	return "", ""
}

// SiteInput is a change to the settings. A nil field is left as it is, so
// the API can PATCH one field; the form sends them all.
type SiteInput struct {
	Name, Description, Accent, ContactEmail *string
	Rules, Terms, Privacy                   *string
	SignupMode                              *string
	// Language is the forum's default language code (i18n.Codes).
	Language          *string
	AmbassadorsInvite *bool
	// IntroductionsCategory: a public category's slug, or "" to guess.
	IntroductionsCategory *string
	// Logo and Favicon are uploaded image bytes (nil: unchanged).
	Logo, Favicon []byte
	// RemoveLogo and RemoveFavicon go back to the default image.
	RemoveLogo, RemoveFavicon bool
}

// siteCache keeps the parsed settings of the newest version this process
// has read. It is never used without a version read from the database
// (the page's stamp, or SiteSettingsVersion), so it cannot go stale: a save
// in any process bumps the version and the next request here reloads.
type siteCache struct {
	mu   sync.RWMutex
	site *Site
}

func (c *siteCache) get() *Site {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.site
}

// keep stores site unless a newer version is already kept.
func (c *siteCache) keep(site *Site) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.site == nil || site.Version >= c.site.Version {
		c.site = site
	}
}

// Site returns the current settings: one small query for the version, and
// a second only when the version changed since this process last read them.
func (s *Service) Site(ctx context.Context) (*Site, error) {
	v, err := s.store.SiteSettingsVersion(ctx)
	if err != nil {
		return nil, mapNotFound(err)
	}
	return s.SiteAt(ctx, v)
}

// SiteAt returns the settings of at least version v, which the caller read
// from the database (a page's version read carries it): no query when this
// process already has that version.
func (s *Service) SiteAt(ctx context.Context, v int64) (*Site, error) {
	if c := s.site.get(); c != nil && c.Version >= v {
		return c, nil
	}
	row, err := s.store.SiteSettings(ctx)
	if err != nil {
		return nil, mapNotFound(err)
	}
	site := s.buildSite(row)
	s.site.keep(site)
	return site, nil
}

// LastSite is the newest settings this process has read, or the defaults:
// only for pages that cannot reach the database (the 503 page).
func (s *Service) LastSite() *Site {
	if c := s.site.get(); c != nil {
		return c
	}
	return s.buildSite(&models.SiteSettings{})
}

func (s *Service) buildSite(row *models.SiteSettings) *Site {
	site := &Site{
		Version: row.Version, Name: row.Name, Description: row.Description,
		LogoFile: row.LogoFile, FaviconFile: row.FaviconFile, Accent: row.Accent, ContactEmail: row.ContactEmail,
		Rules: row.Rules, Terms: row.Terms, Privacy: row.Privacy, SignupMode: row.SignupMode,
		AmbassadorsInvite: row.AmbassadorsInvite, Language: row.Language,
		IntroductionsCategoryID: row.IntroductionsCategoryID,
	}
	if site.Language == "" {
		site.Language = "en"
	}
	if site.SignupMode == "" {
		site.SignupMode = SignupOpen
	}
	if site.Name == "" {
		site.Name = DefaultSiteName
	}
	render := func(src string) string {
		if strings.TrimSpace(src) == "" {
			return ""
		}
		return s.md.Render(src).HTML
	}
	site.RulesHTML, site.TermsHTML, site.PrivacyHTML = render(row.Rules), render(row.Terms), render(row.Privacy)
	if c, ok := ParseAccent(row.Accent); ok {
		site.Colors = c
	}
	return site
}

var accentPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// SaveSite changes the site settings: administrators only, every field
// checked before anything is written (so one bad field loses none of the
// others), images stored under content-hashed names, and the change audited
// in the same transaction as the row. Two saves at once never lose each
// other's fields: the row is written only if its version is still the one
// the change was applied to, else the change is applied again on top.
func (s *Service) SaveSite(ctx context.Context, actor *models.User, in SiteInput) (*Site, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if !CanAdminister(actor) {
		return nil, ErrForbidden
	}
	logo, favicon, err := s.checkSiteInput(&in)
	var introID *int64
	if err == nil {
		introID, err = s.introductionsCategoryID(ctx, in.IntroductionsCategory)
	}
	if err != nil {
		return nil, err
	}
	var logoName, faviconName string
	if logo != nil {
		if logoName, err = s.storeSiteImage(ctx, logo); err != nil {
			return nil, err
		}
	}
	if favicon != nil {
		if faviconName, err = s.storeSiteImage(ctx, favicon); err != nil {
			return nil, err
		}
	}
	for attempt := 0; ; attempt++ {
		cur, err := s.store.SiteSettings(ctx)
		if err != nil {
			return nil, mapNotFound(err)
		}
		next, changed := applySiteInput(*cur, in, logo != nil, logoName, favicon != nil, faviconName)
		if introID != nil && *introID != next.IntroductionsCategoryID {
			next.IntroductionsCategoryID = *introID
			changed = append(changed, "introductions_category")
		}
		if len(changed) == 0 {
			return s.SiteAt(ctx, cur.Version)
		}
		now := s.now()
		next.UpdatedBy, next.UpdatedAt = actor.ID, now
		err = s.store.WithTx(ctx, func(ctx context.Context) error {
			if err := s.store.SaveSiteSettings(ctx, &next, cur.Version); err != nil {
				return err
			}
			return s.record(ctx, actor, "site.update", TargetSite, 1, "", map[string]any{"fields": changed, "version": next.Version}, now)
		})
		if errors.Is(err, models.ErrStale) && attempt < 10 {
			continue
		}
		if err != nil {
			return nil, err
		}
		s.removeSiteImage(ctx, cur.LogoFile, next.LogoFile, next.FaviconFile)
		s.removeSiteImage(ctx, cur.FaviconFile, next.LogoFile, next.FaviconFile)
		site := s.buildSite(&next)
		s.site.keep(site)
		return site, nil
	}
}

// checkSiteInput normalises the text fields in place and checks every
// field, images included, returning all the refusals at once.
func (s *Service) checkSiteInput(in *SiteInput) (logo, favicon *siteImage, err error) {
	errs := validation{}
	check := func(field string, v **string, lower bool, msg func(string) i18n.Msg) {
		if *v == nil {
			return
		}
		val := strings.TrimSpace(strings.ReplaceAll(**v, "\r\n", "\n"))
		if lower {
			val = strings.ToLower(val)
		}
		*v = &val
		if m := msg(val); !m.IsZero() {
			errs.addMsg(field, m)
		}
	}
	// maxRunes refuses a text over n characters with message id, which
	// names the field ({{.Max}} is n): one whole sentence per field.
	maxRunes := func(n int, id string) func(string) i18n.Msg {
		return func(v string) i18n.Msg {
			if utf8.RuneCountInString(v) > n {
				return i18n.M(id, "Max", n)
			}
			return i18n.Msg{}
		}
	}
	check("name", &in.Name, false, func(v string) i18n.Msg {
		if strings.ContainsAny(v, "\n\t") {
			return i18n.M("errors.site_settings.name_one_line")
		}
		return maxRunes(siteNameMaxRunes, "errors.site_settings.name_too_long")(v)
	})
	check("description", &in.Description, false, maxRunes(siteDescriptionMaxRunes, "errors.site_settings.description_too_long"))
	check("accent", &in.Accent, true, func(v string) i18n.Msg {
		if v != "" && !accentPattern.MatchString(v) {
			return i18n.M("errors.site_settings.accent")
		}
		return i18n.Msg{}
	})
	check("contact_email", &in.ContactEmail, false, func(v string) i18n.Msg {
		if v == "" {
			return i18n.Msg{}
		}
		a, err := mail.ParseAddress(v)
		if err != nil || a.Address != v || len(v) > siteEmailMaxBytes {
			return i18n.M("errors.site_settings.contact_email")
		}
		return i18n.Msg{}
	})
	check("rules", &in.Rules, false, maxRunes(sitePageMaxRunes, "errors.site_settings.rules_too_long"))
	check("terms", &in.Terms, false, maxRunes(sitePageMaxRunes, "errors.site_settings.terms_too_long"))
	check("privacy", &in.Privacy, false, maxRunes(sitePageMaxRunes, "errors.site_settings.privacy_too_long"))
	check("language", &in.Language, true, func(v string) i18n.Msg {
		if !i18n.Known(v) {
			return i18n.M("errors.site_settings.language_unknown", "Codes", strings.Join(i18n.Codes(), ", "))
		}
		return i18n.Msg{}
	})
	check("signup_mode", &in.SignupMode, true, func(v string) i18n.Msg {
		if !signupModes[v] {
			return i18n.M("errors.site_settings.signup_mode")
		}
		return i18n.Msg{}
	})
	check("introductions_category", &in.IntroductionsCategory, true, func(string) i18n.Msg { return i18n.Msg{} })
	if in.Logo != nil {
		logo = checkSiteImage("logo", in.Logo, errs)
	}
	if in.Favicon != nil {
		favicon = checkSiteImage("favicon", in.Favicon, errs)
	}
	if err := errs.err(); err != nil {
		return nil, nil, err
	}
	return logo, favicon, nil
}

// applySiteInput returns cur with the (checked) input applied and the
// names of the fields that changed.
func applySiteInput(cur models.SiteSettings, in SiteInput, setLogo bool, logo string, setFavicon bool, favicon string) (models.SiteSettings, []string) {
	next := cur
	var changed []string
	set := func(field string, dst *string, v *string) {
		if v != nil && *v != *dst {
			*dst = *v
			changed = append(changed, field)
		}
	}
	set("name", &next.Name, in.Name)
	set("description", &next.Description, in.Description)
	set("accent", &next.Accent, in.Accent)
	set("contact_email", &next.ContactEmail, in.ContactEmail)
	set("rules", &next.Rules, in.Rules)
	set("terms", &next.Terms, in.Terms)
	set("privacy", &next.Privacy, in.Privacy)
	if in.SignupMode != nil && next.SignupMode == "" && *in.SignupMode == SignupOpen {
		in.SignupMode = nil // "" already means open
	}
	set("signup_mode", &next.SignupMode, in.SignupMode)
	if in.Language != nil && next.Language == "" && *in.Language == "en" {
		in.Language = nil // "" already means English
	}
	set("language", &next.Language, in.Language)
	if in.AmbassadorsInvite != nil && *in.AmbassadorsInvite != next.AmbassadorsInvite {
		next.AmbassadorsInvite = *in.AmbassadorsInvite
		changed = append(changed, "ambassadors_invite")
	}
	empty := ""
	switch {
	case setLogo:
		set("logo", &next.LogoFile, &logo)
	case in.RemoveLogo:
		set("logo", &next.LogoFile, &empty)
	}
	switch {
	case setFavicon:
		set("favicon", &next.FaviconFile, &favicon)
	case in.RemoveFavicon:
		set("favicon", &next.FaviconFile, &empty)
	}
	return next, changed
}
