package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Category administration: edit, reorder and delete (moving the threads),
// as forms on /admin for browsers without JavaScript.

func (s *Server) categoryAdminRoutes(g *echo.Group) {
	g.GET("/admin/categories/:slug", s.adminCategoryPage, requireLogin)
	g.POST("/admin/categories/:slug", s.adminEditCategory, requireLogin)
	g.POST("/admin/categories/:slug/move", s.adminMoveCategory, requireLogin)
	g.POST("/admin/categories/:slug/delete", s.adminDeleteCategory, requireLogin)
}

// AdminCategoryData is one category's administration page: the edit form
// and the delete-with-move form.
type AdminCategoryData struct {
	Category *models.Category
	// Parent is the category's parent's slug, "" when top-level.
	Parent string
	// Parents are the categories it may move under (top-level, not itself).
	Parents []models.Category
	// Targets are the categories its threads may move to on delete.
	Targets []models.Category
	// DeleteForm holds the delete form's value and error apart from the
	// edit form's.
	DeleteForm Form
}

func (s *Server) adminCategoryPage(c echo.Context) error {
	return s.renderAdminCategory(c, http.StatusOK, Form{}, Form{})
}

func (s *Server) renderAdminCategory(c echo.Context, status int, edit, del Form) error {
	if err := adminOnly(c); err != nil {
		return err
	}
	ctx := c.Request().Context()
	cat, err := s.forum.CategoryBySlugFor(ctx, viewer(c), c.Param("slug"))
	if err != nil {
		return err
	}
	all, err := s.forum.Categories(ctx)
	if err != nil {
		return err
	}
	d := AdminCategoryData{Category: cat, DeleteForm: del}
	for _, o := range all {
		if cat.ParentID != nil && o.ID == *cat.ParentID {
			d.Parent = o.Slug
		}
		if o.ID == cat.ID {
			continue
		}
		if o.ParentID == nil {
			d.Parents = append(d.Parents, o)
		}
		if o.ParentID == nil || *o.ParentID != cat.ID {
			d.Targets = append(d.Targets, o)
		}
	}
	if edit.Values == nil {
		edit.Values = map[string]string{
			"name": cat.Name, "slug": cat.Slug, "description": cat.Description, "color": cat.Color,
			"parent": d.Parent, "position": strconv.Itoa(cat.Position),
		}
		if cat.AmbassadorsOnly {
			edit.Values["ambassadors_only"] = "1"
		}
		if cat.StaffOnlyThreads {
			edit.Values["staff_only_threads"] = "1"
		}
	}
	p := s.page(c, s.t(c, "staff.category.edit_heading", "Name", cat.Name))
	p.NoIndex = true
	p.Form = edit
	p.Data = d
	return s.tmpl.render(c, status, "admin_category", p)
}

// adminOnly answers 403 before a form is read for anyone but admins.
func adminOnly(c echo.Context) error {
	if !forum.CanCreateCategory(viewer(c)) {
		return forum.ErrForbidden
	}
	return nil
}

func (s *Server) adminEditCategory(c echo.Context) error {
	edit := forum.CategoryEdit{
		Name: formPtr(c, "name"), Slug: formPtr(c, "slug"), Description: formPtr(c, "description"),
		Color: formPtr(c, "color"), Parent: formPtr(c, "parent"),
	}
	// Unticked boxes are not sent: the form always means "off" then.
	priv, staff := c.FormValue("ambassadors_only") != "", c.FormValue("staff_only_threads") != ""
	edit.AmbassadorsOnly, edit.StaffOnlyThreads = &priv, &staff
	if raw := strings.TrimSpace(c.FormValue("position")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			return s.renderAdminCategory(c, http.StatusUnprocessableEntity,
				formFrom(c, forum.Invalid("position", "errors.server.whole_number")), Form{})
		}
		edit.Position = &n
	}
	cat, err := s.forum.UpdateCategory(c.Request().Context(), viewer(c), c.Param("slug"), edit)
	if err != nil {
		if _, ok := forum.AsValidation(err); !ok {
			return err
		}
		return s.renderAdminCategory(c, http.StatusUnprocessableEntity, formFrom(c, err), Form{})
	}
	s.setFlash(c, s.t(c, "staff.category.saved", "Name", cat.Name))
	return c.Redirect(http.StatusSeeOther, "/admin/categories/"+url.PathEscape(cat.Slug))
}

// formPtr is a form field for a CategoryEdit: every field of the edit form
// is sent, so an absent one (a hand-made request) changes nothing.
func formPtr(c echo.Context, name string) *string {
	params, err := c.FormParams()
	if err != nil {
		return nil
	}
	if _, ok := params[name]; !ok {
		return nil
	}
	v := params.Get(name)
	return &v
}

func (s *Server) adminMoveCategory(c echo.Context) error {
	delta := 1
	if c.FormValue("direction") == "up" {
		delta = -1
	}
	if err := s.forum.MoveCategory(c.Request().Context(), viewer(c), c.Param("slug"), delta); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin#existing-categories")
}

func (s *Server) adminDeleteCategory(c echo.Context) error {
	if err := adminOnly(c); err != nil {
		return err
	}
	to, n, err := s.forum.DeleteCategory(c.Request().Context(), viewer(c), c.Param("slug"), c.FormValue("move_to"))
	if err != nil {
		if _, ok := forum.AsValidation(err); !ok {
			return err
		}
		return s.renderAdminCategory(c, http.StatusUnprocessableEntity, Form{}, formFrom(c, err))
	}
	s.setFlash(c, s.lang(c).N("staff.category.deleted", n, "To", to.Name))
	return c.Redirect(http.StatusSeeOther, "/admin")
}

// oldCategorySlug sends reads of a renamed (or deleted) category's old
// slug to where it lives now, with 301 Moved Permanently, for pages and
// the API alike. It only looks when the handler found nothing, so current
// slugs cost nothing extra.
func (s *Server) oldCategorySlug(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		m := c.Request().Method
		if err == nil || !errors.Is(err, forum.ErrNotFound) || (m != http.MethodGet && m != http.MethodHead) {
			return err
		}
		cat, moved, rerr := s.forum.ResolveCategorySlug(c.Request().Context(), viewer(c), c.Param("slug"))
		if rerr != nil || !moved {
			return err
		}
		// The route's pattern with the current slug is the new address.
		target := strings.Replace(c.Path(), ":slug", url.PathEscape(cat.Slug), 1)
		if q := c.Request().URL.RawQuery; q != "" {
			target += "?" + q
		}
		return c.Redirect(http.StatusMovedPermanently, safeNext(target))
	}
}
