package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// ThreadJSON is a thread in lists and on its own.
type ThreadJSON struct {
	ID         int64     `json:"id"`
	Title      string    `json:"title"`
	URL        string    `json:"url"`
	Category   string    `json:"category,omitempty"`
	Author     *UserJSON `json:"author,omitempty"`
	PostCount  int       `json:"post_count"`
	Pinned     bool      `json:"pinned"`
	Locked     bool      `json:"locked"`
	Tags       []string  `json:"tags"`
	CreatedAt  time.Time `json:"created_at"`
	LastPostAt time.Time `json:"last_post_at"`
}

func (s *Server) threadJSON(t *models.Thread, cat *models.Category, author *models.User, tags []string) ThreadJSON {
	j := ThreadJSON{ID: t.ID, Title: t.Title, URL: s.cfg.URL + threadURL(t), Author: s.userJSON(author),
		PostCount: t.PostCount, Pinned: t.Pinned, Locked: t.Locked, Tags: tags, CreatedAt: t.CreatedAt, LastPostAt: t.LastPostAt}
	if cat != nil {
		j.Category = cat.Slug
	}
	if j.Tags == nil {
		j.Tags = []string{}
	}
	return j
}

func (s *Server) summariesJSON(ts []forum.ThreadSummary) []ThreadJSON {
	out := make([]ThreadJSON, len(ts))
	for i := range ts {
		out[i] = s.threadJSON(&ts[i].Thread, ts[i].Category, ts[i].Author, ts[i].Tags)
	}
	return out
}

func (s *Server) apiCategoryThreads(c echo.Context) error {
	list, err := s.forum.ListThreadsFor(c.Request().Context(), viewer(c), c.Param("slug"), c.QueryParam("after"))
	if err != nil {
		return err
	}
	out := map[string]any{
		"category": s.categoryJSON(list.Category, map[int64]string{}),
		"pinned":   s.summariesJSON(list.Pinned),
		"threads":  s.summariesJSON(list.Threads),
	}
	if list.Next != "" {
		out["next"] = list.Next
		out["next_url"] = s.cfg.URL + "/api/v1/categories/" + list.Category.Slug + "/threads?after=" + list.Next
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiCreateThread(c echo.Context) error {
	var in struct {
		Category string         `json:"category"`
		Title    string         `json:"title"`
		Body     string         `json:"body"`
		Tags     []string       `json:"tags"`
		Poll     *PollInputJSON `json:"poll"`
		// Staff announcements: publish later, and/or show as a banner.
		PublishAt   string `json:"publish_at"`
		BannerUntil string `json:"banner_until"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if in.PublishAt != "" || in.BannerUntil != "" {
		if in.Poll != nil {
			return forum.Invalid("poll", "errors.server.scheduled_poll")
		}
		return s.apiScheduleThread(c, forum.ScheduleInput{NewThread: forum.NewThread{
			Category: in.Category, Title: in.Title, Body: in.Body, Tags: in.Tags}, PublishAt: in.PublishAt, BannerUntil: in.BannerUntil})
	}
	t, p, err := s.forum.CreateThread(c.Request().Context(), viewer(c), forum.NewThread{
		Category: in.Category, Title: in.Title, Body: in.Body, Tags: in.Tags, Poll: in.Poll.input(),
	})
	if h, ok := forum.AsHeld(err); ok {
		return c.JSON(http.StatusAccepted, s.heldJSON(h))
	}
	if err != nil {
		return err
	}
	out := map[string]any{
		"id": t.ID, "url": s.cfg.URL + threadURL(t), "first_post_id": p.ID, "title": t.Title,
	}
	if in.Poll != nil {
		if poll, _, err := s.forum.PollForPost(c.Request().Context(), p.ID); err == nil && poll != nil {
			out["poll_id"] = poll.ID
		}
	}
	return c.JSON(http.StatusCreated, out)
}

func (s *Server) apiThread(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	page, ok := pageParam(c)
	if !ok {
		return forum.Invalid("page", "errors.server.positive_number")
	}
	tp, err := s.forum.ThreadPage(c.Request().Context(), viewer(c), id, page)
	if err != nil {
		return err
	}
	bodies, err := s.forum.PostBodies(c.Request().Context(), tp.Posts)
	if err != nil {
		return err
	}
	posts := make([]PostJSON, len(tp.Posts))
	for i := range tp.Posts {
		posts[i] = s.postJSON(&tp.Posts[i].Post, tp.Posts[i].Author)
		posts[i].Body = bodies[tp.Posts[i].ID]
		posts[i].Liked = tp.Posts[i].Liked
	}
	out := map[string]any{
		"thread": s.threadJSON(tp.Thread, tp.Category, tp.Author, tp.Tags),
		"posts":  posts, "page": tp.Page, "pages": tp.Pages, "per_page": tp.PerPage,
	}
	if polls, err := s.threadPolls(c, tp); err != nil {
		return err
	} else if len(polls) > 0 {
		list := make([]PollJSON, 0, len(polls))
		for _, it := range polls {
			list = append(list, pollJSON(it.PollView))
		}
		out["polls"] = list
	}
	if tp.Page < tp.Pages {
		out["next_url"] = s.cfg.URL + "/api/v1/threads/" + strconv.FormatInt(id, 10) + "?page=" + strconv.Itoa(tp.Page+1)
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiReply(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Body    string `json:"body"`
		ReplyTo int64  `json:"reply_to"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	p, err := s.forum.Reply(c.Request().Context(), viewer(c), id, forum.NewReply{Body: in.Body, ReplyTo: in.ReplyTo})
	if h, ok := forum.AsHeld(err); ok {
		return c.JSON(http.StatusAccepted, s.heldJSON(h))
	}
	if err != nil {
		return err
	}
	j := s.postJSON(p, viewer(c))
	return c.JSON(http.StatusCreated, j)
}

func (s *Server) apiBookmark(on bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		if err := s.forum.SetBookmark(c.Request().Context(), viewer(c), id, on); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, map[string]any{"bookmarked": on})
	}
}
