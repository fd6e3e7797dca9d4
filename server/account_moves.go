package server

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// Moving between fediverse servers: the settings page where a member moves
// to a new account (their followers elsewhere are sent a Move) or lists
// their old account as an alias so it can move here. The rules are in
// forum/account_moves.go.

func (s *Server) moveRoutes(g *echo.Group) {
	g.GET("/settings/move", s.movePage, requireLogin)
	g.POST("/settings/move", s.moveAccount, requireLogin)
	g.POST("/settings/aliases", s.addAlias, requireLogin)
	g.POST("/settings/aliases/remove", s.removeAlias, requireLogin)
}

// MovePageData is the moving page: the member's own actor id (what the new
// account must list), their aliases and where they moved, if they did.
type MovePageData struct {
	ActorID string
	Aliases []string
	MovedTo string
	// MovedToHref is MovedTo when it is an http(s) URL, for the link in a
	// catalog sentence (which html/template's URL filter does not see).
	MovedToHref string
}

// webHref is s when it is an absolute http or https URL, else "".
func webHref(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return s
}

func (s *Server) renderMovePage(c echo.Context, status int, form Form) error {
	u := viewer(c)
	p := s.page(c, s.t(c, "account.move.title"))
	p.NoIndex = true
	if form.Values == nil {
		form.Values = map[string]string{}
	}
	p.Form = form
	p.Data = MovePageData{ActorID: s.forum.MemberActorID(u), Aliases: u.Aliases(), MovedTo: u.MovedTo, MovedToHref: webHref(u.MovedTo)}
	return s.tmpl.render(c, status, "account_move", p)
}

func (s *Server) movePage(c echo.Context) error {
	return s.renderMovePage(c, http.StatusOK, Form{})
}

func (s *Server) moveAccount(c echo.Context) error {
	target, err := s.forum.MoveAccount(c.Request().Context(), viewer(c), c.FormValue("target"), c.FormValue("password"))
	if err != nil {
		if _, ok := forum.AsValidation(err); ok {
			return s.renderMovePage(c, http.StatusUnprocessableEntity, formFrom(c, err))
		}
		return err
	}
	s.setFlash(c, s.t(c, "account.move.done", "Target", target))
	return c.Redirect(http.StatusSeeOther, "/settings/move")
}

func (s *Server) addAlias(c echo.Context) error {
	if err := s.forum.AddAccountAlias(c.Request().Context(), viewer(c), c.FormValue("alias"), c.FormValue("password")); err != nil {
		if _, ok := forum.AsValidation(err); ok {
			return s.renderMovePage(c, http.StatusUnprocessableEntity, formFrom(c, err))
		}
		return err
	}
	s.setFlash(c, s.t(c, "account.move.alias_added"))
	return c.Redirect(http.StatusSeeOther, "/settings/move")
}

func (s *Server) removeAlias(c echo.Context) error {
	if err := s.forum.RemoveAccountAlias(c.Request().Context(), viewer(c), c.FormValue("alias")); err != nil {
		return err
	}
	s.setFlash(c, s.t(c, "account.move.alias_removed"))
	return c.Redirect(http.StatusSeeOther, "/settings/move")
}
