package server

import (
	"encoding/base64"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Site settings: the operator's name, description, logo, favicon, accent
// colour, contact address and the rules, terms and privacy pages. Every
// page shows them. A logged-out page's version read carries the settings'
// version (forum.PageVersion.Site), and forum keeps the parsed settings by
// version, so a cached page costs no extra query and a change shows on the
// next request in every process.

const siteCtxKey = "hearth.site"

type siteVersion struct{ v int64 }

// keepVersion records what a page's version read brought besides the
// page's own version: the banner and the site settings' version.
func keepVersion(c echo.Context, v *forum.PageVersion) {
	keepBanner(c, v.Banner)
	c.Set(siteCtxKey, siteVersion{v.Site})
}

// site returns the settings for this request: from memory when the page's
// version read (or the banner's, PageChrome) gave their version and this
// process has it. A failed read must not fail the page: it falls back to
// the last settings this process saw.
func (s *Server) site(c echo.Context) *forum.Site {
	ctx := c.Request().Context()
	var site *forum.Site
	var err error
	if c.Get(siteCtxKey) == nil {
		// The banner read brings the settings' version along.
		s.banner(c)
	}
	switch v := c.Get(siteCtxKey).(type) {
	case *forum.Site:
		return v
	case siteVersion:
		site, err = s.forum.SiteAt(ctx, v.v)
	default:
		site, err = s.forum.Site(ctx)
	}
	if err != nil {
		s.log.WarnContext(ctx, "site settings", "error", err)
		site = s.forum.LastSite()
	}
	c.Set(siteCtxKey, site)
	return site
}

func (s *Server) siteRoutes(e *echo.Echo, g *echo.Group) {
	e.GET("/site-files/:file", s.siteFile)
	e.GET("/site.css", s.siteCSS)
	for _, kind := range []string{"rules", "terms", "privacy"} {
		g.GET("/"+kind, s.sitePage(kind))
	}
	g.GET("/admin/site", s.adminSite, requireLogin)
	g.POST("/admin/site", s.adminSaveSite, requireLogin)
}

func (s *Server) apiSiteRoutes(g *echo.Group) {
	g.GET("/admin/site", s.apiSite)
	g.PATCH("/admin/site", s.apiSaveSite)
}

// siteFileURL is where a logo or favicon is served.
func siteFileURL(name string) string {
	if name == "" {
		return ""
	}
	return "/site-files/" + name
}

// siteFile serves the logo and favicon from the database, so every
// process serves what another stored; names are content-hashed, so they
// are cached for a year.
func (s *Server) siteFile(c echo.Context) error {
	f, err := s.forum.SiteFile(c.Request().Context(), c.Param("file"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	return c.Blob(http.StatusOK, f.ContentType, f.Data)
}

// siteCSS is the accent colour as CSS custom properties. The CSP allows
// no inline style, so the head links this sheet, with the settings'
// version in the URL so a new colour is a new URL.
func (s *Server) siteCSS(c echo.Context) error {
	site := s.site(c)
	var b strings.Builder
	if a := site.Colors; a != nil {
		b.WriteString(":root { --accent: " + a.Light + "; --accent-hover: " + a.LightHover + "; --accent-text: " + a.LightText + "; }\n")
		b.WriteString("@media (prefers-color-scheme: dark) {\n  :root { --accent: " + a.Dark + "; --accent-hover: " + a.DarkHover + "; --accent-text: " + a.DarkText + "; }\n}\n")
	}
	if c.QueryParam("v") == strconv.FormatInt(site.Version, 10) {
		c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Response().Header().Set("Cache-Control", "no-cache")
	}
	return c.Blob(http.StatusOK, "text/css; charset=utf-8", []byte(b.String()))
}

// SitePageData is a rules, terms or privacy page.
type SitePageData struct {
	Kind string
	HTML string // sanitised by forum/markup
}

func (s *Server) sitePage(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		title, html := s.site(c).SitePage(kind)
		if html == "" {
			return forum.ErrNotFound
		}
		switch kind { // the page's name in the reader's language
		case "rules":
			title = s.t(c, "forum.site_page.rules")
		case "terms":
			title = s.t(c, "forum.site_page.terms")
		case "privacy":
			title = s.t(c, "forum.site_page.privacy")
		}
		p := s.page(c, title)
		p.Data = SitePageData{Kind: kind, HTML: html}
		return s.tmpl.render(c, http.StatusOK, "site_page", p)
	}
}

// AdminSiteData is the site settings page.
type AdminSiteData struct {
	Site *forum.Site
	// Categories are the public categories, to choose where newcomers
	// introduce themselves.
	Categories []models.Category
}

func (s *Server) adminSite(c echo.Context) error {
	site := s.site(c)
	f := Form{Values: map[string]string{
		"name": site.Name, "description": site.Description, "accent": site.Accent, "contact_email": site.ContactEmail,
		"rules": site.Rules, "terms": site.Terms, "privacy": site.Privacy, "signup_mode": site.SignupMode, "language": site.Language, "ambassadors_invite": boolValue(site.AmbassadorsInvite),
	}, Errors: map[string]string{}}
	return s.renderAdminSite(c, http.StatusOK, f)
}

func (s *Server) renderAdminSite(c echo.Context, status int, f Form) error {
	if !forum.CanAdminister(viewer(c)) {
		return forum.ErrForbidden
	}
	all, err := s.forum.Categories(c.Request().Context())
	if err != nil {
		return err
	}
	var public []models.Category
	for _, cat := range all {
		if !cat.AmbassadorsOnly {
			public = append(public, cat)
		}
	}
	if _, typed := f.Values["introductions_category"]; !typed {
		f.Values["introductions_category"] = forum.IntroductionsCategorySlug(s.site(c), public)
	}
	p := s.page(c, s.t(c, "staff.nav.site_settings"))
	p.NoIndex = true
	p.Form = f
	p.Data = AdminSiteData{Site: p.Site, Categories: public}
	return s.tmpl.render(c, status, "admin_site", p)
}

// adminSaveSite takes the settings form (multipart, for the images). A
// refused field comes back with its message and every typed value kept.
func (s *Server) adminSaveSite(c echo.Context) error {
	if !forum.CanAdminister(viewer(c)) {
		return forum.ErrForbidden
	}
	in := forum.SiteInput{RemoveLogo: c.FormValue("remove_logo") != "", RemoveFavicon: c.FormValue("remove_favicon") != ""}
	for name, dst := range map[string]**string{
		"name": &in.Name, "description": &in.Description, "accent": &in.Accent, "contact_email": &in.ContactEmail,
		"rules": &in.Rules, "terms": &in.Terms, "privacy": &in.Privacy,
	} {
		v := c.FormValue(name)
		*dst = &v
	}
	if v := c.FormValue("language"); v != "" {
		in.Language = &v
	}
	if _, ok := c.Request().Form["introductions_category"]; ok {
		v := c.FormValue("introductions_category")
		in.IntroductionsCategory = &v
	}
	if v := c.FormValue("signup_mode"); v != "" {
		in.SignupMode = &v
		// The checkbox is on the form with the mode: absent means off.
		amb := c.FormValue("ambassadors_invite") != ""
		in.AmbassadorsInvite = &amb
	}
	var err error
	if in.Logo, err = formImage(c, "logo"); err == nil {
		in.Favicon, err = formImage(c, "favicon")
	}
	if err == nil {
		_, err = s.forum.SaveSite(c.Request().Context(), viewer(c), in)
	}
	if err != nil {
		if _, ok := forum.AsValidation(err); !ok {
			return err
		}
		return s.renderAdminSite(c, http.StatusUnprocessableEntity, formFrom(c, err))
	}
	s.setFlash(c, s.t(c, "staff.site.saved"))
	return c.Redirect(http.StatusSeeOther, "/admin/site")
}

// formImage reads an optional uploaded file: nil when none was chosen.
func formImage(c echo.Context, field string) ([]byte, error) {
	fh, err := c.FormFile(field)
	if err != nil {
		if err == http.ErrMissingFile || err == http.ErrNotMultipart {
			return nil, nil
		}
		return nil, err
	}
	return readUpload(fh)
}

func readUpload(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, forum.MaxSiteImageBytes+1))
	if err != nil {
		return nil, err
	}
	if data == nil {
		data = []byte{} // chosen but empty: refused as such, not ignored
	}
	return data, nil
}

// SiteJSON is the site settings in the API.
type SiteJSON struct {
	Version      int64  `json:"version"`
	Name         string `json:"name"`
	Description  string `json:"description"`
	LogoURL      string `json:"logo_url"`
	FaviconURL   string `json:"favicon_url"`
	Accent       string `json:"accent"`
	ContactEmail string `json:"contact_email"`
	Rules        string `json:"rules"`
	Terms        string `json:"terms"`
	Privacy      string `json:"privacy"`
	SignupMode   string `json:"signup_mode"`
	// Language is the forum's default language code.
	Language string `json:"language"`
	// AmbassadorsInvite lets ambassadors make invite links.
	AmbassadorsInvite bool `json:"ambassadors_invite"`
	// IntroductionsCategory is the slug of the category new members are
	// pointed to for introductions; "" guesses from the names.
	IntroductionsCategory string `json:"introductions_category"`
}

func (s *Server) siteJSON(c echo.Context, site *forum.Site) (SiteJSON, error) {
	intro := ""
	if site.IntroductionsCategoryID != 0 {
		cats, err := s.forum.Categories(c.Request().Context())
		if err != nil {
			return SiteJSON{}, err
		}
		intro = forum.IntroductionsCategorySlug(site, cats)
	}
	abs := func(name string) string {
		if name == "" {
			return ""
		}
		return s.cfg.URL + siteFileURL(name)
	}
	return SiteJSON{Version: site.Version, Name: site.Name, Description: site.Description,
		LogoURL: abs(site.LogoFile), FaviconURL: abs(site.FaviconFile), Accent: site.Accent,
		ContactEmail: site.ContactEmail, Rules: site.Rules, Terms: site.Terms, Privacy: site.Privacy, SignupMode: site.SignupMode,
		Language: site.Language, AmbassadorsInvite: site.AmbassadorsInvite, IntroductionsCategory: intro}, nil
}

func (s *Server) apiSite(c echo.Context) error {
	u := viewer(c)
	if u == nil {
		return forum.ErrUnauthorized
	}
	if !forum.CanAdminister(u) {
		return forum.ErrForbidden
	}
	site, err := s.forum.Site(c.Request().Context())
	if err != nil {
		return err
	}
	out, err := s.siteJSON(c, site)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// apiSaveSite changes the fields present in the body. Images are base64
// in "logo" and "favicon"; an empty string removes one.
func (s *Server) apiSaveSite(c echo.Context) error {
	u := viewer(c)
	if u == nil {
		return forum.ErrUnauthorized
	}
	if !forum.CanAdminister(u) {
		return forum.ErrForbidden
	}
	var body struct {
		Name         *string `json:"name"`
		Description  *string `json:"description"`
		Accent       *string `json:"accent"`
		ContactEmail *string `json:"contact_email"`
		Rules        *string `json:"rules"`
		Terms        *string `json:"terms"`
		Privacy      *string `json:"privacy"`
		Logo         *string `json:"logo"`
		Favicon      *string `json:"favicon"`
		SignupMode   *string `json:"signup_mode"`
		Language     *string `json:"language"`
		// AmbassadorsInvite: may ambassadors make invite links.
		AmbassadorsInvite *bool `json:"ambassadors_invite"`
		// IntroductionsCategory: a public category's slug, "" to guess.
		IntroductionsCategory *string `json:"introductions_category"`
	}
	if err := bindJSON(c, &body); err != nil {
		return err
	}
	in := forum.SiteInput{Name: body.Name, Description: body.Description, Accent: body.Accent,
		ContactEmail: body.ContactEmail, Rules: body.Rules, Terms: body.Terms, Privacy: body.Privacy, SignupMode: body.SignupMode,
		Language: body.Language, AmbassadorsInvite: body.AmbassadorsInvite, IntroductionsCategory: body.IntroductionsCategory}
	var bad *forum.ValidationError
	image := func(field string, v *string, dst *[]byte, remove *bool) {
		switch {
		case v == nil:
		case *v == "":
			*remove = true
		default:
			b, err := base64.StdEncoding.DecodeString(*v)
			if err != nil {
				bad = bad.With(field, "errors.server.base64")
				return
			}
			*dst = b
		}
	}
	image("logo", body.Logo, &in.Logo, &in.RemoveLogo)
	image("favicon", body.Favicon, &in.Favicon, &in.RemoveFavicon)
	if bad != nil {
		return bad
	}
	site, err := s.forum.SaveSite(c.Request().Context(), u, in)
	if err != nil {
		return err
	}
	out, err := s.siteJSON(c, site)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// imageMediaType is a site image's type, from the extension forum gave it
// after sniffing the upload.
func imageMediaType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".png":
		return "image/png"
	case ".webp":
		return "image/webp"
	}
	return "image/jpeg"
}

func boolValue(b bool) string {
	if b {
		return "1"
	}
	return ""
}
