package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

func (s *Server) apiRoutes(g *echo.Group) {
	g.GET("/me", s.apiMe)
	s.messageAPIRoutes(g)
	g.PUT("/me/password", s.apiChangePassword)
	g.GET("/categories", s.apiCategories)
	g.POST("/categories", s.apiCreateCategory)
	g.GET("/categories/:slug", s.apiCategory, s.oldCategorySlug)
	g.PATCH("/categories/:slug", s.apiEditCategory)
	g.DELETE("/categories/:slug", s.apiDeleteCategory)
	g.GET("/categories/:slug/threads", s.apiCategoryThreads, s.oldCategorySlug)
	g.POST("/threads", s.apiCreateThread)
	g.GET("/threads/:id", s.apiThread)
	g.POST("/threads/:id/posts", s.apiReply)
	g.POST("/threads/:id/bookmark", s.apiBookmark(true))
	g.DELETE("/threads/:id/bookmark", s.apiBookmark(false))
	g.GET("/posts/:id", s.apiPost)
	g.PATCH("/posts/:id", s.apiEditPost)
	g.DELETE("/posts/:id", s.apiDeletePost)
	g.GET("/posts/:id/revisions", s.apiRevisions)
	g.POST("/posts/:id/like", s.apiLike(true))
	g.DELETE("/posts/:id/like", s.apiLike(false))
	g.GET("/tags/:tag", s.apiTag)
	g.GET("/search", s.apiSearch)
	s.apiModRoutes(g)
	s.apiAdminRoutes(g)
	s.apiRemoteModRoutes(g)
	s.apiCommunityRoutes(g)
	s.apiPollRoutes(g)
	s.apiAdmissionRoutes(g)
	s.apiLeaveRoutes(g)
	s.apiSiteRoutes(g)
	s.apiInviteRoutes(g)
	s.apiApplicationRoutes(g)
	g.Any("/*", func(echo.Context) error { return forum.ErrNotFound })
}

// bindJSON decodes a JSON body strictly enough to give clear errors:
// malformed JSON or a wrong type is 400 with what went wrong.
func bindJSON(c echo.Context, dst any) error {
	ct := c.Request().Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(ct, "application/json") {
		return apiError(http.StatusUnsupportedMediaType, "unsupported_media_type", "send a JSON body with Content-Type: application/json")
	}
	dec := json.NewDecoder(c.Request().Body)
	if err := dec.Decode(dst); err != nil {
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			return apiError(http.StatusRequestEntityTooLarge, "request_too_large", "the request body is too large")
		case errors.Is(err, io.EOF):
			return apiError(http.StatusBadRequest, "malformed_json", "the request body is empty; send a JSON object")
		default:
			return apiError(http.StatusBadRequest, "malformed_json", "the request body is not valid JSON: "+err.Error())
		}
	}
	return nil
}

// UserJSON is a member as the API shows them.
type UserJSON struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	AvatarURL   string `json:"avatar_url,omitempty"`
	URL         string `json:"url"`
}

func (s *Server) userJSON(u *models.User) *UserJSON {
	if u == nil {
		return nil
	}
	j := &UserJSON{Username: u.Username, DisplayName: u.Name(), Role: u.Role, URL: s.cfg.URL + profilePath(u)}
	if a := avatarURL(u); a != "" {
		j.AvatarURL = s.cfg.URL + a
	}
	return j
}

func (s *Server) apiMe(c echo.Context) error {
	u := viewer(c)
	if u == nil {
		return forum.ErrUnauthorized
	}
	return c.JSON(http.StatusOK, s.userJSON(u))
}
