package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// notificationRoutes adds the notification page, its mark-read form and
// their JSON twins. g carries authenticate and csrf, so the form needs its
// token and Bearer-token API calls do not.
func (s *Server) notificationRoutes(g *echo.Group) {
	g.GET("/notifications", s.notifications, requireLogin)
	g.POST("/notifications/read", s.markNotificationsRead, requireLogin)
	g.GET("/api/v1/notifications", s.apiNotifications)
	g.POST("/api/v1/notifications/read", s.apiMarkNotificationsRead)
}

// NotificationsData is the notifications page.
type NotificationsData struct {
	Items  []forum.NotificationView
	Groups []notificationGroup // Items folded into lines (notification_groups.go)
	Next   string
}

func (s *Server) notifications(c echo.Context) error {
	l, err := s.forum.Notifications(c.Request().Context(), viewer(c), c.QueryParam("before"), 0)
	if err != nil {
		return err
	}
	p := s.page(c, "Notifications")
	p.NoIndex = true
	groups := groupNotifications(l.Items)
	wordGroups(s.lang(c), groups)
	p.Data = NotificationsData{Items: l.Items, Groups: groups, Next: l.Next}
	return s.tmpl.render(c, http.StatusOK, "notifications", p)
}

// markNotificationsRead marks all read, or only the one named by the "id"
// field when the form sends it.
func (s *Server) markNotificationsRead(c echo.Context) error {
	ctx := c.Request().Context()
	if raw := c.FormValue("id"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return forum.ErrNotFound
		}
		if err := s.forum.MarkRead(ctx, viewer(c), id); err != nil {
			return err
		}
	} else if err := s.forum.MarkAllRead(ctx, viewer(c)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/notifications")
}

// NotificationJSON is a notification as the API shows it.
type NotificationJSON struct {
	ID          int64      `json:"id"`
	Kind        string     `json:"kind"`
	Actor       *UserJSON  `json:"actor"`
	ThreadID    int64      `json:"thread_id"`
	ThreadTitle string     `json:"thread_title,omitempty"`
	PostID      int64      `json:"post_id"`
	HeldPostID  *int64     `json:"held_post_id,omitempty"`
	URL         string     `json:"url"`
	CreatedAt   time.Time  `json:"created_at"`
	ReadAt      *time.Time `json:"read_at"`
}

func (s *Server) apiNotifications(c echo.Context) error {
	u := viewer(c)
	if u == nil {
		return forum.ErrUnauthorized
	}
	limit := 0
	if raw := c.QueryParam("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return apiError(http.StatusBadRequest, "invalid", "limit must be a positive number")
		}
		limit = n
	}
	ctx := c.Request().Context()
	l, err := s.forum.Notifications(ctx, u, c.QueryParam("before"), limit)
	if err != nil {
		return err
	}
	unread, err := s.forum.UnreadCount(ctx, u)
	if err != nil {
		return err
	}
	items := make([]NotificationJSON, len(l.Items))
	for i, n := range l.Items {
		j := NotificationJSON{ID: n.ID, Kind: n.Kind, Actor: s.userJSON(n.Actor), ThreadID: n.ThreadID, PostID: n.PostID,
			URL: s.cfg.URL + "/p/" + strconv.FormatInt(n.PostID, 10), CreatedAt: n.CreatedAt, ReadAt: n.ReadAt}
		if n.Thread != nil {
			j.ThreadTitle = n.Thread.Title
		}
		if n.Kind == forum.NotifyLoginAttack || n.Kind == forum.NotifySecondFactorReset {
			// About the account, not a post: nothing to link to but the
			// member's settings.
			j.Actor, j.URL = nil, s.cfg.URL+"/settings"
		}
		if n.Kind == forum.NotifyExportReady {
			// About the member's export: the link downloads it (the
			// export page once it expired).
			j.Actor, j.PostID, j.URL = nil, 0, s.cfg.URL+"/settings/export"
			if n.Link != "" {
				j.URL = s.cfg.URL + n.Link
			}
		}
		if n.Kind == forum.NotifyMessage {
			// PostID is the conversation: link to it, not to a post.
			j.URL = s.cfg.URL + conversationPath(n.PostID)
		}
		if n.HeldPostID != nil {
			j.HeldPostID = n.HeldPostID
			if n.Kind == models.NotifyHeldRejected {
				// No post to link to: the held post's page keeps the
				// text and the reason.
				j.URL = s.cfg.URL + heldURL(*n.HeldPostID)
			}
		}
		items[i] = j
	}
	return c.JSON(http.StatusOK, map[string]any{"notifications": items, "unread": unread, "next": l.Next})
}

// apiMarkNotificationsRead takes an optional {"id": N}; without it, all are
// marked read.
func (s *Server) apiMarkNotificationsRead(c echo.Context) error {
	u := viewer(c)
	if u == nil {
		return forum.ErrUnauthorized
	}
	var in struct {
		ID int64 `json:"id"`
	}
	if c.Request().ContentLength != 0 {
		if err := bindJSON(c, &in); err != nil {
			return err
		}
	}
	ctx := c.Request().Context()
	var err error
	if in.ID != 0 {
		err = s.forum.MarkRead(ctx, u, in.ID)
	} else {
		err = s.forum.MarkAllRead(ctx, u)
	}
	if err != nil {
		return err
	}
	unread, err := s.forum.UnreadCount(ctx, u)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"unread": unread})
}
