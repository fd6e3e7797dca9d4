package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

func (s *Server) sessionRoutes(g *echo.Group, api *echo.Group) {
	g.POST("/settings/sessions/:id/sign-out", s.signOutSession, requireLogin)
	g.POST("/settings/sessions/sign-out-others", s.signOutOthers, requireLogin)
	api.GET("/me/sessions", s.apiSessions)
	api.DELETE("/me/sessions/:id", s.apiDeleteSession)
}

// SecurityData is the settings page's two-factor and sessions section
// (templates/partials/settings_security.html).
type SecurityData struct {
	TwoFactor bool // an authenticator app (TOTP) is on
	Passkeys  []forum.PasskeyView
	CodesLeft int // unused recovery codes (an int: the page counts it with tn)
	Sessions  []forum.SessionView
	Err       error // could not load; the section says so and the page still works
}

// currentSession is this request's session cookie secret, "" for a token.
func currentSession(c echo.Context) string {
	v, _ := c.Get(ctxSession).(string)
	return v
}

func (s *Server) securityData(c echo.Context) *SecurityData {
	ctx := c.Request().Context()
	u := viewer(c)
	d := &SecurityData{}
	if d.Sessions, d.Err = s.forum.Sessions(ctx, u, currentSession(c)); d.Err != nil {
		return d
	}
	if d.TwoFactor, d.Err = s.forum.TOTPOn(ctx, u); d.Err != nil {
		return d
	}
	if d.Passkeys, d.Err = s.forum.Passkeys(ctx, u); d.Err != nil {
		return d
	}
	if d.TwoFactor {
		var n int64
		n, d.Err = s.forum.RecoveryCodesLeft(ctx, u)
		d.CodesLeft = int(n)
	}
	return d
}

func (s *Server) signOutSession(c echo.Context) error {
	if err := s.forum.EndOwnSession(c.Request().Context(), viewer(c), c.Param("id")); err != nil {
		return err
	}
	s.setFlash(c, s.t(c, "account.settings_security.session_signed_out"))
	return c.Redirect(http.StatusSeeOther, "/settings#sessions")
}

func (s *Server) signOutOthers(c echo.Context) error {
	n, err := s.forum.EndOtherSessions(c.Request().Context(), viewer(c), currentSession(c))
	if err != nil {
		return err
	}
	s.setFlash(c, s.lang(c).N("account.settings_security.others_signed_out", int(n)))
	return c.Redirect(http.StatusSeeOther, "/settings#sessions")
}

// SessionJSON is a signed-in browser in the API. ID names it for DELETE;
// it is not the cookie.
type SessionJSON struct {
	ID         string    `json:"id"`
	Browser    string    `json:"browser"`
	Address    string    `json:"address"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	Current    bool      `json:"current"`
}

func (s *Server) apiSessions(c echo.Context) error {
	l, err := s.forum.Sessions(c.Request().Context(), viewer(c), currentSession(c))
	if err != nil {
		return err
	}
	out := make([]SessionJSON, len(l))
	for i, x := range l {
		out[i] = SessionJSON{ID: x.PublicID, Browser: x.Browser, Address: x.Addr, CreatedAt: x.CreatedAt, LastSeenAt: x.LastSeenAt, Current: x.Current}
	}
	return c.JSON(http.StatusOK, map[string]any{"sessions": out})
}

func (s *Server) apiDeleteSession(c echo.Context) error {
	if err := s.forum.EndOwnSession(c.Request().Context(), viewer(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// requireSecondFactor holds a staff member who must enrol a second factor
// (--require-2fa-for-staff, forum.MustEnrolSecondFactor) to enrolment:
// every other page redirects there, and session-based API calls are 403
// second_factor_required. API tokens pass: a token is a second secret.
func (s *Server) requireSecondFactor(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := viewer(c)
		if u == nil || c.Get(ctxAPIToken) == true || !s.forum.MustEnrolSecondFactor(u) {
			return next(c)
		}
		switch c.Request().URL.Path {
		case twoFactorPath, twoFactorPath + "/enable", "/logout":
			return next(c)
		}
		if strings.HasPrefix(c.Request().URL.Path, "/api/") {
			return apiError(http.StatusForbidden, "second_factor_required",
				"staff accounts on this forum must turn on two-factor login first: open "+s.cfg.URL+twoFactorPath)
		}
		return c.Redirect(http.StatusSeeOther, twoFactorPath)
	}
}
