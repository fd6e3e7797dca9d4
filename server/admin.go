package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// AdminData is the administration page.
type AdminData struct {
	Categories []forum.CategoryNode
}

func (s *Server) adminPage(c echo.Context) error {
	return s.renderAdmin(c, http.StatusOK, Form{})
}

func (s *Server) renderAdmin(c echo.Context, status int, f Form) error {
	if !forum.CanCreateCategory(viewer(c)) {
		return forum.ErrForbidden
	}
	tree, err := s.forum.CategoryTreeFor(c.Request().Context(), viewer(c))
	if err != nil {
		return err
	}
	p := s.page(c, s.t(c, "staff.nav.admin"))
	p.NoIndex = true
	p.Form = f
	p.Data = AdminData{Categories: tree}
	return s.tmpl.render(c, status, "admin", p)
}

func (s *Server) adminCreateCategory(c echo.Context) error {
	cat, err := s.forum.CreateCategory(c.Request().Context(), viewer(c), forum.CategoryInput{
		Name: c.FormValue("name"), Slug: c.FormValue("slug"), Description: c.FormValue("description"),
		Color: c.FormValue("color"), ParentSlug: c.FormValue("parent"),
		AmbassadorsOnly:  c.FormValue("ambassadors_only") != "",
		StaffOnlyThreads: c.FormValue("staff_only_threads") != "",
	})
	if err != nil {
		if _, ok := forum.AsValidation(err); !ok {
			return err
		}
		return s.renderAdmin(c, http.StatusUnprocessableEntity, formFrom(c, err))
	}
	s.setFlash(c, s.t(c, "staff.admin.created", "Name", cat.Name))
	return c.Redirect(http.StatusSeeOther, "/c/"+cat.Slug)
}
