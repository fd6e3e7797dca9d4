package server

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Invite links (forum/invites.go): admins make them on /admin/invites or
// through the API; /invite/{token} leads to the sign-up form with the
// token filled in.

func (s *Server) inviteRoutes(g *echo.Group) {
	g.GET("/invite/:token", s.inviteLink)
	g.GET("/admin/invites", s.adminInvites, requireLogin)
	g.POST("/admin/invites", s.adminCreateInvite, requireLogin)
	g.POST("/admin/invites/:id/revoke", s.adminRevokeInvite, requireLogin)
}

func (s *Server) apiInviteRoutes(g *echo.Group) {
	g.GET("/invites", s.apiInvites)
	g.POST("/invites", s.apiCreateInvite)
	g.DELETE("/invites/:id", s.apiRevokeInvite)
}

func (s *Server) inviteURL(token string) string {
	return s.cfg.URL + "/invite/" + url.PathEscape(token)
}

// inviteLink sends an invite link's visitor to the sign-up form with the
// token in the query, where the form carries it.
func (s *Server) inviteLink(c echo.Context) error {
	return c.Redirect(http.StatusSeeOther, "/signup?invite="+url.QueryEscape(c.Param("token")))
}

// InviteJSON is an invite in the API. URL and Token are set only in the
// answer that creates it: the token is not stored.
type InviteJSON struct {
	ID        int64      `json:"id"`
	UsesLeft  int        `json:"uses_left"`
	Used      int        `json:"used"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	CreatedBy int64      `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	URL       string     `json:"url,omitempty"`
	Token     string     `json:"token,omitempty"`
}

func inviteJSON(inv *models.Invite) InviteJSON {
	return InviteJSON{ID: inv.ID, UsesLeft: inv.UsesLeft, Used: inv.Used, ExpiresAt: inv.ExpiresAt, RevokedAt: inv.RevokedAt,
		CreatedBy: inv.CreatedBy, CreatedAt: inv.CreatedAt}
}

func apiViewer(c echo.Context) (*models.User, error) {
	u := viewer(c)
	if u == nil {
		return nil, forum.ErrUnauthorized
	}
	return u, nil
}

func (s *Server) apiInvites(c echo.Context) error {
	u, err := apiViewer(c)
	if err != nil {
		return err
	}
	invs, err := s.forum.Invites(c.Request().Context(), u)
	if err != nil {
		return err
	}
	out := make([]InviteJSON, len(invs))
	for i := range invs {
		out[i] = inviteJSON(&invs[i])
	}
	return c.JSON(http.StatusOK, map[string]any{"invites": out})
}

// apiCreateInvite takes {uses, expires_in} (seconds) and answers the link,
// shown this once.
func (s *Server) apiCreateInvite(c echo.Context) error {
	u, err := apiViewer(c)
	if err != nil {
		return err
	}
	var body struct {
		Uses      int   `json:"uses"`
		ExpiresIn int64 `json:"expires_in"`
	}
	if err := bindJSON(c, &body); err != nil {
		return err
	}
	n, err := s.forum.CreateInvite(c.Request().Context(), u, body.Uses, time.Duration(body.ExpiresIn)*time.Second)
	if err != nil {
		return err
	}
	j := inviteJSON(n.Invite)
	j.URL, j.Token = s.inviteURL(n.Token), n.Token
	return c.JSON(http.StatusCreated, j)
}

func (s *Server) apiRevokeInvite(c echo.Context) error {
	u, err := apiViewer(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return forum.ErrNotFound
	}
	if err := s.forum.RevokeInvite(c.Request().Context(), u, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// AdminInvitesData is the invites page; NewURL is a link just made.
type AdminInvitesData struct {
	Invites []models.Invite
	NewURL  string
	Now     time.Time
}

func (s *Server) adminInvites(c echo.Context) error {
	return s.renderAdminInvites(c, http.StatusOK, Form{Values: map[string]string{"uses": "1", "days": "7"}}, "")
}

func (s *Server) renderAdminInvites(c echo.Context, status int, f Form, newURL string) error {
	invs, err := s.forum.Invites(c.Request().Context(), viewer(c))
	if err != nil {
		return err
	}
	p := s.page(c, s.t(c, "staff.invites.heading"))
	p.NoIndex = true
	p.Form = f
	p.Data = AdminInvitesData{Invites: invs, NewURL: newURL, Now: s.forum.Now()}
	return s.tmpl.render(c, status, "admin_invites", p)
}

// adminCreateInvite makes a link and shows it on the page, once.
func (s *Server) adminCreateInvite(c echo.Context) error {
	if ok, err := s.forum.CanInvite(c.Request().Context(), viewer(c)); err != nil || !ok {
		if err == nil {
			err = forum.ErrForbidden
		}
		return err
	}
	uses, _ := strconv.Atoi(c.FormValue("uses"))
	days, _ := strconv.Atoi(c.FormValue("days"))
	n, err := s.forum.CreateInvite(c.Request().Context(), viewer(c), uses, time.Duration(days)*24*time.Hour)
	if err != nil {
		if ve, ok := forum.AsValidation(err); ok {
			if m, ok := ve.Fields["expires_in"]; ok {
				ve.Fields["days"] = m
				if mm, ok := ve.Msgs["expires_in"]; ok {
					ve.Msgs["days"] = mm
				}
			}
			return s.renderAdminInvites(c, http.StatusUnprocessableEntity, formFrom(c, err), "")
		}
		return err
	}
	return s.renderAdminInvites(c, http.StatusOK, Form{Values: map[string]string{"uses": "1", "days": "7"}}, s.inviteURL(n.Token))
}

func (s *Server) adminRevokeInvite(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return forum.ErrNotFound
	}
	if err := s.forum.RevokeInvite(c.Request().Context(), viewer(c), id); err != nil {
		return err
	}
	s.setFlash(c, s.t(c, "staff.invites.withdrawn_flash"))
	return c.Redirect(http.StatusSeeOther, "/admin/invites")
}
