package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// CategoryJSON is a category as the API shows it.
type CategoryJSON struct {
	ID          int64  `json:"id"`
	Slug        string `json:"slug"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Color       string `json:"color"`
	Parent      string `json:"parent,omitempty"`
	Position    int    `json:"position"`
	// StaffOnlyThreads: only staff start threads here.
	StaffOnlyThreads bool      `json:"staff_only_threads"`
	ThreadCount      int       `json:"thread_count"`
	PostCount        int       `json:"post_count"`
	URL              string    `json:"url"`
	CreatedAt        time.Time `json:"created_at"`
}

func (s *Server) categoryJSON(c *models.Category, parents map[int64]string) CategoryJSON {
	j := CategoryJSON{ID: c.ID, Slug: c.Slug, Name: c.Name, Description: c.Description, Color: c.Color,
		Position: c.Position, StaffOnlyThreads: c.StaffOnlyThreads, ThreadCount: c.ThreadCount, PostCount: c.PostCount, URL: s.cfg.URL + "/c/" + c.Slug, CreatedAt: c.CreatedAt}
	if c.ParentID != nil {
		j.Parent = parents[*c.ParentID]
	}
	return j
}

func (s *Server) apiCategories(c echo.Context) error {
	cats, err := s.forum.CategoriesFor(c.Request().Context(), viewer(c))
	if err != nil {
		return err
	}
	slugs := map[int64]string{}
	for _, cat := range cats {
		slugs[cat.ID] = cat.Slug
	}
	out := make([]CategoryJSON, len(cats))
	for i := range cats {
		out[i] = s.categoryJSON(&cats[i], slugs)
	}
	return c.JSON(http.StatusOK, map[string]any{"categories": out})
}

func (s *Server) apiCreateCategory(c echo.Context) error {
	var in struct {
		Name        string `json:"name"`
		Slug        string `json:"slug"`
		Description string `json:"description"`
		Color       string `json:"color"`
		Parent      string `json:"parent"`
		// AmbassadorsOnly makes the ambassadors' private category.
		AmbassadorsOnly bool `json:"ambassadors_only"`
		// StaffOnlyThreads lets only staff start threads there.
		StaffOnlyThreads bool `json:"staff_only_threads"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if viewer(c) == nil {
		return forum.ErrUnauthorized
	}
	cat, err := s.forum.CreateCategory(c.Request().Context(), viewer(c), forum.CategoryInput{
		Name: in.Name, Slug: in.Slug, Description: in.Description, Color: in.Color, ParentSlug: in.Parent,
		AmbassadorsOnly: in.AmbassadorsOnly, StaffOnlyThreads: in.StaffOnlyThreads,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.categoryJSON(cat, map[int64]string{}))
}

// apiCategory is one category, found by its slug (an old slug answers 301
// through oldCategorySlug).
func (s *Server) apiCategory(c echo.Context) error {
	cat, err := s.forum.CategoryBySlugFor(c.Request().Context(), viewer(c), c.Param("slug"))
	if err != nil {
		return err
	}
	return s.categoryOut(c, http.StatusOK, cat)
}

// categoryOut writes one category with its parent's slug.
func (s *Server) categoryOut(c echo.Context, status int, cat *models.Category) error {
	parents := map[int64]string{}
	if cat.ParentID != nil {
		p, err := s.forum.CategoryByID(c.Request().Context(), *cat.ParentID)
		if err != nil {
			return err
		}
		parents[p.ID] = p.Slug
	}
	return c.JSON(status, s.categoryJSON(cat, parents))
}

// apiEditCategory changes the fields the body names; the others stay.
func (s *Server) apiEditCategory(c echo.Context) error {
	var in struct {
		Name             *string `json:"name"`
		Slug             *string `json:"slug"`
		Description      *string `json:"description"`
		Color            *string `json:"color"`
		Parent           *string `json:"parent"`
		Position         *int    `json:"position"`
		AmbassadorsOnly  *bool   `json:"ambassadors_only"`
		StaffOnlyThreads *bool   `json:"staff_only_threads"`
	}
	if viewer(c) == nil {
		return forum.ErrUnauthorized
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	cat, err := s.forum.UpdateCategory(c.Request().Context(), viewer(c), c.Param("slug"), forum.CategoryEdit{
		Name: in.Name, Slug: in.Slug, Description: in.Description, Color: in.Color,
		Parent: in.Parent, Position: in.Position, AmbassadorsOnly: in.AmbassadorsOnly,
		StaffOnlyThreads: in.StaffOnlyThreads,
	})
	if err != nil {
		return err
	}
	return s.categoryOut(c, http.StatusOK, cat)
}

// apiDeleteCategory deletes a category after moving its threads to
// ?move_to=SLUG, and answers where they went.
func (s *Server) apiDeleteCategory(c echo.Context) error {
	if viewer(c) == nil {
		return forum.ErrUnauthorized
	}
	to, n, err := s.forum.DeleteCategory(c.Request().Context(), viewer(c), c.Param("slug"), c.QueryParam("move_to"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"moved_to": to.Slug, "moved_threads": n})
}
