package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// The community-management API. Who may call what is decided in forum/;
// these handlers bind input and shape answers.

// NeedsResponseJSON is one thread waiting for an answer.
type NeedsResponseJSON struct {
	ID             int64      `json:"id"`
	Title          string     `json:"title"`
	URL            string     `json:"url"`
	Category       string     `json:"category"`
	Author         *UserJSON  `json:"author"`
	CreatedAt      time.Time  `json:"created_at"`
	WaitingSeconds int64      `json:"waiting_seconds"`
	AssignedTo     *UserJSON  `json:"assigned_to"`
	Due            *time.Time `json:"due"`
	Overdue        bool       `json:"overdue"`
}

// CohortJSON is one weekly retention cohort.
type CohortJSON struct {
	WeekStart string    `json:"week_start"`
	Members   int       `json:"members"`
	Retention []float64 `json:"retention"`
}

func (s *Server) apiCommunityRoutes(g *echo.Group) {
	g.GET("/community/needs-response", s.apiNeedsResponse)
	g.GET("/community/stats", s.apiCommunityStats)
	g.GET("/community/retention", s.apiRetention)
	g.GET("/campaigns", s.apiCampaigns)
	g.POST("/campaigns", s.apiCreateCampaign)
	g.GET("/campaigns/:slug", s.apiCampaign)
	g.POST("/threads/:id/assign", s.apiAssign)
	g.POST("/posts/:id/solution", s.apiSolution)
}

func (s *Server) needsResponseJSON(it forum.NeedsResponseItem) NeedsResponseJSON {
	j := NeedsResponseJSON{ID: it.Thread.ID, Title: it.Thread.Title, URL: s.cfg.URL + threadURL(it.Thread),
		Author: s.userJSON(it.Author), CreatedAt: it.Thread.CreatedAt, WaitingSeconds: int64(it.Waiting.Seconds()),
		AssignedTo: s.userJSON(it.Assignee), Due: it.Due, Overdue: it.Overdue}
	if it.Category != nil {
		j.Category = it.Category.Slug
	}
	return j
}

func (s *Server) apiNeedsResponse(c echo.Context) error {
	page, err := s.forum.NeedsResponse(c.Request().Context(), viewer(c), c.QueryParam("category"), c.QueryParam("after"))
	if err != nil {
		return err
	}
	out := struct {
		Threads []NeedsResponseJSON `json:"threads"`
		Next    string              `json:"next,omitempty"`
	}{Threads: make([]NeedsResponseJSON, len(page.Items)), Next: page.Next}
	for i, it := range page.Items {
		out.Threads[i] = s.needsResponseJSON(it)
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiRetention(c echo.Context) error {
	weeks := 0
	if w := strings.TrimSpace(c.QueryParam("weeks")); w != "" {
		n, err := strconv.Atoi(w)
		if err != nil || n < 1 {
			return forum.Invalid("weeks", "errors.community_retention.weeks_must_between_1")
		}
		weeks = n
	}
	cohorts, err := s.communityRetention(c, weeks)
	if err != nil {
		return err
	}
	out := struct {
		Cohorts []CohortJSON `json:"cohorts"`
	}{Cohorts: make([]CohortJSON, len(cohorts))}
	for i, co := range cohorts {
		out.Cohorts[i] = CohortJSON{WeekStart: co.WeekStart.Format("2006-01-02"), Members: co.Members, Retention: co.Retention}
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiAssign(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Username string `json:"username"`
		Due      string `json:"due"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var due *time.Time
	if d := strings.TrimSpace(in.Due); d != "" {
		t, err := time.Parse(time.RFC3339, d)
		if err != nil {
			return forum.Invalid("due", "errors.server.rfc3339")
		}
		t = t.UTC()
		due = &t
	}
	a, assignee, err := s.forum.Assign(c.Request().Context(), viewer(c), id, in.Username, due)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"thread_id": a.ThreadID, "assigned_to": s.userJSON(assignee), "due": a.DueAt})
}

func (s *Server) apiSolution(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	sol, err := s.forum.MarkSolution(c.Request().Context(), viewer(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"thread_id": sol.ThreadID, "post_id": sol.PostID, "solved": true})
}
