package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// The moderation pages: the review queue at /mod, the audit log at
// /mod/audit, the thread tools' form targets and the flag form. Pages are
// never cached (they are for logged-in viewers only).

func (s *Server) modRoutes(g *echo.Group) {
	g.GET("/mod", s.modQueue, requireLogin)
	g.POST("/mod/queue/:id/resolve", s.modResolve, requireLogin)
	g.GET("/mod/audit", s.modAudit, requireLogin)
	g.POST("/mod/threads/:id/:op", s.modThread, requireLogin)
	g.GET("/p/:id/flag", s.flagForm, requireLogin)
	g.POST("/p/:id/flag", s.flagPost, requireLogin)
}

// ModQueueData is the review queue page. ErrItem is the item whose form
// Form's errors and values belong to, after a refused action.
type ModQueueData struct {
	Queue   *forum.QueuePage
	ErrItem int64
}

func (s *Server) modQueue(c echo.Context) error {
	return s.renderQueue(c, http.StatusOK, Form{}, 0)
}

func (s *Server) renderQueue(c echo.Context, status int, f Form, errItem int64) error {
	// FormValue: a re-rendered form keeps the list it was posted from.
	q, err := s.forum.Queue(c.Request().Context(), viewer(c), c.FormValue("state"), c.QueryParam("after"))
	if err != nil {
		return err
	}
	p := s.page(c, s.t(c, "staff.queue.title"))
	p.NoIndex = true
	p.Form = f
	p.Data = ModQueueData{Queue: q, ErrItem: errItem}
	return s.tmpl.render(c, status, "mod", p)
}

func (s *Server) modResolve(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	action := c.FormValue("action")
	if err := s.forum.ResolveQueueItemWithReason(c.Request().Context(), viewer(c), id, action, c.FormValue("note"), c.FormValue("reason")); err != nil {
		return s.queueFormError(c, id, err)
	}
	s.setFlash(c, s.t(c, "staff.queue.resolved_flash", "Action", queueWord(s.lang(c), action)))
	return c.Redirect(http.StatusSeeOther, "/mod")
}

// ModAuditData is the audit log page.
type ModAuditData struct {
	Filter forum.AuditFilter
	Page   *forum.AuditPage
	// Sentences tell Page.Entries in words, in the same order; Kinds is
	// the filter's list of actions, from the same table.
	Sentences []forum.AuditSentence
	Kinds     []string
	// NextURL keeps the filter on the link to older entries.
	NextURL string
}

func (s *Server) modAudit(c echo.Context) error {
	f, err := s.auditFilter(c)
	if err != nil {
		return err
	}
	page, err := s.forum.Audit(c.Request().Context(), viewer(c), f, forum.AuditPerPage)
	if err != nil {
		return err
	}
	sentences, err := s.forum.AuditSentences(c.Request().Context(), viewer(c), page.Entries)
	if err != nil {
		return err
	}
	d := ModAuditData{Filter: f, Page: page, Sentences: sentences, Kinds: forum.AuditActions()}
	if page.Next != "" {
		q := c.QueryParams()
		q.Set("before", page.Next)
		d.NextURL = "/mod/audit?" + q.Encode()
	}
	p := s.page(c, s.t(c, "staff.nav.audit"))
	p.NoIndex = true
	p.Data = d
	return s.tmpl.render(c, http.StatusOK, "mod_audit", p)
}

func (s *Server) modThread(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	op := c.Param("op")
	a := threadToolArgs{Category: c.FormValue("category"), Reason: c.FormValue("reason"), Interval: c.FormValue("interval")}
	if v := c.FormValue("into"); v != "" {
		n, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(v), "#"), 10, 64)
		if err != nil || n < 1 {
			s.setFlash(c, s.t(c, "staff.thread_tools.merge_number"))
			return c.Redirect(http.StatusSeeOther, "/t/"+strconv.FormatInt(id, 10))
		}
		a.Into = n
	}
	if err := s.threadTool(c, id, op, a); err != nil {
		// Thread tools are one-field forms on the thread page: a refused
		// value comes back as a notice there rather than a bare error page.
		if ve, ok := forum.AsValidation(err); ok {
			for _, msg := range fieldErrors(c, ve) {
				s.setFlash(c, s.t(c, "staff.thread_tools.not_done", "Error", msg))
			}
			return c.Redirect(http.StatusSeeOther, "/t/"+strconv.FormatInt(id, 10))
		}
		return err
	}
	s.setFlash(c, threadToolDone(s.lang(c), op, a))
	if a.Into != 0 {
		id = a.Into
	}
	return c.Redirect(http.StatusSeeOther, "/t/"+strconv.FormatInt(id, 10))
}

// FlagFormData is the flag form for one post.
type FlagFormData struct {
	Post    *models.Post
	Thread  *models.Thread
	Reasons []string
}

func (s *Server) flagForm(c echo.Context) error {
	return s.renderFlagForm(c, http.StatusOK, Form{})
}

func (s *Server) renderFlagForm(c echo.Context, status int, f Form) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	post, t, err := s.forum.PostFor(c.Request().Context(), viewer(c), id)
	if err != nil {
		return err
	}
	if !forum.CanFlag(viewer(c), post) {
		return forum.ErrForbidden
	}
	p := s.page(c, s.t(c, "forum.flag.title"))
	p.NoIndex = true
	p.Form = f
	p.Data = FlagFormData{Post: post, Thread: t, Reasons: forum.FlagReasons}
	return s.tmpl.render(c, status, "flag", p)
}

func (s *Server) flagPost(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	_, err = s.forum.FlagPost(c.Request().Context(), viewer(c), id, c.FormValue("reason"), c.FormValue("message"))
	if err != nil {
		if _, ok := forum.AsValidation(err); !ok {
			return err
		}
		return s.renderFlagForm(c, http.StatusUnprocessableEntity, formFrom(c, err))
	}
	post, _, err := s.forum.PostFor(c.Request().Context(), viewer(c), id)
	if err != nil {
		return err
	}
	s.setFlash(c, s.t(c, "forum.flash.flagged"))
	return c.Redirect(http.StatusSeeOther, s.postLocation(post))
}

// threadToolDone says what a thread tool did, in a sentence for the flash.
func threadToolDone(l *i18n.Lang, op string, a threadToolArgs) string {
	switch op {
	case "lock", "unlock", "pin", "unpin", "pin_global", "unpin_global", "merge", "fetch_replies":
		return l.T("staff.thread_tools." + op)
	case "move":
		return l.T("staff.thread_tools.move", "Category", strings.TrimSpace(a.Category))
	case "slow_mode":
		if secs := forum.SlowModeSeconds(a.Interval); secs > 0 {
			return l.T("staff.thread_tools.slow_mode_on", "Every", l.Duration(secs))
		}
		return l.T("staff.thread_tools.slow_mode_off")
	}
	return l.T("staff.thread_tools.updated")
}
