package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// Review-queue tools beyond resolving (claim, notes, one-click actions on
// the author and thread), the member record, and members' notices and
// appeals. Pages and their JSON twins; every rule is in forum/.

func (s *Server) modToolRoutes(g *echo.Group) {
	g.POST("/mod/queue/:id/claim", s.modClaim, requireLogin)
	g.POST("/mod/queue/:id/notes", s.modNote, requireLogin)
	g.POST("/mod/queue/:id/act", s.modAct, requireLogin)
	g.GET("/mod/users/:username", s.memberRecord, requireLogin)
	s.memberListRoutes(g)
	g.POST("/mod/users/:username/notes", s.memberNote, requireLogin)
	g.POST("/mod/users/:username/warn", s.memberWarn, requireLogin)
	g.GET("/notices", s.notices, requireLogin)
	g.POST("/notices/:id/appeal", s.appeal, requireLogin)
	g.POST("/login/appeal", s.suspendedAppeal)
	s.ambassadorRoutes(g)
}

// queueFormError re-renders the queue with a refused action's message on
// its item and what the moderator typed; other errors go to the handler.
func (s *Server) queueFormError(c echo.Context, id int64, err error) error {
	_, isValidation := forum.AsValidation(err)
	var fe *forum.ForbiddenError
	status := http.StatusUnprocessableEntity
	switch {
	case isValidation:
	case errors.Is(err, forum.ErrConflict):
		status = http.StatusConflict
	case errors.As(err, &fe):
		// A refusal with a reason (e.g. deciding an appeal against one's
		// own action) is shown on the item, not on a bare error page.
		status = http.StatusForbidden
	default:
		return err
	}
	return s.renderQueue(c, status, formFrom(c, err), id)
}

func (s *Server) queueDone(c echo.Context, id int64, msg string) error {
	s.setFlash(c, msg)
	to := "/mod"
	if st := c.FormValue("state"); st == "claimed" || st == "resolved" {
		to += "?state=" + st
	}
	return c.Redirect(http.StatusSeeOther, to+"#item-"+strconv.FormatInt(id, 10))
}

func (s *Server) modClaim(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx, u := c.Request().Context(), viewer(c)
	if c.FormValue("op") == "unclaim" {
		err = s.forum.UnclaimQueueItem(ctx, u, id)
	} else {
		err = s.forum.ClaimQueueItem(ctx, u, id)
	}
	if err != nil {
		return s.queueFormError(c, id, err)
	}
	return s.queueDone(c, id, s.t(c, "staff.queue.updated"))
}

func (s *Server) modNote(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.forum.AddQueueNote(c.Request().Context(), viewer(c), id, c.FormValue("note")); err != nil {
		return s.queueFormError(c, id, err)
	}
	return s.queueDone(c, id, s.t(c, "staff.queue.note_added"))
}

func (s *Server) modAct(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	op := c.FormValue("op")
	if err := s.forum.QueueAct(c.Request().Context(), viewer(c), id, op, c.FormValue("duration"), c.FormValue("reason")); err != nil {
		var fe *forum.ForbiddenError
		if errors.As(err, &fe) {
			return s.renderQueue(c, http.StatusForbidden, Form{Values: map[string]string{"reason": c.FormValue("reason"), "duration": c.FormValue("duration")}, Error: fe.Message}, id)
		}
		return s.queueFormError(c, id, err)
	}
	return s.queueDone(c, id, s.t(c, "staff.queue.done", "Op", queueWord(s.lang(c), op)))
}

// MemberRecordData is the member record page.
type MemberRecordData struct {
	Record *forum.MemberRecord
}

func (s *Server) memberRecord(c echo.Context) error {
	return s.renderMemberRecord(c, http.StatusOK, Form{})
}

func (s *Server) renderMemberRecord(c echo.Context, status int, f Form) error {
	r, err := s.forum.MemberRecord(c.Request().Context(), viewer(c), c.Param("username"))
	if err != nil {
		return err
	}
	p := s.page(c, s.t(c, "staff.user.title", "Name", r.Member.Username))
	p.NoIndex = true
	p.Form = f
	p.Data = MemberRecordData{Record: r}
	return s.tmpl.render(c, status, "mod_user", p)
}

func (s *Server) memberNote(c echo.Context) error {
	name := c.Param("username")
	if _, err := s.forum.AddMemberNote(c.Request().Context(), viewer(c), name, c.FormValue("note")); err != nil {
		if _, ok := forum.AsValidation(err); ok {
			return s.renderMemberRecord(c, http.StatusUnprocessableEntity, formFrom(c, err))
		}
		return err
	}
	s.setFlash(c, s.t(c, "staff.user.note_added"))
	return redirectLocal(c, "/mod/users/"+url.PathEscape(name))
}

func (s *Server) memberWarn(c echo.Context) error {
	name := c.Param("username")
	if _, err := s.forum.Warn(c.Request().Context(), viewer(c), name, 0, c.FormValue("reason")); err != nil {
		if _, ok := forum.AsValidation(err); ok {
			return s.renderMemberRecord(c, http.StatusUnprocessableEntity, formFrom(c, err))
		}
		return err
	}
	s.setFlash(c, s.t(c, "staff.user.warning_sent"))
	return redirectLocal(c, "/mod/users/"+url.PathEscape(name))
}

// NoticesData is a member's notices page; Appealing is the notice whose
// appeal form Form belongs to.
type NoticesData struct {
	Notices   []forum.Notice
	Appealing int64
}

func (s *Server) notices(c echo.Context) error {
	return s.renderNotices(c, http.StatusOK, Form{}, 0)
}

func (s *Server) renderNotices(c echo.Context, status int, f Form, appealing int64) error {
	ns, err := s.forum.Notices(c.Request().Context(), viewer(c))
	if err != nil {
		return err
	}
	p := s.page(c, s.t(c, "account.notices.title"))
	p.NoIndex = true
	p.Form = f
	p.Data = NoticesData{Notices: ns, Appealing: appealing}
	return s.tmpl.render(c, status, "notices", p)
}

func (s *Server) appeal(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.forum.Appeal(c.Request().Context(), viewer(c), id, c.FormValue("message")); err != nil {
		if _, ok := forum.AsValidation(err); ok {
			return s.renderNotices(c, http.StatusUnprocessableEntity, formFrom(c, err), id)
		}
		return err
	}
	s.setFlash(c, s.t(c, "account.notices.appeal_sent"))
	return c.Redirect(http.StatusSeeOther, "/notices")
}

// suspendedAppeal is the appeal form on the login page of a suspended
// member: they type their password again, since they cannot log in.
func (s *Server) suspendedAppeal(c echo.Context) error {
	id, _ := strconv.ParseInt(c.FormValue("audit_id"), 10, 64)
	_, err := s.forum.AppealSuspended(c.Request().Context(), c.FormValue("login"), c.FormValue("password"), clientIP(c), id, c.FormValue("message"))
	if err != nil {
		var rl *forum.RateLimitError
		if _, ok := forum.AsValidation(err); !ok && !errors.As(err, &rl) && !errors.Is(err, forum.ErrConflict) {
			return err
		}
		p := s.page(c, s.t(c, "account.login.title"))
		p.Form = formFrom(c, err)
		return s.tmpl.render(c, http.StatusUnprocessableEntity, "login", p)
	}
	p := s.page(c, s.t(c, "account.login.title"))
	p.Flash = s.t(c, "account.login.appeal_sent")
	return s.tmpl.render(c, http.StatusOK, "login", p)
}
