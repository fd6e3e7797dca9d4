package server

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/i18n"
)

// notificationLevelRoutes adds the watch / track / mute controls of thread
// and category pages and their JSON twins.
func (s *Server) notificationLevelRoutes(g *echo.Group) {
	g.POST("/t/:id/notification-level", s.setThreadLevel, requireLogin)
	g.POST("/c/:slug/notification-level", s.setCategoryLevel, requireLogin)
	g.GET("/api/v1/threads/:id/notification-level", s.apiThreadLevel)
	g.PUT("/api/v1/threads/:id/notification-level", s.apiSetThreadLevel)
	g.GET("/api/v1/categories/:slug/notification-level", s.apiCategoryLevel)
	g.PUT("/api/v1/categories/:slug/notification-level", s.apiSetCategoryLevel)
}

// LevelControl is what the "notification_level" partial shows.
type LevelControl struct {
	Action string // the form's URL
	What   string // "thread" or "category"
	CSRF   string
	Level  *forum.LevelState
}

// levelControl is nil for a viewer with no level to choose (logged out),
// so the template leaves the control out.
func levelControl(c echo.Context, action, what string, level *forum.LevelState) *LevelControl {
	if level == nil {
		return nil
	}
	return &LevelControl{Action: action, What: what, CSRF: csrfToken(c), Level: level}
}

// levelFlash confirms a choice in the words the control uses.
func levelFlash(l *i18n.Lang, level string) string {
	switch level {
	case "watching":
		return l.T("forum.flash.level_watching")
	case "muted":
		return l.T("forum.flash.level_muted")
	default:
		return l.T("forum.flash.level_tracking")
	}
}

func (s *Server) setThreadLevel(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	st, err := s.forum.SetThreadLevel(c.Request().Context(), viewer(c), id, c.FormValue("level"))
	if err != nil {
		return err
	}
	s.setFlash(c, levelFlash(s.lang(c), st.Level))
	return c.Redirect(http.StatusSeeOther, "/t/"+strconv.FormatInt(id, 10))
}

func (s *Server) setCategoryLevel(c echo.Context) error {
	st, err := s.forum.SetCategoryLevel(c.Request().Context(), viewer(c), c.Param("slug"), c.FormValue("level"))
	if err != nil {
		return err
	}
	s.setFlash(c, levelFlash(s.lang(c), st.Level))
	return redirectLocal(c, "/c/"+url.PathEscape(c.Param("slug")))
}

// LevelJSON is a member's notification level on a thread or category.
type LevelJSON struct {
	Level    string `json:"level"`
	Explicit bool   `json:"explicit"`
}

type levelInput struct {
	Level string `json:"level"`
}

func (s *Server) apiThreadLevel(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	st, err := s.forum.ThreadLevelByID(c.Request().Context(), viewer(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, LevelJSON{Level: st.Level, Explicit: st.Explicit})
}

func (s *Server) apiSetThreadLevel(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in levelInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	st, err := s.forum.SetThreadLevel(c.Request().Context(), viewer(c), id, in.Level)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, LevelJSON{Level: st.Level, Explicit: st.Explicit})
}

func (s *Server) apiCategoryLevel(c echo.Context) error {
	ctx := c.Request().Context()
	if viewer(c) == nil {
		return forum.ErrUnauthorized
	}
	if !forum.CanChooseNotifications(viewer(c)) {
		return forum.ErrForbidden
	}
	cat, err := s.forum.CategoryBySlugFor(ctx, viewer(c), c.Param("slug"))
	if err != nil {
		return err
	}
	st, err := s.forum.CategoryLevel(ctx, viewer(c), cat)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, LevelJSON{Level: st.Level, Explicit: st.Explicit})
}

func (s *Server) apiSetCategoryLevel(c echo.Context) error {
	var in levelInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	st, err := s.forum.SetCategoryLevel(c.Request().Context(), viewer(c), c.Param("slug"), in.Level)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, LevelJSON{Level: st.Level, Explicit: st.Explicit})
}
