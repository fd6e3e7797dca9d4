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
)

// Polls on thread pages. A poll is rendered outside the cached post
// fragments (between a post's head and foot), because what it shows
// depends on the viewer: whether they voted, their choices, and whether
// the results are theirs to see.

// pollItem is a poll as the "poll" partial prints it.
type pollItem struct {
	*forum.PollView
	CSRF      string
	Member    bool   // logged in
	LoginURL  string // where a visitor logs in to vote
	Input     string // radio or checkbox
	ClosesISO string // the closing time, "" when open-ended (the partial shows it in the page's language)
}

func (s *Server) pollRoutes(g *echo.Group) {
	g.POST("/polls/:id/vote", s.votePoll, requireLogin)
	g.GET("/polls", s.followedPolls, requireLogin)
	g.GET("/polls/:id", s.pollPage)
}

// newPollItem dresses a poll for the "poll" partial; loginNext is where
// a visitor comes back to after logging in.
func newPollItem(c echo.Context, v *forum.PollView, loginNext string) *pollItem {
	it := &pollItem{PollView: v, CSRF: csrfToken(c), Member: viewer(c) != nil, Input: "radio",
		LoginURL: "/login?next=" + url.QueryEscape(loginNext)}
	if v.Multiple {
		it.Input = "checkbox"
	}
	if v.ClosesAt != nil {
		it.ClosesISO = v.ClosesAt.UTC().Format(time.RFC3339)
	}
	return it
}

// threadPolls loads the polls under the posts of a thread page.
func (s *Server) threadPolls(c echo.Context, tp *forum.ThreadPage) (map[int64]*pollItem, error) {
	var ids []int64
	for i := range tp.Posts {
		if !tp.Posts[i].Deleted() && !tp.Posts[i].Hidden && tp.PollPosts[tp.Posts[i].ID] {
			ids = append(ids, tp.Posts[i].ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil // most pages: no query at all
	}
	views, err := s.forum.PollsForPosts(c.Request().Context(), viewer(c), tp.Thread, ids)
	if err != nil || len(views) == 0 {
		return nil, err
	}
	out := make(map[int64]*pollItem, len(views))
	for postID, v := range views {
		out[postID] = newPollItem(c, v, threadURL(tp.Thread))
	}
	return out, nil
}

// votePoll takes the vote form: one "option" value per choice, each an
// option's index. A refused vote (twice, closed, no choice) changes
// nothing and goes back to the poll with a message saying why; the JSON
// API answers those 422/409.
func (s *Server) votePoll(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	params, err := c.FormParams()
	if err != nil {
		return err
	}
	var choices []int
	for _, raw := range params["option"] {
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			return s.voteRefused(c, id, forum.Invalid("options", "errors.server.choose_poll_option"))
		}
		choices = append(choices, n)
	}
	v, err := s.forum.Vote(c.Request().Context(), viewer(c), id, choices)
	if err != nil {
		return s.voteRefused(c, id, err)
	}
	target := pollPath(id)
	if v.PostID != 0 {
		target = "/p/" + strconv.FormatInt(v.PostID, 10)
		if p, _, err := s.forum.PostFor(c.Request().Context(), viewer(c), v.PostID); err == nil {
			target = s.postLocation(p)
		}
	}
	s.setFlash(c, s.t(c, "forum.flash.voted"))
	return c.Redirect(http.StatusSeeOther, target)
}

// voteRefused sends the voter back to the poll (303 to its anchor) with a
// flash saying why the vote was not counted. Errors other than a refusal
// of the vote itself, or a poll not shown in a thread, go to the error
// handler as before.
func (s *Server) voteRefused(c echo.Context, pollID int64, err error) error {
	ve, invalid := forum.AsValidation(err)
	if !invalid && !errors.Is(err, forum.ErrConflict) {
		return err
	}
	ctx := c.Request().Context()
	v, perr := s.forum.Poll(ctx, viewer(c), pollID)
	if perr != nil {
		return err
	}
	var msg string
	switch {
	case errors.Is(err, forum.ErrAlreadyVoted):
		msg = s.t(c, "forum.flash.vote_twice")
	case errors.Is(err, forum.ErrPollClosed):
		msg = s.t(c, "forum.flash.vote_closed")
	case invalid && len(ve.Fields) > 0 && ve.Fields["options"] == "choose an option":
		msg = s.t(c, "forum.flash.vote_no_option")
	case invalid && ve.Fields["options"] != "":
		msg = s.t(c, "forum.flash.vote_refused", "Reason", fieldErrors(c, ve)["options"])
	default:
		msg = s.t(c, "forum.flash.vote_refused", "Reason", errorText(c, err))
	}
	s.setFlash(c, msg)
	anchor := "#poll-" + strconv.FormatInt(pollID, 10)
	if v.PostID == 0 { // a remote poll with a page of its own
		return c.Redirect(http.StatusSeeOther, pollPath(pollID)+anchor)
	}
	p, t, perr := s.forum.PostFor(ctx, viewer(c), v.PostID)
	if perr != nil {
		return err
	}
	loc := threadURL(t)
	if page := s.forum.PageOf(p.Number); page > 1 {
		loc += "?page=" + strconv.Itoa(page)
	}
	return c.Redirect(http.StatusSeeOther, loc+anchor)
}

// pollFormInput reads the new-thread form's poll fields: options one per
// line, a "multiple" box and an optional closing time (UTC). No options
// means no poll.
func pollFormInput(c echo.Context) (*forum.PollInput, error) {
	raw := strings.TrimSpace(c.FormValue("poll_options"))
	if raw == "" {
		return nil, nil
	}
	in := &forum.PollInput{Options: strings.Split(raw, "\n"), Multiple: c.FormValue("poll_multiple") != ""}
	if cl := strings.TrimSpace(c.FormValue("poll_closes_at")); cl != "" {
		var t time.Time
		var err error
		for _, layout := range []string{"2006-01-02T15:04", time.RFC3339, "2006-01-02 15:04"} {
			if t, err = time.ParseInLocation(layout, cl, time.UTC); err == nil {
				break
			}
		}
		if err != nil {
			// Reported by CreateThread with the form's other mistakes.
			in.ClosesAtError = i18n.M("errors.polls.closes_at_format")
			return in, nil
		}
		in.ClosesAt = &t
	}
	return in, nil
}
