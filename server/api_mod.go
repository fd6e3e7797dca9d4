package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// The moderation API. Every rule (who may, what repeats do) is in forum/;
// these handlers only bind JSON and shape answers.

// FlagJSON is one flag as the moderation API shows it.
type FlagJSON struct {
	ID        int64     `json:"id"`
	PostID    int64     `json:"post_id"`
	User      *UserJSON `json:"user,omitempty"`
	Reason    string    `json:"reason"`
	Message   string    `json:"message"`
	Weight    int       `json:"weight"`
	CreatedAt time.Time `json:"created_at"`
}

// QueueItemJSON is one review item.
type QueueItemJSON struct {
	ID         int64          `json:"id"`
	Kind       string         `json:"kind"`
	State      string         `json:"state"`
	Resolution string         `json:"resolution,omitempty"`
	Note       string         `json:"note,omitempty"`
	Hidden     bool           `json:"hidden"`
	Weight     int            `json:"weight"`
	Reasons    map[string]int `json:"reasons"`
	Post       *PostJSON      `json:"post"`
	Flags      []FlagJSON     `json:"flags"`
	CreatedAt  time.Time      `json:"created_at"`
	ResolvedAt *time.Time     `json:"resolved_at,omitempty"`
	// HeldPost is the post an approval item holds back, until approval
	// publishes it as Post.
	HeldPost *HeldPostJSON `json:"held_post,omitempty"`
	// Reported is a message item's copy of the reported private message
	// and the two before it (all moderators see of the conversation);
	// Author is who wrote the reported one.
	Reported []forum.ReportedMessage `json:"reported_messages,omitempty"`
	Author   *UserJSON               `json:"author,omitempty"`
}

// AuditEntryJSON is one audit log entry; actor is null for Hearth itself.
type AuditEntryJSON struct {
	ID         int64     `json:"id"`
	Actor      *UserJSON `json:"actor"`
	Action     string    `json:"action"`
	TargetType string    `json:"target_type"`
	TargetID   int64     `json:"target_id"`
	Reason     string    `json:"reason"`
	Details    string    `json:"details,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

func (s *Server) apiModRoutes(g *echo.Group) {
	g.POST("/posts/:id/flags", s.apiFlagPost)
	g.GET("/mod/queue", s.apiModQueue)
	g.POST("/mod/queue/:item/resolve", s.apiModResolve)
	g.POST("/mod/threads/:id/:op", s.apiModThread)
	g.GET("/mod/audit", s.apiModAudit)
	s.apiModToolRoutes(g)
}

func (s *Server) apiFlagPost(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Reason  string `json:"reason"`
		Message string `json:"message"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	f, err := s.forum.FlagPost(c.Request().Context(), viewer(c), id, in.Reason, in.Message)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, FlagJSON{ID: f.ID, PostID: f.PostID, User: s.userJSON(viewer(c)), Reason: f.Reason,
		Message: f.Message, Weight: f.Weight, CreatedAt: f.CreatedAt})
}

func (s *Server) apiModQueue(c echo.Context) error {
	q, err := s.forum.Queue(c.Request().Context(), viewer(c), c.QueryParam("state"), c.QueryParam("after"))
	if err != nil {
		return err
	}
	items := make([]QueueItemJSON, len(q.Items))
	for i, it := range q.Items {
		j := QueueItemJSON{ID: it.ID, Kind: it.Kind, State: it.State, Resolution: it.Resolution, Note: it.Note, Hidden: it.Hidden,
			Weight: it.Weight, Reasons: it.Reasons, CreatedAt: it.CreatedAt, ResolvedAt: it.ResolvedAt, Flags: []FlagJSON{}}
		if it.Post != nil {
			pj := s.postJSON(it.Post, it.Author)
			j.Post = &pj
		}
		if it.Held != nil {
			hj := s.heldJSON(&it.Held.HeldPost)
			hj.Author = s.userJSON(it.Held.Author)
			j.HeldPost = &hj
		}
		if it.Report != nil {
			j.Reported, j.Author = it.Reported, s.userJSON(it.Author)
		}
		for _, f := range it.Flags {
			j.Flags = append(j.Flags, FlagJSON{ID: f.ID, PostID: f.PostID, User: s.userJSON(f.User), Reason: f.Reason,
				Message: f.Message, Weight: f.Weight, CreatedAt: f.CreatedAt})
		}
		items[i] = j
	}
	out := map[string]any{"state": q.State, "items": items}
	if q.Next != "" {
		out["next"] = q.Next
		out["next_url"] = s.cfg.URL + "/api/v1/mod/queue?state=" + q.State + "&after=" + q.Next
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiModResolve(c echo.Context) error {
	id, err := idParam(c, "item")
	if err != nil {
		return err
	}
	var in struct {
		Action string `json:"action"`
		Note   string `json:"note"`
		Reason string `json:"reason"` // told to a rejected held post's author
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if err := s.forum.ResolveQueueItemWithReason(c.Request().Context(), viewer(c), id, in.Action, in.Note, in.Reason); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"id": id, "state": "resolved", "resolution": in.Action})
}

// apiModThread runs lock, unlock, pin, unpin and move. The body is optional
// for all but move: {reason} (and {category} for move).
func (s *Server) apiModThread(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in threadToolArgs
	if c.Request().ContentLength != 0 {
		if err := bindJSON(c, &in); err != nil {
			return err
		}
	}
	if err := s.threadTool(c, id, c.Param("op"), in); err != nil {
		return err
	}
	if in.Into != 0 {
		id = in.Into // a merge answers with the thread merged into
	}
	t, err := s.forum.Store().ThreadByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	cat, err := s.forum.Store().CategoryByID(c.Request().Context(), t.CategoryID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.threadJSON(t, cat, nil, nil))
}

// threadToolArgs are the thread tools' inputs: {reason} for all, plus
// {category} for move, {into} for merge and {interval} for slow_mode.
type threadToolArgs struct {
	Reason   string `json:"reason"`
	Category string `json:"category"`
	Into     int64  `json:"into"`
	Interval string `json:"interval"`
}

// threadTool dispatches a thread tool by name, for the API and the forms.
func (s *Server) threadTool(c echo.Context, id int64, op string, a threadToolArgs) error {
	ctx, u := c.Request().Context(), viewer(c)
	category, reason := a.Category, a.Reason
	switch op {
	case "pin_global":
		return s.forum.PinThreadGlobally(ctx, u, id, reason)
	case "unpin_global":
		return s.forum.UnpinThreadGlobally(ctx, u, id, reason)
	case "merge":
		if a.Into == 0 {
			return forum.Invalid("into", "errors.server.merge_into")
		}
		return s.forum.MergeThreads(ctx, u, id, a.Into, reason)
	case "slow_mode":
		return s.forum.SetSlowMode(ctx, u, id, a.Interval, reason)
	case "lock":
		return s.forum.LockThread(ctx, u, id, reason)
	case "unlock":
		return s.forum.UnlockThread(ctx, u, id, reason)
	case "pin":
		return s.forum.PinThread(ctx, u, id, reason)
	case "unpin":
		return s.forum.UnpinThread(ctx, u, id, reason)
	case "move":
		return s.forum.MoveThread(ctx, u, id, category, reason)
	case "fetch_replies":
		return s.forum.RequestBackfill(ctx, u, id, reason)
	}
	return forum.ErrNotFound
}

func (s *Server) auditFilter(c echo.Context) (forum.AuditFilter, error) {
	f := forum.AuditFilter{Action: c.QueryParam("action"), Actor: c.QueryParam("actor"), TargetType: c.QueryParam("target_type"), Before: c.QueryParam("before")}
	if v := c.QueryParam("target_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return f, forum.Invalid("target_id", "errors.server.positive_number")
		}
		f.TargetID = n
	}
	return f, nil
}

func (s *Server) apiModAudit(c echo.Context) error {
	f, err := s.auditFilter(c)
	if err != nil {
		return err
	}
	limit, _ := strconv.Atoi(c.QueryParam("limit"))
	page, err := s.forum.Audit(c.Request().Context(), viewer(c), f, limit)
	if err != nil {
		return err
	}
	entries := make([]AuditEntryJSON, len(page.Entries))
	for i, e := range page.Entries {
		entries[i] = AuditEntryJSON{ID: e.ID, Actor: s.userJSON(e.Actor), Action: e.Action, TargetType: e.TargetType,
			TargetID: e.TargetID, Reason: e.Reason, Details: e.Details, CreatedAt: e.CreatedAt}
	}
	out := map[string]any{"entries": entries}
	if page.Next != "" {
		out["next"] = page.Next
	}
	return c.JSON(http.StatusOK, out)
}
