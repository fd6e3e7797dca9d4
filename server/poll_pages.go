package server

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// Pages for remote polls shown in no thread here: a Question a followed
// fediverse account posted on its own. Polls under a post live on their
// thread page; their /polls/{id} sends there.

func pollPath(id int64) string { return "/polls/" + strconv.FormatInt(id, 10) }

// pollPageItem is a standalone poll with its voting block.
type pollPageItem struct {
	*forum.StandalonePoll
	Poll *pollItem
	Text template.HTML // the question, sanitised by forum/markup when it arrived
}

func newPollPageItem(c echo.Context, sp *forum.StandalonePoll) pollPageItem {
	return pollPageItem{StandalonePoll: sp, Poll: newPollItem(c, sp.View, pollPath(sp.View.ID)),
		Text: template.HTML(sp.HTML)} // #nosec G203 -- sanitised by bluemonday on arrival
}

// PollsData is the /polls list.
type PollsData struct {
	Polls []pollPageItem
	Next  string // the next page's URL, "" at the end
}

func (s *Server) pollPage(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	sp, err := s.forum.StandalonePoll(ctx, viewer(c), id)
	if err != nil {
		return err
	}
	if sp.View.PostID != 0 {
		post, _, err := s.forum.PostFor(ctx, viewer(c), sp.View.PostID)
		if err != nil {
			return err
		}
		return c.Redirect(http.StatusMovedPermanently, s.postLocation(post)+"#poll-"+strconv.FormatInt(id, 10))
	}
	title := s.t(c, "forum.title.poll_by", "Name", sp.Handle)
	if sp.Author != nil {
		title = s.t(c, "forum.title.poll_by", "Name", sp.Author.Name())
	}
	p := s.page(c, title)
	p.NoIndex = true // another server's content; its page there is the one to index
	p.Data = newPollPageItem(c, sp)
	return s.tmpl.render(c, http.StatusOK, "poll", p)
}

func (s *Server) followedPolls(c echo.Context) error {
	var before int64
	if raw := c.QueryParam("before"); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 1 {
			return forum.ErrNotFound
		}
		before = n
	}
	polls, next, err := s.forum.FollowedPolls(c.Request().Context(), viewer(c), before)
	if err != nil {
		return err
	}
	d := PollsData{}
	for _, sp := range polls {
		d.Polls = append(d.Polls, newPollPageItem(c, sp))
	}
	if next != 0 {
		d.Next = "/polls?before=" + strconv.FormatInt(next, 10)
	}
	p := s.page(c, s.t(c, "forum.polls.title"))
	p.NoIndex = true
	p.Data = d
	return s.tmpl.render(c, http.StatusOK, "polls", p)
}
