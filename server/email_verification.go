package server

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// Email verification pages: the link mailed at sign-up or after a change
// of address (/email/verify/{token}: following it verifies, since it only
// proves the mail arrived), "Send again" from the banner, and the change of
// address on /settings.
func (s *Server) emailVerificationRoutes(g *echo.Group) {
	g.POST("/email/verify/resend", s.resendVerification, requireLogin)
	g.GET("/email/verify/:token", s.verifyEmail)
	g.POST("/settings/address", s.changeEmail, requireLogin)
}

// VerifyData is the page a verification link opens.
type VerifyData struct {
	OK      bool
	Email   string
	Problem string // why a valid-looking link could not be applied
}

func (s *Server) verifyEmail(c echo.Context) error {
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	u, err := s.forum.VerifyEmail(c.Request().Context(), c.Param("token"))
	p := s.page(c, s.t(c, "account.email_verify.title"))
	p.NoIndex = true
	status := http.StatusOK
	switch ve, isVE := forum.AsValidation(err); {
	case err == nil:
		p.Data = VerifyData{OK: true, Email: u.Email}
		if v := viewer(c); v != nil && v.ID == u.ID {
			p.Viewer, p.VerifyEmail = u, false
		}
	case errors.Is(err, forum.ErrVerifyLinkInvalid):
		status = http.StatusGone
		p.Data = VerifyData{}
	case isVE:
		status = http.StatusConflict
		p.Data = VerifyData{Problem: fieldErrors(c, ve)["email"]}
	default:
		return err
	}
	return s.tmpl.render(c, status, "email_verify", p)
}

func (s *Server) resendVerification(c echo.Context) error {
	u := viewer(c)
	if err := s.forum.ResendVerification(c.Request().Context(), u); err != nil {
		if _, ok := forum.AsValidation(err); ok {
			s.setFlash(c, s.t(c, "account.email_verify.already"))
			return c.Redirect(http.StatusSeeOther, "/settings")
		}
		return err
	}
	addr := u.PendingEmail
	if addr == "" {
		addr = u.Email
	}
	s.setFlash(c, s.t(c, "account.email_verify.resent", "Email", addr))
	return c.Redirect(http.StatusSeeOther, "/settings")
}

func (s *Server) changeEmail(c echo.Context) error {
	err := s.forum.ChangeEmail(c.Request().Context(), viewer(c), c.FormValue("new_email"), c.FormValue("password"))
	if err != nil {
		return s.settingsError(c, err)
	}
	s.setFlash(c, s.t(c, "account.email_verify.change_sent", "New", viewer(c).PendingEmail, "Current", viewer(c).Email))
	return c.Redirect(http.StatusSeeOther, "/settings")
}
