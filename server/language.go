package server

import (
	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/i18n"
)

// langCookie remembers a visitor's choice of language (members' choice is
// their setting); it only ever holds a supported code.
const langCookie = "hearth_lang"

const ctxLang = "hearth.lang"

// lang is the language of this request's pages, mails it triggers and
// messages: the member's setting, else the visitor's language cookie,
// else the best match for Accept-Language, else the forum's default. It is
// chosen once per request, on first use: a cached anonymous page asks only
// after reading its version, which brings the site settings along, so the
// choice costs no query.
func (s *Server) lang(c echo.Context) *i18n.Lang {
	if l, ok := c.Get(ctxLang).(*i18n.Lang); ok {
		return l
	}
	chosen := ""
	if v := viewer(c); v != nil && v.Language != "" {
		chosen = v.Language
	} else if ck, err := c.Cookie(langCookie); err == nil {
		chosen = ck.Value
	}
	// Pages differ by Accept-Language (and the cookie, which Vary: Cookie
	// of a member page already covers): shared caches must key on it.
	c.Response().Header().Add("Vary", "Accept-Language")
	l := s.tmpl.cat.Pick(chosen, c.Request().Header.Get("Accept-Language"), s.site(c).Language)
	c.Set(ctxLang, l)
	return l
}

// t is a message in this request's language.
func (s *Server) t(c echo.Context, id string, kv ...any) string { return s.lang(c).T(id, kv...) }
