package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// Passkeys (WebAuthn) as a second factor. Each ceremony is a form that
// works as one: static/passkeys.js asks the begin route for options (JSON),
// runs navigator.credentials, puts the answer in the form's hidden fields
// and submits it to the finish route, which answers like any form (a
// redirect, or the page again with what was wrong). Without JavaScript
// the page says passkeys need it and TOTP does not.
func (s *Server) passkeyRoutes(g *echo.Group) {
	g.POST("/settings/passkeys/begin", s.beginPasskeyRegistration, requireLogin)
	g.POST("/settings/passkeys", s.addPasskey, requireLogin)
	g.POST("/settings/passkeys/:id/remove", s.removePasskey, requireLogin)
	g.POST("/login/2fa/passkey/begin", s.beginPasskeyLogin)
	g.POST("/login/2fa/passkey", s.passkeyLogin)
	g.POST("/login/passkey/begin", s.beginPasskeySignIn)
	g.POST("/login/passkey", s.passkeySignIn)
}

// passkeyBegun answers a begin route: the options, or what was wrong.
func passkeyBegun(c echo.Context, ch *forum.PasskeyChallenge, err error) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	if err != nil {
		if errors.Is(err, forum.ErrLoginExpired) {
			return c.JSON(http.StatusGone, map[string]string{"error": errorText(c, err)})
		}
		if v, ok := forum.AsValidation(err); ok {
			for _, msg := range fieldErrors(c, v) {
				return c.JSON(http.StatusUnprocessableEntity, map[string]string{"error": msg})
			}
		}
		return err
	}
	return c.JSON(http.StatusOK, ch)
}

func (s *Server) beginPasskeyRegistration(c echo.Context) error {
	ch, err := s.forum.BeginPasskeyRegistration(c.Request().Context(), viewer(c))
	return passkeyBegun(c, ch, err)
}

func (s *Server) addPasskey(c echo.Context) error {
	err := s.forum.FinishPasskeyRegistration(c.Request().Context(), viewer(c), c.FormValue("token"),
		c.FormValue("name"), []byte(c.FormValue("credential")))
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return s.securityErrorKeeping(c, err, map[string]string{"passkey_name": c.FormValue("name")})
	}
	s.setFlash(c, s.t(c, "account.settings_security.passkey_added_flash"))
	return c.Redirect(http.StatusSeeOther, "/settings#passkeys")
}

func (s *Server) removePasskey(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return forum.ErrNotFound
	}
	if err := s.forum.RemovePasskey(c.Request().Context(), viewer(c), id, c.FormValue("password"), clientIP(c)); err != nil {
		return s.securityError(c, err)
	}
	s.setFlash(c, s.t(c, "account.settings_security.passkey_removed"))
	return c.Redirect(http.StatusSeeOther, "/settings#passkeys")
}

func pendingToken(c echo.Context) string {
	if ck, err := c.Cookie(pendingLoginCookie); err == nil {
		return ck.Value
	}
	return ""
}

func (s *Server) beginPasskeyLogin(c echo.Context) error {
	ch, err := s.forum.BeginPasskeyLogin(c.Request().Context(), pendingToken(c))
	return passkeyBegun(c, ch, err)
}

func (s *Server) passkeyLogin(c echo.Context) error {
	in := forum.LoginInput{Addr: clientIP(c)}
	if ck, err := c.Cookie(deviceCookie); err == nil {
		in.Device = ck.Value
	}
	r, err := s.forum.CompletePasskeyLogin(c.Request().Context(), pendingToken(c), c.FormValue("token"),
		[]byte(c.FormValue("credential")), in)
	return s.finishSecondStep(c, r, err)
}

func (s *Server) beginPasskeySignIn(c echo.Context) error {
	ch, err := s.forum.BeginPasskeySignIn(c.Request().Context())
	return passkeyBegun(c, ch, err)
}

// passkeySignIn is a password-free login: it ends like a password login
// for an account without a second factor.
func (s *Server) passkeySignIn(c echo.Context) error {
	in := forum.LoginInput{Addr: clientIP(c)}
	if ck, err := c.Cookie(deviceCookie); err == nil {
		in.Device = ck.Value
	}
	r, err := s.forum.PasskeySignIn(c.Request().Context(), c.FormValue("token"), []byte(c.FormValue("credential")), in)
	return s.finishLogin(c, r, err)
}
