package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// The ambassador programme's pages: candidates and appointments for
// administrators, the activity report for staff, and the title/tags edit
// form ambassadors use on thread pages.

func (s *Server) ambassadorRoutes(g *echo.Group) {
	g.GET("/mod/ambassadors", s.ambassadorsPage, requireLogin)
	g.POST("/mod/ambassadors", s.appointAmbassador, requireLogin)
	g.POST("/t/:id/meta", s.editThreadMeta, requireLogin)
}

// AmbassadorsData is the /mod/ambassadors page.
type AmbassadorsData struct {
	Candidates []forum.Candidate // nil unless the viewer administers
	Activity   []forum.AmbassadorActivity
	From, To   string // the report's period, as YYYY-MM-DD (To exclusive)
	Categories map[int64]string
}

func (s *Server) ambassadorsPage(c echo.Context) error {
	return s.renderAmbassadors(c, http.StatusOK, Form{})
}

func (s *Server) renderAmbassadors(c echo.Context, status int, f Form) error {
	ctx, v := c.Request().Context(), viewer(c)
	d := AmbassadorsData{Categories: map[int64]string{}}
	to := s.forum.Now().Truncate(24*time.Hour).AddDate(0, 0, 1)
	from := to.AddDate(0, 0, -7)
	if t, err := time.Parse("2006-01-02", c.QueryParam("from")); err == nil {
		from = t
	}
	if t, err := time.Parse("2006-01-02", c.QueryParam("to")); err == nil {
		to = t
	}
	d.From, d.To = from.Format("2006-01-02"), to.Format("2006-01-02")
	var err error
	if d.Activity, err = s.forum.AmbassadorReport(ctx, v, from, to); err != nil {
		return err
	}
	if forum.CanManageAmbassadors(v) {
		if d.Candidates, err = s.forum.AmbassadorCandidates(ctx, v, 0, 50); err != nil {
			return err
		}
	}
	cats, err := s.forum.Categories(ctx)
	if err != nil {
		return err
	}
	for _, cat := range cats {
		d.Categories[cat.ID] = cat.Slug
	}
	p := s.page(c, s.t(c, "staff.ambassadors.title"))
	p.NoIndex = true
	p.Form = f
	p.Data = d
	return s.tmpl.render(c, status, "mod_ambassadors", p)
}

// appointAmbassador makes a member an ambassador, optionally for
// categories (comma or space separated slugs).
func (s *Server) appointAmbassador(c echo.Context) error {
	cats := strings.FieldsFunc(c.FormValue("categories"), func(r rune) bool { return r == ',' || r == ' ' })
	role := models.RoleAmbassador
	if c.FormValue("op") == "revoke" {
		role, cats = models.RoleMember, nil
	}
	u, err := s.forum.SetRole(c.Request().Context(), viewer(c), c.FormValue("username"), role, cats)
	if err != nil {
		if _, ok := forum.AsValidation(err); ok {
			return s.renderAmbassadors(c, http.StatusUnprocessableEntity, formFrom(c, err))
		}
		if errors.Is(err, forum.ErrNotFound) {
			// A mistyped name is a form mistake, not a missing page.
			return s.renderAmbassadors(c, http.StatusUnprocessableEntity, formFrom(c,
				forum.Invalid("username", "errors.server.no_such_member")))
		}
		return err
	}
	s.setFlash(c, s.t(c, "staff.roles.now", "Name", u.Username, "Role", roleName(s.lang(c), u.Role)))
	return c.Redirect(http.StatusSeeOther, "/mod/ambassadors")
}

func (s *Server) editThreadMeta(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	t, err := s.forum.EditThreadMeta(c.Request().Context(), viewer(c), id, c.FormValue("title"), []string{c.FormValue("tags")})
	if err != nil {
		if ve, ok := forum.AsValidation(err); ok {
			for _, msg := range fieldErrors(c, ve) {
				s.setFlash(c, s.t(c, "staff.ambassadors.not_saved", "Error", msg))
			}
			return c.Redirect(http.StatusSeeOther, "/t/"+strconv.FormatInt(id, 10))
		}
		return err
	}
	s.setFlash(c, s.t(c, "staff.ambassadors.meta_saved"))
	return c.Redirect(http.StatusSeeOther, threadURL(t))
}

func (s *Server) apiEditThreadMeta(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Title string   `json:"title"`
		Tags  []string `json:"tags"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	t, err := s.forum.EditThreadMeta(c.Request().Context(), viewer(c), id, in.Title, in.Tags)
	if err != nil {
		return err
	}
	cat, err := s.forum.Store().CategoryByID(c.Request().Context(), t.CategoryID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.threadJSON(t, cat, nil, nil))
}
