package server

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// Password pages: change it on /settings, and the forgot-password flow
// (/password/forgot mails a link to /password/reset/{token}). After a
// reset the member is sent to /login with a notice rather than logged in,
// so a second factor, when they have one, is still asked.
func (s *Server) passwordRoutes(g *echo.Group) {
	g.POST("/settings/password", s.changePassword, requireLogin)
	g.GET("/password/forgot", s.forgotPasswordForm)
	g.POST("/password/forgot", s.forgotPassword)
	g.GET("/password/reset/:token", s.resetPasswordForm)
	g.POST("/password/reset/:token", s.resetPassword)
}

// resetSentMessage is the one answer to a reset request, whether or not
// an account matched.
const resetSentMessage = "If an account matches, we sent a link to its email address. It works once, for one hour."

func (s *Server) changePassword(c echo.Context) error {
	in := forum.ChangePasswordInput{
		Current: c.FormValue("current_password"), New: c.FormValue("new_password"), Confirm: c.FormValue("confirm_password"),
		RevokeTokens: c.FormValue("revoke_tokens") != "",
	}
	if ck, err := c.Cookie(sessionCookie); err == nil {
		in.KeepSession = ck.Value
	}
	if err := s.forum.ChangePassword(c.Request().Context(), viewer(c), in); err != nil {
		return s.settingsError(c, err)
	}
	msg := s.t(c, "account.settings_password.changed")
	if in.RevokeTokens {
		msg = s.t(c, "account.settings_password.changed_tokens")
	}
	s.setFlash(c, msg)
	return c.Redirect(http.StatusSeeOther, "/settings")
}

// ForgotData is the forgot-password page; Sent shows the one answer.
type ForgotData struct{ Sent bool }

func (s *Server) forgotPasswordForm(c echo.Context) error {
	p := s.page(c, s.t(c, "account.password_forgot.title"))
	p.NoIndex = true
	p.Form = Form{Values: map[string]string{"login": c.QueryParam("login")}}
	p.Data = ForgotData{}
	return s.tmpl.render(c, http.StatusOK, "password_forgot", p)
}

func (s *Server) forgotPassword(c echo.Context) error {
	err := s.forum.RequestPasswordReset(c.Request().Context(), c.FormValue("login"), clientIP(c))
	p := s.page(c, s.t(c, "account.password_forgot.title"))
	p.NoIndex = true
	p.Data = ForgotData{}
	if err != nil {
		status := http.StatusUnprocessableEntity
		var rl *forum.RateLimitError
		if errors.As(err, &rl) {
			status = http.StatusTooManyRequests
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(rl.RetryAfter/time.Second)))
		} else if _, ok := forum.AsValidation(err); !ok {
			return err
		}
		p.Form = formFrom(c, err)
		return s.tmpl.render(c, status, "password_forgot", p)
	}
	p.Form = Form{Values: map[string]string{}}
	p.Data = ForgotData{Sent: true}
	return s.tmpl.render(c, http.StatusOK, "password_forgot", p)
}

// ResetData is the reset page: Invalid when the link does not work.
type ResetData struct {
	Token   string
	Invalid bool
}

func (s *Server) resetPage(c echo.Context, status int, form Form, invalid bool) error {
	p := s.page(c, s.t(c, "account.password_reset.title"))
	p.NoIndex = true
	p.Form = form
	p.Data = ResetData{Token: c.Param("token"), Invalid: invalid}
	// The token is a credential: keep it out of Referer headers.
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	return s.tmpl.render(c, status, "password_reset", p)
}

func (s *Server) resetPasswordForm(c echo.Context) error {
	err := s.forum.CheckPasswordReset(c.Request().Context(), c.Param("token"))
	if errors.Is(err, forum.ErrResetLinkInvalid) {
		return s.resetPage(c, http.StatusGone, Form{}, true)
	} else if err != nil {
		return err
	}
	return s.resetPage(c, http.StatusOK, Form{}, false)
}

func (s *Server) resetPassword(c echo.Context) error {
	u, err := s.forum.ResetPassword(c.Request().Context(), c.Param("token"), c.FormValue("password"), c.FormValue("confirm_password"))
	switch {
	case errors.Is(err, forum.ErrResetLinkInvalid):
		return s.resetPage(c, http.StatusGone, Form{}, true)
	case err != nil:
		if _, ok := forum.AsValidation(err); !ok {
			return err
		}
		return s.resetPage(c, http.StatusUnprocessableEntity, formFrom(c, err), false)
	}
	// Every session of the member was signed out, this browser's too if
	// it had one.
	if v := viewer(c); v != nil && v.ID == u.ID {
		s.clearCookie(c, sessionCookie)
		s.rotateCSRF(c)
	}
	s.setFlash(c, s.t(c, "account.password_reset.done"))
	return c.Redirect(http.StatusSeeOther, "/login")
}

// apiPasswordInput is PUT /api/v1/me/password.
type apiPasswordInput struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
	RevokeTokens    bool   `json:"revoke_tokens"`
}

// apiChangePassword changes the caller's password. Every browser session
// is signed out; with revoke_tokens, every API token too, this one
// included. 204 on success.
func (s *Server) apiChangePassword(c echo.Context) error {
	u := viewer(c)
	if u == nil {
		return forum.ErrUnauthorized
	}
	var in apiPasswordInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	err := s.forum.ChangePassword(c.Request().Context(), u, forum.ChangePasswordInput{
		Current: in.CurrentPassword, New: in.NewPassword, Confirm: in.NewPassword, RevokeTokens: in.RevokeTokens,
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
