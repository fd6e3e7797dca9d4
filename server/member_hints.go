package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// memberHintRoutes adds the form that dismisses a first-time hint
// (forum/member_hints.go). g carries authenticate and csrf: a plain POST,
// so it works without JavaScript.
func (s *Server) memberHintRoutes(g *echo.Group) {
	g.POST("/hints/dismiss", s.dismissHint, requireLogin)
}

// dismissHint closes the hint named by the form's "hint" for good and goes
// back to the page it was on ("next", through safeNext).
func (s *Server) dismissHint(c echo.Context) error {
	if err := s.forum.DismissHint(c.Request().Context(), viewer(c), c.FormValue("hint")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, safeNext(c.FormValue("next")))
}
