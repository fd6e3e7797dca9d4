package server

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// The administrators' web forms for instance blocks (/admin/instances) and
// members' roles (/admin/users). The JSON API at /api/v1/admin/… does the
// same through the same forum functions, which check who may.

func (s *Server) adminFormRoutes(g *echo.Group) {
	g.GET("/admin/instances", s.adminInstances, requireLogin)
	g.POST("/admin/instances", s.adminBlockInstance, requireLogin)
	g.POST("/admin/instances/:domain/unblock", s.adminUnblockInstance, requireLogin)
	g.GET("/admin/users", s.adminUsers, requireLogin)
	g.POST("/admin/users/role", s.adminSetRole, requireLogin)
}

// AdminInstancesData is the instance blocks page.
type AdminInstancesData struct {
	Blocks []models.InstanceBlock
}

func (s *Server) adminInstances(c echo.Context) error {
	return s.renderAdminInstances(c, http.StatusOK, Form{})
}

func (s *Server) renderAdminInstances(c echo.Context, status int, f Form) error {
	bs, err := s.forum.InstanceBlocks(c.Request().Context(), viewer(c))
	if err != nil {
		return err
	}
	p := s.page(c, s.t(c, "staff.nav.instance_blocks"))
	p.NoIndex = true
	p.Form = f
	p.Data = AdminInstancesData{Blocks: bs}
	return s.tmpl.render(c, status, "admin_instances", p)
}

func (s *Server) adminBlockInstance(c echo.Context) error {
	b, err := s.forum.BlockInstance(c.Request().Context(), viewer(c), c.FormValue("domain"), c.FormValue("severity"), c.FormValue("reason"))
	if err != nil {
		if _, ok := forum.AsValidation(err); !ok {
			return err
		}
		return s.renderAdminInstances(c, http.StatusUnprocessableEntity, formFrom(c, err))
	}
	if b.Severity == models.BlockSilence {
		s.setFlash(c, s.t(c, "staff.instances.now_silenced", "Domain", b.Domain))
	} else {
		s.setFlash(c, s.t(c, "staff.instances.now_suspended", "Domain", b.Domain))
	}
	return c.Redirect(http.StatusSeeOther, "/admin/instances")
}

func (s *Server) adminUnblockInstance(c echo.Context) error {
	domain := c.Param("domain")
	if err := s.forum.UnblockInstance(c.Request().Context(), viewer(c), domain, c.FormValue("reason")); err != nil {
		return err
	}
	s.setFlash(c, s.t(c, "staff.instances.unblocked", "Domain", domain))
	return c.Redirect(http.StatusSeeOther, "/admin/instances")
}

// AdminUsersData is the roles page: the categories a role may be limited
// to, which of them were picked, and the local staff as they stand.
type AdminUsersData struct {
	Roles      []string
	Categories []models.Category
	Picked     map[string]bool
	Staff      []forum.StaffMember
}

func (s *Server) adminUsers(c echo.Context) error {
	return s.renderAdminUsers(c, http.StatusOK, Form{}, nil)
}

func (s *Server) renderAdminUsers(c echo.Context, status int, f Form, picked []string) error {
	if !forum.CanAdminister(viewer(c)) {
		return forum.ErrForbidden
	}
	ctx := c.Request().Context()
	cats, err := s.forum.Categories(ctx)
	if err != nil {
		return err
	}
	staff, err := s.forum.LocalStaff(ctx, viewer(c))
	if err != nil {
		return err
	}
	d := AdminUsersData{
		Roles:      []string{models.RoleMember, models.RoleAmbassador, models.RoleModerator, models.RoleAdmin},
		Categories: cats, Picked: map[string]bool{}, Staff: staff,
	}
	for _, p := range picked {
		d.Picked[p] = true
	}
	p := s.page(c, s.t(c, "staff.nav.roles"))
	p.NoIndex = true
	p.Form = f
	p.Data = d
	return s.tmpl.render(c, status, "admin_users", p)
}

// roleCategories reads the categories from the multi-select and from the
// comma-separated text field alike.
func roleCategories(form url.Values) []string {
	var out []string
	for _, v := range form["categories"] {
		for _, slug := range strings.Split(v, ",") {
			if slug = strings.TrimSpace(slug); slug != "" {
				out = append(out, slug)
			}
		}
	}
	return out
}

func (s *Server) adminSetRole(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	cats := roleCategories(form)
	u, err := s.forum.SetRole(c.Request().Context(), viewer(c), c.FormValue("username"), c.FormValue("role"), cats)
	if err != nil {
		notFound := errors.Is(err, forum.ErrNotFound)
		if _, ok := forum.AsValidation(err); !ok && !notFound {
			return err
		}
		f := formFrom(c, err)
		if notFound {
			f.Errors = map[string]string{"username": s.t(c, "staff.roles.no_such_member")}
			f.Error = ""
		}
		return s.renderAdminUsers(c, http.StatusUnprocessableEntity, f, cats)
	}
	if role := roleName(s.lang(c), u.Role); len(cats) > 0 {
		s.setFlash(c, s.t(c, "staff.roles.now_in", "Name", u.Username, "Role", role, "Categories", strings.Join(cats, ", ")))
	} else {
		s.setFlash(c, s.t(c, "staff.roles.now", "Name", u.Username, "Role", role))
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users")
}
