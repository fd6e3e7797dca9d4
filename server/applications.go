package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Sign-up applications (forum/applications.go): ambassadors and staff
// approve or reject accounts made while sign-ups need approval.

func (s *Server) applicationRoutes(g *echo.Group) {
	g.GET("/mod/applications", s.modApplications, requireLogin)
	g.POST("/mod/applications/:id/approve", s.modDecideApplication(true), requireLogin)
	g.POST("/mod/applications/:id/reject", s.modDecideApplication(false), requireLogin)
}

func (s *Server) apiApplicationRoutes(g *echo.Group) {
	g.GET("/mod/applications", s.apiApplications)
	g.POST("/mod/applications/:id/approve", s.apiDecideApplication(true))
	g.POST("/mod/applications/:id/reject", s.apiDecideApplication(false))
}

func (s *Server) modApplications(c echo.Context) error {
	apps, err := s.forum.Applications(c.Request().Context(), viewer(c))
	if err != nil {
		return err
	}
	p := s.page(c, s.t(c, "staff.applications.title"))
	p.NoIndex = true
	p.Data = apps
	return s.tmpl.render(c, http.StatusOK, "mod_applications", p)
}

func (s *Server) decide(c echo.Context, approve bool) error {
	u := viewer(c)
	if u == nil {
		return forum.ErrUnauthorized
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return forum.ErrNotFound
	}
	if approve {
		return s.forum.ApproveApplication(c.Request().Context(), u, id)
	}
	return s.forum.RejectApplication(c.Request().Context(), u, id)
}

func (s *Server) modDecideApplication(approve bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := s.decide(c, approve); err != nil {
			return err
		}
		if approve {
			s.setFlash(c, s.t(c, "staff.applications.approved"))
		} else {
			s.setFlash(c, s.t(c, "staff.applications.rejected"))
		}
		return c.Redirect(http.StatusSeeOther, "/mod/applications")
	}
}

// ApplicationJSON is a waiting account in the API.
type ApplicationJSON struct {
	ID          int64     `json:"id"`
	Username    string    `json:"username"`
	Application string    `json:"application"`
	CreatedAt   time.Time `json:"created_at"`
}

func (s *Server) apiApplications(c echo.Context) error {
	u, err := apiViewer(c)
	if err != nil {
		return err
	}
	apps, err := s.forum.Applications(c.Request().Context(), u)
	if err != nil {
		return err
	}
	out := make([]ApplicationJSON, len(apps))
	for i, a := range apps {
		out[i] = applicationJSON(&a)
	}
	return c.JSON(http.StatusOK, map[string]any{"applications": out})
}

func applicationJSON(u *models.User) ApplicationJSON {
	return ApplicationJSON{ID: u.ID, Username: u.Username, Application: u.Application, CreatedAt: u.CreatedAt}
}

func (s *Server) apiDecideApplication(approve bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := s.decide(c, approve); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}
