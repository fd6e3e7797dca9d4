package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// Leaving with one's data: the export and account deletion pages, and
// their API. The rules are in forum/account_export.go and
// forum/account_deletion.go.

func (s *Server) leaveRoutes(g *echo.Group) {
	g.GET("/settings/export", s.exportPage, requireLogin)
	g.POST("/settings/export", s.requestExport, requireLogin)
	g.GET("/settings/export/:token", s.downloadExport)
	g.GET("/settings/delete", s.deletePage, requireLogin)
	g.POST("/settings/delete", s.deleteAccount, requireLogin)
	g.POST("/settings/delete/cancel", s.cancelDeletion, requireLogin)
}

func (s *Server) apiLeaveRoutes(g *echo.Group) {
	g.GET("/me/export", s.apiExportStatus)
	g.POST("/me/export", s.apiRequestExport)
	g.DELETE("/me", s.apiDeleteAccount)
	g.POST("/me/cancel-deletion", s.apiCancelDeletion)
}

// ExportPageData is the export page.
type ExportPageData struct {
	*forum.ExportStatus
}

func (s *Server) renderExportPage(c echo.Context, status int, form Form) error {
	st, err := s.forum.ExportStatusOf(c.Request().Context(), viewer(c))
	if err != nil {
		return err
	}
	p := s.page(c, s.t(c, "account.export.title"))
	p.NoIndex = true
	p.Form = form
	p.Data = ExportPageData{ExportStatus: st}
	return s.tmpl.render(c, status, "account_export", p)
}

func (s *Server) exportPage(c echo.Context) error {
	return s.renderExportPage(c, http.StatusOK, Form{})
}

func (s *Server) requestExport(c echo.Context) error {
	if _, err := s.forum.RequestExport(c.Request().Context(), viewer(c)); err != nil {
		var rl *forum.RateLimitError
		if errors.As(err, &rl) {
			return s.renderExportPage(c, http.StatusTooManyRequests, Form{Error: rl.Message})
		}
		return err
	}
	s.setFlash(c, s.t(c, "account.export.requested"))
	return c.Redirect(http.StatusSeeOther, "/settings/export")
}

// downloadExport serves the zip to its owner only: a visitor gets 401
// (a browser is sent to log in first, and back here after) and anyone
// else 404, as for a token that does not exist.
func (s *Server) downloadExport(c echo.Context) error {
	if viewer(c) == nil {
		if strings.Contains(c.Request().Header.Get("Accept"), "html") {
			return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.Path))
		}
		return c.JSON(http.StatusUnauthorized, map[string]any{"error": classify(forum.ErrUnauthorized, s.apiLang(c))})
	}
	e, err := s.forum.DownloadExport(c.Request().Context(), viewer(c), c.Param("token"))
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", `attachment; filename="hearth-export-`+strconv.FormatInt(e.ID, 10)+`.zip"`)
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Robots-Tag", "noindex")
	return c.Blob(http.StatusOK, "application/zip", e.Data)
}

// DeletePageData is the account deletion page.
type DeletePageData struct {
	// Policy is "choice", "keep" or "erase" (--account-deletion-posts).
	Policy string
	// DeleteAt is set when the deletion is already scheduled.
	DeleteAt *time.Time
	Grace    string
}

func (s *Server) renderDeletePage(c echo.Context, status int, form Form) error {
	u := viewer(c)
	p := s.page(c, s.t(c, "account.delete.title"))
	p.NoIndex = true
	if form.Values == nil {
		form.Values = map[string]string{}
	}
	p.Form = form
	p.Data = DeletePageData{Policy: s.forum.DeletionPostsChoice(), DeleteAt: u.DeleteAt, Grace: graceText(s.lang(c), s.forum.DeletionGrace())}
	return s.tmpl.render(c, status, "account_delete", p)
}

func (s *Server) deletePage(c echo.Context) error {
	return s.renderDeletePage(c, http.StatusOK, Form{})
}

func (s *Server) deleteAccount(c echo.Context) error {
	u := viewer(c)
	at, err := s.forum.ScheduleAccountDeletion(c.Request().Context(), u, forum.DeleteAccountInput{
		Password: c.FormValue("password"), Posts: c.FormValue("posts"),
		SecondFactor: c.FormValue("second_factor"), Addr: clientIP(c),
	})
	if err != nil {
		if _, ok := forum.AsValidation(err); ok {
			return s.renderDeletePage(c, http.StatusUnprocessableEntity, formFrom(c, err))
		}
		var rl *forum.RateLimitError
		if errors.As(err, &rl) {
			return s.renderDeletePage(c, http.StatusTooManyRequests, Form{Values: map[string]string{"posts": c.FormValue("posts")}, Error: rl.Message})
		}
		return err
	}
	// Every session is gone, this one too.
	s.clearCookie(c, sessionCookie)
	s.rotateCSRF(c)
	s.setFlash(c, s.t(c, "account.delete.scheduled", "Date", s.t(c, "account.utc", "Date", s.lang(c).DateTime(at))))
	return c.Redirect(http.StatusSeeOther, "/")
}

func (s *Server) cancelDeletion(c echo.Context) error {
	if err := s.forum.CancelAccountDeletion(c.Request().Context(), viewer(c)); err != nil {
		if _, ok := forum.AsValidation(err); ok {
			return s.renderDeletePage(c, http.StatusUnprocessableEntity, formFrom(c, err))
		}
		return err
	}
	s.setFlash(c, s.t(c, "account.delete.cancelled"))
	return c.Redirect(http.StatusSeeOther, "/settings")
}

// graceText is the deletion grace period in words: whole days or hours
// in the page's language, else Go's duration (an operator's odd setting).
func graceText(l *i18n.Lang, g time.Duration) string {
	switch {
	case g > 0 && g%(24*time.Hour) == 0:
		return l.N("account.delete.grace_days", int(g/(24*time.Hour)))
	case g > 0 && g%time.Hour == 0:
		return l.N("account.delete.grace_hours", int(g/time.Hour))
	}
	return g.String()
}

// ExportJSON is an export as the API shows it.
type ExportJSON struct {
	ID          int64      `json:"id"`
	State       string     `json:"state"`
	Created     time.Time  `json:"created_at"`
	ReadyAt     *time.Time `json:"ready_at,omitempty"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
	DownloadURL string     `json:"download_url,omitempty"`
	NextAt      *time.Time `json:"next_allowed_at,omitempty"`
}

func (s *Server) exportJSON(st *forum.ExportStatus) ExportJSON {
	e := st.Export
	j := ExportJSON{ID: e.ID, State: e.State, Created: e.CreatedAt, ReadyAt: e.ReadyAt, ExpiresAt: e.ExpiresAt}
	if st.Link != "" {
		j.DownloadURL = s.cfg.URL + st.Link
	}
	if !st.NextAt.IsZero() {
		j.NextAt = &st.NextAt
	}
	return j
}

func (s *Server) apiExportStatus(c echo.Context) error {
	st, err := s.forum.ExportStatusOf(c.Request().Context(), viewer(c))
	if err != nil {
		return err
	}
	if st.Export == nil {
		return forum.ErrNotFound
	}
	return c.JSON(http.StatusOK, s.exportJSON(st))
}

func (s *Server) apiRequestExport(c echo.Context) error {
	u := viewer(c)
	if _, err := s.forum.RequestExport(c.Request().Context(), u); err != nil {
		var rl *forum.RateLimitError
		if errors.As(err, &rl) && rl.RetryAfter > 0 {
			c.Response().Header().Set("Retry-After", strconv.Itoa(int((rl.RetryAfter+time.Second-1)/time.Second)))
		}
		return err
	}
	st, err := s.forum.ExportStatusOf(c.Request().Context(), u)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, s.exportJSON(st))
}

func (s *Server) apiDeleteAccount(c echo.Context) error {
	u := viewer(c)
	if u == nil {
		return forum.ErrUnauthorized
	}
	var in struct {
		Password     string `json:"password"`
		Posts        string `json:"posts"`
		SecondFactor string `json:"second_factor"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	at, err := s.forum.ScheduleAccountDeletion(c.Request().Context(), u, forum.DeleteAccountInput{
		Password: in.Password, Posts: in.Posts, SecondFactor: in.SecondFactor, Addr: clientIP(c),
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, map[string]any{"delete_at": at, "posts": u.DeletePosts})
}

func (s *Server) apiCancelDeletion(c echo.Context) error {
	u := viewer(c)
	if err := s.forum.CancelAccountDeletion(c.Request().Context(), u); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.userJSON(u))
}

// deletionPending reports whether a member logging in has a deletion
// scheduled: the login then leads to the page that offers to cancel it.
func deletionPending(u *models.User) bool { return u != nil && u.DeleteAt != nil && u.ErasedAt == nil }
