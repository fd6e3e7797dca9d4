package server

import (
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

const (
	sessionCookie = "hearth_session"
	csrfCookie    = "hearth_csrf"
	flashCookie   = "hearth_flash"
	ctxViewer     = "viewer"
	ctxCSRF       = "csrf"
	ctxFlash      = "flash"
	ctxAPIToken   = "api_token"
	ctxSession    = "session" // the session cookie's secret, when it named a live session
)

type logCtxKey struct{}

// requestLogger logs one structured line per request with its id and actor.
func (s *Server) requestLogger() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURIPath: true, LogMethod: true, LogLatency: true, LogRequestID: true, LogError: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			attrs := []slog.Attr{
				slog.String("request_id", v.RequestID), slog.String("method", v.Method),
				slog.String("path", v.URIPath), slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency),
				// The member's address, not the proxy's (--trusted-proxies).
				slog.String("client_ip", clientIP(c)),
			}
			if u := viewer(c); u != nil {
				attrs = append(attrs, slog.String("actor", u.Username))
			}
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
				if v.Error != nil {
					attrs = append(attrs, slog.String("error", v.Error.Error()))
				}
			}
			s.log.LogAttrs(c.Request().Context(), level, "request", attrs...)
			return nil
		},
	})
}

// authenticate resolves the viewer from a Bearer token (API) or the session
// cookie (browser). A bad token is an error; a stale cookie just logs out.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if h := c.Request().Header.Get("Authorization"); h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				return apiError(http.StatusUnauthorized, "unauthorized", "use Authorization: Bearer <token>")
			}
			u, err := s.forum.TokenUser(ctx, strings.TrimSpace(token))
			if err != nil {
				if errors.Is(err, forum.ErrUnauthorized) {
					return apiError(http.StatusUnauthorized, "unauthorized", "that token is not valid")
				}
				return err
			}
			c.Set(ctxViewer, u)
			c.Set(ctxAPIToken, true)
			return next(c)
		}
		if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
			u, err := s.forum.SessionUser(ctx, ck.Value)
			switch {
			case err == nil:
				c.Set(ctxViewer, u)
				c.Set(ctxSession, ck.Value)
			case errors.Is(err, forum.ErrUnauthorized):
				s.clearCookie(c, sessionCookie)
			default:
				return err
			}
		}
		return next(c)
	}
}

// csrf protects every state-changing browser request. A signed-in browser's
// token is bound to its session (forum.SessionCSRFToken: an HMAC of the
// session id), so a token from before login, or from another session, is
// refused. Anonymous forms (login, signup) use a double-submit token: a
// random value in a SameSite cookie that each form must repeat. Either
// way each form (or the X-CSRF-Token header) sends it as _csrf, and any
// process can check it. The cookie mirrors the session token once signed
// in, but the check never trusts the cookie for a session.
// Requests authenticated by a Bearer token carry no ambient credentials and
// are exempt, as are API calls with no credentials at all. A missing or wrong token is 403.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := ""
		ck, ckErr := c.Cookie(csrfCookie)
		if secret, ok := c.Get(ctxSession).(string); ok && secret != "" {
			t, err := s.forum.SessionCSRFToken(c.Request().Context(), secret)
			if err != nil {
				return err
			}
			token = t
			if ckErr != nil || ck.Value != token {
				s.setCSRFCookie(c, token)
			}
		} else if ckErr == nil && len(ck.Value) >= 32 {
			token = ck.Value
		} else {
			token = s.rotateCSRF(c)
		}
		c.Set(ctxCSRF, token)
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		if c.Get(ctxAPIToken) == true {
			return next(c)
		}
		// An API call with neither token nor session carries no ambient
		// credentials to abuse; let it through to get its plain 401.
		if viewer(c) == nil && strings.HasPrefix(c.Request().URL.Path, "/api/") {
			return next(c)
		}
		sent := c.Request().Header.Get("X-CSRF-Token")
		if sent == "" {
			sent = c.FormValue("_csrf")
		}
		if sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
			return echo.NewHTTPError(http.StatusForbidden, s.t(c, "layout.csrf_expired"))
		}
		return next(c)
	}
}

// rotateCSRF gives an anonymous browser a fresh double-submit token (on
// its first visit, and at logout so the old session's token dies with it).
func (s *Server) rotateCSRF(c echo.Context) string {
	token := randomString(32)
	s.setCSRFCookie(c, token)
	c.Set(ctxCSRF, token)
	return token
}

func (s *Server) setCSRFCookie(c echo.Context, token string) {
	c.SetCookie(s.cookie(csrfCookie, token, 365*24*time.Hour))
}

// securityHeaders sets the headers every response should carry.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'")
		return next(c)
	}
}

// requireLogin sends logged-out browsers to the login page, then back.
func requireLogin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if viewer(c) == nil {
			if c.Request().Method == http.MethodGet {
				return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			}
			return forum.ErrUnauthorized
		}
		return next(c)
	}
}

func viewer(c echo.Context) *models.User {
	u, _ := c.Get(ctxViewer).(*models.User)
	return u
}

func csrfToken(c echo.Context) string {
	t, _ := c.Get(ctxCSRF).(string)
	return t
}

func (s *Server) cookie(name, value string, maxAge time.Duration) *http.Cookie {
	return &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: s.cfg.Secure(), SameSite: http.SameSiteLaxMode,
	}
}

func (s *Server) clearCookie(c echo.Context, name string) {
	ck := s.cookie(name, "", 0)
	ck.MaxAge = -1
	c.SetCookie(ck)
}

// setFlash leaves a one-shot message for the next page, in a cookie so any
// process can show it.
func (s *Server) setFlash(c echo.Context, msg string) {
	c.SetCookie(s.cookie(flashCookie, url.QueryEscape(msg), time.Minute))
}

func takeFlash(c echo.Context) string {
	if v, ok := c.Get(ctxFlash).(string); ok {
		return v
	}
	ck, err := c.Cookie(flashCookie)
	if err != nil || ck.Value == "" {
		return ""
	}
	msg, _ := url.QueryUnescape(ck.Value)
	c.SetCookie(&http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1})
	c.Set(ctxFlash, msg)
	return msg
}

// clientIP is the address login limits count against.
func clientIP(c echo.Context) string { return c.RealIP() }
