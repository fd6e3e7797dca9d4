package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// langCookieAge is how long a visitor's choice of language is remembered.
const langCookieAge = 365 * 24 * time.Hour

// crossOrigin refuses cross-site browser POSTs by their Sec-Fetch-Site or
// Origin header: the CSRF defence of the visitors' language switcher,
// which sits on cached pages and so cannot carry a per-visitor token.
var crossOrigin = http.NewCrossOriginProtection()

// languageCSRF guards POST /language: a member's form carries the usual
// token (their pages are never cached), checked by s.csrf; a visitor's
// change only sets a cookie in their own browser, and a cross-site request
// cannot do even that.
func (s *Server) languageCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	withToken := s.csrf(next)
	return func(c echo.Context) error {
		if viewer(c) != nil {
			return withToken(c)
		}
		if err := crossOrigin.Check(c.Request()); err != nil {
			return echo.NewHTTPError(http.StatusForbidden, s.t(c, "language.cross_site"))
		}
		return next(c)
	}
}

// switchLanguage takes the footer's and the settings page's language
// form: a member's choice is their setting (mails and notifications
// follow it), a visitor's a cookie. "" goes back to the browser's
// language. It answers with the page the form was on.
func (s *Server) switchLanguage(c echo.Context) error {
	code := strings.TrimSpace(c.FormValue("lang"))
	if u := viewer(c); u != nil {
		if err := s.forum.SetLanguage(c.Request().Context(), u, code); err != nil {
			return err
		}
	} else {
		switch {
		case code == "":
			s.clearCookie(c, langCookie)
		case s.tmpl.cat.Supported(code):
			c.SetCookie(s.cookie(langCookie, code, langCookieAge))
		default:
			return echo.NewHTTPError(http.StatusUnprocessableEntity, s.t(c, "language.unknown"))
		}
	}
	next := c.FormValue("next")
	if rest, ok := strings.CutPrefix(next, s.cfg.URL); ok && s.cfg.URL != "" {
		next = rest
		if next == "" {
			next = "/"
		}
	}
	return redirectLocal(c, next)
}
