package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// JSON twins of the queue tools, warnings, member records and appeals.

// NoticeJSON is one action against the member, as they see it.
type NoticeJSON struct {
	ID          int64     `json:"id"` // the audit entry; appeal with POST /api/v1/notices/{id}/appeal
	Action      string    `json:"action"`
	Summary     string    `json:"summary"`
	Reason      string    `json:"reason"`
	CreatedAt   time.Time `json:"created_at"`
	AppealState string    `json:"appeal_state,omitempty"`
	CanAppeal   bool      `json:"can_appeal"`
}

func (s *Server) apiModToolRoutes(g *echo.Group) {
	g.POST("/mod/queue/:item/claim", s.apiModClaim(true))
	g.POST("/mod/queue/:item/unclaim", s.apiModClaim(false))
	g.POST("/mod/queue/:item/notes", s.apiModNote)
	g.POST("/mod/queue/:item/act", s.apiModAct)
	g.POST("/mod/users/:username/warn", s.apiWarn)
	g.GET("/mod/users/:username", s.apiMemberRecord)
	s.apiMemberListRoutes(g)
	g.GET("/notices", s.apiNotices)
	g.POST("/notices/:id/appeal", s.apiAppeal)
	g.PATCH("/threads/:id", s.apiEditThreadMeta)
}

func (s *Server) apiModClaim(on bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idParam(c, "item")
		if err != nil {
			return err
		}
		if on {
			err = s.forum.ClaimQueueItem(c.Request().Context(), viewer(c), id)
		} else {
			err = s.forum.UnclaimQueueItem(c.Request().Context(), viewer(c), id)
		}
		if err != nil {
			return err
		}
		state := "claimed"
		if !on {
			state = "open"
		}
		return c.JSON(http.StatusOK, map[string]any{"id": id, "state": state})
	}
}

func (s *Server) apiModNote(c echo.Context) error {
	id, err := idParam(c, "item")
	if err != nil {
		return err
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	n, err := s.forum.AddQueueNote(c.Request().Context(), viewer(c), id, in.Note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"id": n.ID, "item": id, "author": s.userJSON(viewer(c)), "body": n.Body, "created_at": n.CreatedAt})
}

// apiModAct: {action: lock|warn|silence|suspend, duration, reason}.
func (s *Server) apiModAct(c echo.Context) error {
	id, err := idParam(c, "item")
	if err != nil {
		return err
	}
	var in struct {
		Action   string `json:"action"`
		Duration string `json:"duration"`
		Reason   string `json:"reason"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if err := s.forum.QueueAct(c.Request().Context(), viewer(c), id, in.Action, in.Duration, in.Reason); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"id": id, "action": in.Action})
}

func (s *Server) apiWarn(c echo.Context) error {
	var in struct {
		Reason string `json:"reason"`
		Post   int64  `json:"post"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	w, err := s.forum.Warn(c.Request().Context(), viewer(c), c.Param("username"), in.Post, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"id": w.ID, "username": c.Param("username"), "reason": w.Reason, "post": w.PostID, "created_at": w.CreatedAt})
}

func (s *Server) apiMemberRecord(c echo.Context) error {
	r, err := s.forum.MemberRecord(c.Request().Context(), viewer(c), c.Param("username"))
	if err != nil {
		return err
	}
	flags := make([]FlagJSON, len(r.Flags))
	for i, f := range r.Flags {
		flags[i] = FlagJSON{ID: f.ID, PostID: f.PostID, User: s.userJSON(f.User), Reason: f.Reason, Message: f.Message, Weight: f.Weight, CreatedAt: f.CreatedAt}
	}
	audit := make([]AuditEntryJSON, len(r.Audit))
	for i, e := range r.Audit {
		audit[i] = AuditEntryJSON{ID: e.ID, Actor: s.userJSON(e.Actor), Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID, Reason: e.Reason, Details: e.Details, CreatedAt: e.CreatedAt}
	}
	notes := make([]map[string]any, len(r.Notes))
	for i, n := range r.Notes {
		notes[i] = map[string]any{"id": n.ID, "item": n.ItemID, "author": s.userJSON(n.Author), "body": n.Body, "created_at": n.CreatedAt}
	}
	return c.JSON(http.StatusOK, map[string]any{
		"user": s.userJSON(r.Member), "flags": flags, "warnings": r.Warnings, "sanctions": r.Sanctions,
		"notes": notes, "appeals": r.Appeals, "audit": audit,
		"email": r.Member.Email, "email_verified": r.Member.EmailVerifiedAt != nil, "two_factor": r.Member.TwoFactor,
		"sessions": sessionsJSON(r.Sessions),
	})
}

func (s *Server) apiNotices(c echo.Context) error {
	ns, err := s.forum.Notices(c.Request().Context(), viewer(c))
	if err != nil {
		return err
	}
	out := make([]NoticeJSON, len(ns))
	for i, n := range ns {
		out[i] = noticeJSON(n)
	}
	return c.JSON(http.StatusOK, map[string]any{"notices": out})
}

func noticeJSON(n forum.Notice) NoticeJSON {
	j := NoticeJSON{ID: n.Entry.ID, Action: n.Entry.Action, Summary: n.Summary, Reason: n.Entry.Reason, CreatedAt: n.Entry.CreatedAt, CanAppeal: n.CanAppeal}
	if n.Appeal != nil {
		j.AppealState = n.Appeal.State
	}
	return j
}

func (s *Server) apiAppeal(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Message string `json:"message"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	a, err := s.forum.Appeal(c.Request().Context(), viewer(c), id, in.Message)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"id": a.ID, "notice": id, "state": a.State, "created_at": a.CreatedAt})
}
