package server

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/markup"
	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/templates"
)

// Page is what every template receives. Page-specific values are in Data;
// a form that failed validation comes back with Form filled, so the member's
// text is never lost.
type Page struct {
	Title       string // <title> and og:title; the site name is appended
	Description string // meta description and og:description
	Canonical   string // absolute canonical URL
	OGType      string // website, article, profile
	SiteName    string
	BaseURL     string
	Viewer      *models.User // nil when logged out
	CSRF        string       // token for every state-changing form
	Flash       string       // one-shot notice after a redirect
	Feeds       []FeedLink   // <link rel=alternate> feeds
	Form        Form
	Data        any
	NoIndex     bool
	// Unread is the viewer's unread notification count for the header;
	// always 0 when logged out, which is what keeps it out of the
	// anonymous page cache.
	Unread int
	// UnreadMessages is the viewer's count of conversations with unread
	// private messages, shown beside Unread.
	UnreadMessages int
	// Banner is the staff announcement shown on every page (nil for none);
	// cached pages include it in their key (see forum.PageVersion).
	Banner *forum.Banner
	// VerifyEmail: the viewer may not post until they verify their
	// address; every page says so, with a button to send the link again.
	VerifyEmail bool
	// Site is the operator's settings (name, logo, colour, footer links);
	// SiteName is Site.Name. Cached pages include its version in their key.
	Site *forum.Site
	// Lang is the language the page is written in (<html lang>): the
	// templates of that language render it.
	Lang *i18n.Lang

	splice *bytes.Buffer // a part rendered outside the template (page_splice.go)
}

// FeedLink advertises an RSS/Atom feed in <head>.
type FeedLink struct{ Title, Type, URL string }

// Form carries submitted values and per-field errors back to a form.
type Form struct {
	Values map[string]string
	Errors map[string]string
	Error  string // a message for the whole form
}

// V returns a submitted value.
func (f Form) V(name string) string { return f.Values[name] }

// E returns the error for a field.
func (f Form) E(name string) string { return f.Errors[name] }

// renderer holds every page template: one set per language, each with the
// language's t/tn/th, ago and date functions bound, so a template calls
// {{t "thread.reply"}} and a page costs no lookup of its language per call.
// Each page's file is parsed at start, so a broken template fails startup
// instead of a request; a page's executable set is built on its first
// render in that language (see pageTemplate). pages and parts are the
// default language's.
type renderer struct {
	pages  map[string]*pageTemplate
	parts  *template.Template // partials, for fragments rendered on their own
	byLang map[string]*langSet
	cat    *i18n.Catalog
	rows   *rowCache // thread list rows (thread_list_view.go)
	pagers *lru.Cache[pagerKey, template.HTML]
	// noFold leaves pages' constant actions unfolded (template_fold.go):
	// tests compare pages rendered both ways. Set before the first page.
	noFold bool
}

// templateSet is one language's templates.
type templateSet struct {
	fsys  fs.FS              // where the templates are (templates.FS)
	base  *template.Template // layout and partials; never executed, pages clone it
	pages map[string]*pageTemplate
	parts *template.Template
	funcs template.FuncMap // the language's functions, for folding
	// fold says whether a page's constant actions are folded when it is
	// built (renderer.noFold).
	fold func() bool
}

// pageTemplate is one page's template set, built once, on first use. A
// page's set is a copy of the layout and every partial plus the page:
// html/template copies the parse trees on Clone because escaping rewrites
// them. Built for all 56 pages at start, those copies were 16 MB of a 22 MB
// idle heap (go tool pprof -top on an inuse_space profile of hearth serve
// on the .ci/load.sh forum), while a process serves a handful of pages
// most of the time; with a set per language, building them all would
// double that. Once built, a set is escaped and its constant actions are
// folded into text (template_fold.go).
type pageTemplate struct {
	file string
	once sync.Once
	t    *template.Template
	err  error
}

// page returns the named page's template set, building it on first use.
func (s *templateSet) page(name string) (*template.Template, error) {
	p, ok := s.pages[name]
	if !ok {
		return nil, fmt.Errorf("no template %q", name)
	}
	p.once.Do(func() {
		t, err := s.base.Clone()
		if err == nil {
			t, err = t.ParseFS(s.fsys, p.file)
		}
		if err != nil {
			p.err = fmt.Errorf("parse %s: %w", p.file, err)
			return
		}
		// Before p.t is published: folding edits the trees in place.
		if s.fold == nil || s.fold() {
			foldConstants(t, s.funcs)
		}
		p.t = t
	})
	return p.t, p.err
}

// page returns the default language's page (tests).
func (r *renderer) page(name string) (*template.Template, error) {
	return r.set(nil).page(name)
}

// now is the forum's clock (Service.Now), so relative dates follow a pinned
// or shifted clock like everything else.
func newRenderer(a *assets, baseURL string, perPage int, now func() time.Time, cat *i18n.Catalog) (*renderer, error) {
	return newRendererFS(templates.FS, a, baseURL, perPage, now, cat)
}

// newRendererFS is newRenderer on the templates in fsys (tests pass their
// own).
func newRendererFS(fsys fs.FS, a *assets, baseURL string, perPage int, now func() time.Time, cat *i18n.Catalog) (*renderer, error) {
	r := &renderer{byLang: map[string]*langSet{}, cat: cat, rows: newRowCache(), pagers: newPagerCache()}
	for _, l := range cat.Langs() {
		r.byLang[l.Code] = &langSet{parse: func() (*templateSet, error) {
			funcs := templateFuncs(a, baseURL, perPage, now, l)
			funcs["languages"] = cat.Langs
			funcs["threadRows"] = func(ts []forum.ThreadSummary) (template.HTML, error) { return r.threadRows(l, ts, now()) }
			funcs["paginate"] = func(t *models.Thread, page, pages int, label string) (template.HTML, error) {
				return r.pagination(l, t, page, pages, label)
			}
			set, err := parseTemplates(fsys, funcs)
			if set != nil {
				set.fold = func() bool { return !r.noFold }
			}
			return set, err
		}}
	}
	// The default language is parsed now: a syntax error or an unknown
	// function stops the start. Every language parses the same files with
	// functions of the same names, so the others cannot fail where this
	// one passed; they are parsed on their first page.
	def, err := r.byLang[i18n.Default].get()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", i18n.Default, err)
	}
	r.pages, r.parts = def.pages, def.parts
	return r, nil
}

// langSet is one language's templates, parsed on the first page or
// fragment in that language. Each language's layout, partials and their
// copy for fragments were 0.9 MB of live heap (an inuse_space profile of
// hearth serve on the .ci/load.sh forum, two languages 1.7 MB), kept by
// every process whether or not anyone reads it in that language.
type langSet struct {
	once  sync.Once
	parse func() (*templateSet, error)
	set   *templateSet
	err   error
}

func (s *langSet) get() (*templateSet, error) {
	s.once.Do(func() { s.set, s.err = s.parse() })
	return s.set, s.err
}

// parsed says whether the language's templates have been parsed (tests).
func (s *langSet) parsed() bool { return s.set != nil || s.err != nil }

// set returns the templates of language l (the default for nil, or if
// l's could not be parsed, which newRendererFS rules out).
func (r *renderer) set(l *i18n.Lang) *templateSet {
	def, _ := r.byLang[i18n.Default].get()
	if l != nil && l.Code != i18n.Default {
		if s := r.byLang[l.Code]; s != nil {
			if set, err := s.get(); err == nil {
				return set
			}
		}
	}
	return def
}

func parseTemplates(fsys fs.FS, funcs template.FuncMap) (*templateSet, error) {
	base, err := template.New("").Funcs(funcs).ParseFS(fsys, "layout.html", "partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	files, err := fs.Glob(fsys, "pages/*.html")
	if err != nil {
		return nil, err
	}
	parts, err := base.Clone()
	if err != nil {
		return nil, err
	}
	set := &templateSet{fsys: fsys, base: base, pages: map[string]*pageTemplate{}, parts: parts, funcs: funcs}
	for _, f := range files {
		// Parsed alone, with the functions, to fail now on a syntax error
		// or an unknown function; the tree is garbage once checked.
		if _, err := template.New(path.Base(f)).Funcs(funcs).ParseFS(fsys, f); err != nil {
			return nil, fmt.Errorf("parse %s: %w", f, err)
		}
		set.pages[strings.TrimSuffix(path.Base(f), ".html")] = &pageTemplate{file: f}
	}
	return set, nil
}

// templateFuncs are the functions every template may call, with l's
// messages, dates and numbers.
func templateFuncs(a *assets, baseURL string, perPage int, now func() time.Time, l *i18n.Lang) template.FuncMap {
	return template.FuncMap{
		"t":        l.T,
		"tn":       l.N,
		"th":       l.HTML,
		"tnh":      l.NHTML,
		"num":      l.Num,
		"langCode": func() string { return l.Code },
		"asset":    a.url,
		"html":     func(s string) template.HTML { return template.HTML(s) }, // only for HTML sanitised by forum/markup
		"add":      func(a, b int) int { return a + b },
		"seq": func(from, to int) []int {
			var out []int
			for i := from; i <= to && len(out) < 1000; i++ {
				out = append(out, i)
			}
			return out
		},
		"iso":          func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"date":         l.DateTime,
		"day":          l.Date,
		"ago":          func(t time.Time) string { return l.Ago(now(), t) },
		"avatarColour": userColour,
		"badgeCount":   badgeCount,
		"userURL":      profilePath,
		"avatarURL":    avatarURL,
		"siteFileURL":  siteFileURL,
		"imageType":    imageMediaType,
		"threadURL":    threadURL,
		"attachFor":    func(id string, f Form) attachFields { return attachFields{ID: id, Form: f} },
		"editorPreview": func(id string, html template.HTML) editorPreview {
			return editorPreview{ID: id, HTML: html}
		},
		"pageURL": func(t *models.Thread, page int) string {
			if page <= 1 {
				return threadURL(t)
			}
			return threadURL(t) + "?page=" + strconv.Itoa(page)
		},
		"postURL":      func(id int64) string { return "/p/" + strconv.FormatInt(id, 10) },
		"catURL":       func(c *models.Category) string { return "/c/" + c.Slug },
		"tagURL":       func(t string) string { return "/tags/" + url.PathEscape(t) },
		"abs":          func(p string) string { return baseURL + p },
		"excerpt":      markup.Excerpt,
		"canEdit":      forum.CanEditPost,
		"isStaff":      func(u *models.User) bool { return u != nil && u.IsStaff() },
		"canModTools":  forum.CanUseModTools,
		"canAssign":    forum.CanAssign,
		"canApprove":   forum.CanApprove,
		"canVouch":     func(actor, target *models.User) bool { return forum.CanVouch(actor, target) && forum.InSandbox(target) },
		"canModThread": forum.CanLockThread,
		"canEditMeta":  forum.CanEditThreadMeta,
		"isAdmin":      func(u *models.User) bool { return u != nil && u.Role == models.RoleAdmin },
		"perPage":      func() int { return perPage },
		"percent":      func(share float64) string { return percentIn(l, share) },
		"minutes":      func(seconds int64) string { return minutesIn(l, seconds) },
		"slowEvery":    func(secs int) string { return slowEvery(l, secs) },
		"slowInput":    forum.SlowModeInput,
		"initial":      userInitials,
		"userLink":     userLink,
		"checkedURL":   checkedURL,
		"memberLink":   func(u *models.User) template.HTML { return memberLink(l, u) },
		// int lets tn count an int64 (statistics, campaign targets).
		"int": func(n int64) int { return int(n) },
		// The audit log's words (audit_sentences.go).
		"auditLabel":    func(action string) string { return auditLabel(l, action) },
		"auditSentence": func(sn forum.AuditSentence) template.HTML { return auditSentenceHTML(l, sn) },
	}
}

func (r *renderer) render(c echo.Context, status int, name string, p *Page) error {
	return r.send(c, status, name, p, nil)
}

// bufs recycles page buffers: a 100-post page is ~200 KB, and growing a
// fresh buffer for each request was a large share of a page's garbage.
var bufs = sync.Pool{New: func() any { b := new(bytes.Buffer); b.Grow(64 << 10); return b }}

// send renders a page into a pooled buffer (so a failed template never sends
// half a page), passes the finished bytes to keep (which must copy what it
// keeps), then writes them.
func (r *renderer) send(c echo.Context, status int, name string, p *Page, keep func([]byte)) error {
	t, err := r.set(p.Lang).page(name)
	if err != nil {
		return err
	}
	buf := bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			bufs.Put(buf)
		}
	}()
	if err := t.ExecuteTemplate(buf, "layout", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	if p.splice != nil {
		return writeSpliced(c, status, buf.Bytes(), p.splice.Bytes(), keep)
	}
	if keep != nil {
		keep(buf.Bytes())
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// fragment renders one partial template on its own, as safe HTML to embed in
// a page.
func (r *renderer) fragment(l *i18n.Lang, name string, data any) (template.HTML, error) {
	var buf bytes.Buffer
	if err := r.set(l).parts.ExecuteTemplate(&buf, name, data); err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	return template.HTML(buf.String()), nil // #nosec G203 -- produced by html/template
}

func threadURL(t *models.Thread) string {
	u := "/t/" + strconv.FormatInt(t.ID, 10)
	if t.Slug != "" {
		u += "/" + t.Slug
	}
	return u
}

// profilePath is a member's page, on the lower-cased name: the same URL is
// their ActivityPub id and what @mentions link to, and ids never change case.
func profilePath(u *models.User) string {
	return "/u/" + url.PathEscape(strings.ToLower(u.Username))
}

func avatarURL(u *models.User) string {
	if u == nil || u.AvatarFile == "" {
		return ""
	}
	if h := forum.AvatarMediaHash(u.AvatarFile); h != "" {
		return "/media/" + h
	}
	return "/avatars/" + u.AvatarFile
}

// page starts a Page with what every page needs.
func (s *Server) page(c echo.Context, title string) *Page {
	p := &Page{
		Title: title, BaseURL: s.cfg.URL, OGType: "website",
		Canonical: s.cfg.URL + c.Request().URL.Path,
		Viewer:    viewer(c), CSRF: csrfToken(c), Flash: takeFlash(c),
	}
	if p.Viewer != nil {
		s.memberChrome(c, p) // counts, banner and site in one query (member_chrome.go)
		p.VerifyEmail = s.forum.NeedsEmailVerification(p.Viewer)
	}
	// After the member's header read, which brings the site settings the
	// language choice needs along (no read of its own).
	p.Lang = s.lang(c)
	p.Banner = s.banner(c)
	p.Site = s.site(c)
	p.SiteName = p.Site.Name
	return p
}

// passwordField names the form fields never written back into a page:
// a form with an error keeps everything else that was typed.
var passwordField = map[string]bool{"password": true, "current_password": true, "new_password": true, "confirm_password": true}

// formFrom copies the submitted form values back for re-rendering.
func formFrom(c echo.Context, err error) Form {
	f := Form{Values: map[string]string{}, Errors: map[string]string{}}
	if params, perr := c.FormParams(); perr == nil {
		for k, v := range params {
			if k != "_csrf" && !passwordField[k] && len(v) > 0 {
				f.Values[k] = v[0]
			}
		}
	}
	if ve, ok := forum.AsValidation(err); ok {
		f.Errors = fieldErrors(c, ve)
	} else if err != nil {
		f.Error = errorText(c, err)
	}
	return f
}

// editorPreview is what the editor_preview partial needs: the id prefix
// and the rendered preview ("" hides it until static/editor.js fills it).
type editorPreview struct {
	ID   string
	HTML template.HTML
}

// attachFields is what the attach_fields partial needs: the id prefix of
// its inputs and the form's values and errors.
type attachFields struct {
	ID   string
	Form Form
}
