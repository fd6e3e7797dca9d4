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
	ID          int64     `json:"id"`
	Slug        string    `json:"slug"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Color       string    `json:"color"`
	Parent      string    `json:"parent,omitempty"`
	ThreadCount int       `json:"thread_count"`
	PostCount   int       `json:"post_count"`
	URL         string    `json:"url"`
	CreatedAt   time.Time `json:"created_at"`
}

func (s *Server) categoryJSON(c *models.Category, parents map[int64]string) CategoryJSON {
	j := CategoryJSON{ID: c.ID, Slug: c.Slug, Name: c.Name, Description: c.Description, Color: c.Color,
		ThreadCount: c.ThreadCount, PostCount: c.PostCount, URL: s.cfg.URL + "/c/" + c.Slug, CreatedAt: c.CreatedAt}
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
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if viewer(c) == nil {
		return forum.ErrUnauthorized
	}
	cat, err := s.forum.CreateCategory(c.Request().Context(), viewer(c), forum.CategoryInput{
		Name: in.Name, Slug: in.Slug, Description: in.Description, Color: in.Color, ParentSlug: in.Parent,
		AmbassadorsOnly: in.AmbassadorsOnly,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.categoryJSON(cat, map[int64]string{}))
}
