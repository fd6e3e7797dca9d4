package server

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// mailRoutes adds the mail settings form and the unsubscribe pages. The
// one-click POST is on the root router, outside the CSRF check: RFC 8058
// has mail clients POST it with no cookie and no form token, so the signed
// token in the URL is the only authority, and all it can do is turn mail
// off.
func (s *Server) mailRoutes(e *echo.Echo, g *echo.Group) {
	g.POST("/settings/email", s.saveMailSettings, requireLogin)
	g.GET("/api/v1/settings/email", s.apiMailSettings)
	g.PUT("/api/v1/settings/email", s.apiSaveMailSettings)
	g.GET("/unsubscribe/:token", s.unsubscribeForm)
	e.POST("/unsubscribe/:token", s.unsubscribe)
}

// mailSetting is the viewer's opt-ins for the settings page; nil when they
// cannot be read (the page then leaves the section out).
func (s *Server) mailSetting(c echo.Context) *models.MailSetting {
	m, err := s.forum.MailSettings(c.Request().Context(), viewer(c))
	if err != nil {
		return nil
	}
	return m
}

func (s *Server) saveMailSettings(c echo.Context) error {
	err := s.forum.SaveMailSettings(c.Request().Context(), viewer(c),
		c.FormValue("email_notifications") != "", c.FormValue("email_digest") != "")
	if err != nil {
		return err
	}
	s.setFlash(c, "Email settings saved.")
	return c.Redirect(http.StatusSeeOther, "/settings#email-settings")
}

// MailSettingsJSON is a member's mail opt-ins.
type MailSettingsJSON struct {
	EmailNotifications bool `json:"email_notifications"`
	EmailDigest        bool `json:"email_digest"`
}

func (s *Server) apiMailSettings(c echo.Context) error {
	m, err := s.forum.MailSettings(c.Request().Context(), viewer(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, MailSettingsJSON{EmailNotifications: m.EmailNotifications, EmailDigest: m.EmailDigest})
}

func (s *Server) apiSaveMailSettings(c echo.Context) error {
	var in MailSettingsJSON
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if err := s.forum.SaveMailSettings(c.Request().Context(), viewer(c), in.EmailNotifications, in.EmailDigest); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, in)
}

// UnsubscribeData is the unsubscribe page.
type UnsubscribeData struct {
	Token string
	What  string
	Done  bool
	Error string
}

// unsubscribeForm confirms before changing anything: link scanners in mail
// systems follow GET links, and must not unsubscribe anyone.
func (s *Server) unsubscribeForm(c echo.Context) error {
	u, err := s.forum.CheckUnsubscribe(c.Request().Context(), c.Param("token"))
	return s.unsubscribePage(c, c.Param("token"), u, err, false)
}

// unsubscribe is the one-click POST, from the confirmation page or straight
// from a mail client; sending it again changes nothing more.
func (s *Server) unsubscribe(c echo.Context) error {
	u, err := s.forum.Unsubscribe(c.Request().Context(), c.Param("token"))
	return s.unsubscribePage(c, c.Param("token"), u, err, true)
}

func (s *Server) unsubscribePage(c echo.Context, token string, u *forum.Unsubscription, err error, done bool) error {
	p := s.page(c, "Unsubscribe")
	p.NoIndex = true
	status := http.StatusOK
	d := UnsubscribeData{Token: token, Done: done}
	switch {
	case errors.Is(err, forum.ErrBadUnsubscribe), errors.Is(err, forum.ErrNotFound):
		status, d.Error, d.Done = http.StatusBadRequest, errorText(c, forum.ErrBadUnsubscribe), false
	case err != nil:
		return err
	default:
		d.What = u.What()
	}
	p.Data = d
	return s.tmpl.render(c, status, "unsubscribe", p)
}
