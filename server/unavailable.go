package server

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/i18n"
)

// retryAfterSeconds is what a 503 for an unavailable database asks clients
// to wait: long enough for a restart or a failover, short enough that a
// member retrying by hand is not told to wait for nothing.
const retryAfterSeconds = 5

// retryField is one submitted form value, shown again on the retry form.
type retryField struct {
	Name, Label, Value string
	Kind               string // textarea, text, hidden or password (never echoed)
}

// retryForm is the unavailable page's data: the message and, for a form
// post, everything the member sent, posting back to the same URL.
type retryForm struct {
	Message string
	Action  string
	Fields  []retryField
}

var kindOrder = map[string]int{"text": 0, "textarea": 1, "password": 2, "hidden": 3}

// textAreaFields are the names Hearth's forms use for long text.
var textAreaFields = map[string]bool{
	"body": true, "description": true, "bio": true, "reason": true, "message": true, "note": true, "text": true,
}

// renderUnavailable answers a browser while the database is unavailable.
// The usual form re-render needs the database (the thread, the categories),
// so this page is built from the request alone: the submitted values come
// back in a form that posts to the same URL, so nothing the member typed is
// lost. Passwords are never sent back. It reads nothing from the database
// (no unread count, no banner): every such read would fail too.
func (s *Server) renderUnavailable(c echo.Context, ae *APIError) error {
	r := retryForm{Message: ae.Message, Action: c.Request().URL.RequestURI()}
	if c.Request().Method == http.MethodPost {
		r.Fields = retryFields(c)
	}
	token := csrfToken(c)
	if token == "" {
		// authenticate runs before csrf; when the session read failed,
		// the csrf middleware never ran, but the cookie is the token.
		if ck, err := c.Cookie(csrfCookie); err == nil {
			token = ck.Value
		}
	}
	// The database is not answering: the last settings this process read.
	site := s.forum.LastSite()
	l := s.langWithout(c, site)
	if c.Request().Method == http.MethodPost {
		r.Message = l.T("forum.unavailable.message")
		for i := range r.Fields {
			r.Fields[i].Label = retryLabel(l, r.Fields[i].Name)
		}
	}
	p := &Page{
		Lang: l, Site: site, Title: l.T("forum.unavailable.title"), SiteName: site.Name, BaseURL: s.cfg.URL, OGType: "website",
		Canonical: s.cfg.URL + c.Request().URL.Path, Viewer: viewer(c), CSRF: token, NoIndex: true, Data: r,
	}
	return s.tmpl.render(c, ae.Status, "unavailable", p)
}

// langWithout is s.lang without the database: the member's setting (read
// with the session, before the outage), the language cookie, then
// Accept-Language, then the last settings read's default. s.lang would
// read the site settings, which fails too.
func (s *Server) langWithout(c echo.Context, site *forum.Site) *i18n.Lang {
	chosen := ""
	if v := viewer(c); v != nil && v.Language != "" {
		chosen = v.Language
	} else if ck, err := c.Cookie(langCookie); err == nil {
		chosen = ck.Value
	}
	c.Response().Header().Add("Vary", "Accept-Language")
	code := ""
	if site != nil {
		code = site.Language
	}
	l := s.tmpl.cat.Pick(chosen, c.Request().Header.Get("Accept-Language"), code)
	c.Set(ctxLang, l)
	return l
}

// retryFields lists the submitted values in a stable order.
func retryFields(c echo.Context) []retryField {
	params, err := c.FormParams()
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []retryField
	for _, name := range names {
		if name == "_csrf" {
			continue
		}
		for _, v := range params[name] {
			out = append(out, retryField{Name: name, Label: fieldLabel(name), Value: v, Kind: retryKind(name, v)})
		}
	}
	for i := range out {
		if out[i].Kind == "password" {
			out[i].Value = ""
		}
	}
	// Short fields (a title) above long ones (the body), as forms have them.
	sort.SliceStable(out, func(i, j int) bool { return kindOrder[out[i].Kind] < kindOrder[out[j].Kind] })
	return out
}

// retryKind chooses how a submitted value comes back: long or multi-line
// text in a textarea, ids, checkbox values and the login form's next hidden, other short text in a
// text box, passwords as an empty password box.
func retryKind(name, value string) string {
	switch {
	case strings.Contains(strings.ToLower(name), "password"):
		return "password"
	case textAreaFields[name] || strings.Contains(value, "\n") || len(value) > 200:
		return "textarea"
	case name == "next" || value == "on" || value == "true" || value == "false" || isDigits(value):
		return "hidden"
	}
	return "text"
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

// retryLabel names a form field on the retry page in the reader's
// language: the fields of Hearth's writing and login forms by their names
// in the catalog, any other by fieldLabel.
func retryLabel(l *i18n.Lang, name string) string {
	switch name {
	case "body":
		return l.T("forum.unavailable.field.body")
	case "title":
		return l.T("forum.unavailable.field.title")
	case "tags":
		return l.T("forum.unavailable.field.tags")
	case "category":
		return l.T("forum.unavailable.field.category")
	case "alt":
		return l.T("forum.unavailable.field.alt")
	case "reason":
		return l.T("forum.unavailable.field.reason")
	case "message":
		return l.T("forum.unavailable.field.message")
	case "login":
		return l.T("forum.unavailable.field.login")
	case "username":
		return l.T("forum.unavailable.field.username")
	case "email":
		return l.T("forum.unavailable.field.email")
	case "password":
		return l.T("forum.unavailable.field.password")
	case "poll_options":
		return l.T("forum.unavailable.field.poll_options")
	case "poll_closes_at":
		return l.T("forum.unavailable.field.poll_closes_at")
	}
	return fieldLabel(name)
}

// fieldLabel turns a form name (poll_question) into a label (Poll question).
func fieldLabel(name string) string {
	l := strings.ReplaceAll(strings.ReplaceAll(name, "_", " "), "-", " ")
	if l == "" {
		return name
	}
	rs := []rune(l)
	rs[0] = unicode.ToUpper(rs[0])
	return string(rs)
}
