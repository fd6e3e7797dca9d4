package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// apiPollRoutes adds the polls API under /api/v1.
func (s *Server) apiPollRoutes(g *echo.Group) {
	g.GET("/polls/:id", s.apiPoll)
	g.POST("/polls/:id/votes", s.apiVote)
}

// PollJSON is a poll as the API shows it. Counts are null until the viewer
// voted or the poll closed.
type PollJSON struct {
	ID       int64            `json:"id"`
	PostID   int64            `json:"post_id,omitempty"`
	ThreadID int64            `json:"thread_id,omitempty"`
	Multiple bool             `json:"multiple"`
	ClosesAt *time.Time       `json:"closes_at"`
	Closed   bool             `json:"closed"`
	Remote   bool             `json:"remote"`
	Voted    bool             `json:"voted"`
	CanVote  bool             `json:"can_vote"`
	OwnVotes []int            `json:"own_votes"`
	Voters   *int             `json:"voters_count"`
	Votes    *int             `json:"votes_count"`
	Options  []PollOptionJSON `json:"options"`
}

// PollOptionJSON is one answer; index is what a vote names.
type PollOptionJSON struct {
	Index   int    `json:"index"`
	Title   string `json:"title"`
	Votes   *int   `json:"votes_count"`
	Percent *int   `json:"percent"`
}

// PollInputJSON is the poll part of POST /api/v1/threads.
type PollInputJSON struct {
	Options  []string   `json:"options"`
	Multiple bool       `json:"multiple"`
	ClosesAt *time.Time `json:"closes_at"`
}

func (p *PollInputJSON) input() *forum.PollInput {
	if p == nil {
		return nil
	}
	return &forum.PollInput{Options: p.Options, Multiple: p.Multiple, ClosesAt: p.ClosesAt}
}

func pollJSON(v *forum.PollView) PollJSON {
	j := PollJSON{ID: v.ID, PostID: v.PostID, ThreadID: v.ThreadID, Multiple: v.Multiple, ClosesAt: v.ClosesAt,
		Closed: v.Closed, Remote: v.Remote, Voted: v.Voted, CanVote: v.CanVote, OwnVotes: []int{}}
	if v.ShowResults {
		voters, votes := v.Voters, v.Votes
		j.Voters, j.Votes = &voters, &votes
	}
	for _, o := range v.Options {
		oj := PollOptionJSON{Index: o.Index, Title: o.Name}
		if v.ShowResults {
			votes, pct := o.Votes, o.Percent
			oj.Votes, oj.Percent = &votes, &pct
		}
		if o.Chosen {
			j.OwnVotes = append(j.OwnVotes, o.Index)
		}
		j.Options = append(j.Options, oj)
	}
	return j
}

func (s *Server) apiPoll(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	v, err := s.forum.Poll(c.Request().Context(), viewer(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pollJSON(v))
}

func (s *Server) apiVote(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Options []int `json:"options"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	v, err := s.forum.Vote(c.Request().Context(), viewer(c), id, in.Options)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, pollJSON(v))
}
