package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

func (s *Server) apiRoutes(g *echo.Group) {
	g.GET("/me", s.apiMe)
	g.GET("/categories", s.apiCategories)
	g.POST("/categories", s.apiCreateCategory)
	g.GET("/categories/:slug/threads", s.apiCategoryThreads)
	g.POST("/threads", s.apiCreateThread)
	g.GET("/threads/:id", s.apiThread)
	g.POST("/threads/:id/posts", s.apiReply)
	g.POST("/threads/:id/bookmark", s.apiBookmark(true))
	g.DELETE("/threads/:id/bookmark", s.apiBookmark(false))
	g.GET("/posts/:id", s.apiPost)
	g.PATCH("/posts/:id", s.apiEditPost)
	g.DELETE("/posts/:id", s.apiDeletePost)
	g.GET("/posts/:id/revisions", s.apiRevisions)
	g.POST("/posts/:id/like", s.apiLike(true))
	g.DELETE("/posts/:id/like", s.apiLike(false))
	g.GET("/tags/:tag", s.apiTag)
	g.GET("/search", s.apiSearch)
	g.Any("/*", func(echo.Context) error { return forum.ErrNotFound })
}

// bindJSON decodes a JSON body strictly enough to give clear errors:
// malformed JSON or a wrong type is 400 with what went wrong.
func bindJSON(c echo.Context, dst any) error {
	ct := c.Request().Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(ct, "application/json") {
		return apiError(http.StatusUnsupportedMediaType, "unsupported_media_type", "send a JSON body with Content-Type: application/json")
	}
	dec := json.NewDecoder(c.Request().Body)
	if err := dec.Decode(dst); err != nil {
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			return apiError(http.StatusRequestEntityTooLarge, "request_too_large", "the request body is too large")
		case errors.Is(err, io.EOF):
			return apiError(http.StatusBadRequest, "malformed_json", "the request body is empty; send a JSON object")
		default:
			return apiError(http.StatusBadRequest, "malformed_json", "the request body is not valid JSON: "+err.Error())
		}
	}
	return nil
}

// UserJSON is a member as the API shows them.
type UserJSON struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	AvatarURL   string `json:"avatar_url,omitempty"`
	URL         string `json:"url"`
}

func (s *Server) userJSON(u *models.User) *UserJSON {
	if u == nil {
		return nil
	}
	j := &UserJSON{Username: u.Username, DisplayName: u.Name(), Role: u.Role, URL: s.cfg.URL + profilePath(u)}
	if a := avatarURL(u); a != "" {
		j.AvatarURL = s.cfg.URL + a
	}
	return j
}

func (s *Server) apiMe(c echo.Context) error {
	u := viewer(c)
	if u == nil {
		return forum.ErrUnauthorized
	}
	return c.JSON(http.StatusOK, s.userJSON(u))
}

// CategoryJSON is a category as the API shows it.
type CategoryJSON struct {
	ID          int64     `json:"id"`
	Slug        string    `json:"slug"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Color       string    `json:"color"`
	Parent      string    `json:"parent,omitempty"`
	ThreadCount int       `json:"thread_count"`
	PostCount   int       `json:"post_count"`
	URL         string    `json:"url"`
	CreatedAt   time.Time `json:"created_at"`
}

func (s *Server) categoryJSON(c *models.Category, parents map[int64]string) CategoryJSON {
	j := CategoryJSON{ID: c.ID, Slug: c.Slug, Name: c.Name, Description: c.Description, Color: c.Color,
		ThreadCount: c.ThreadCount, PostCount: c.PostCount, URL: s.cfg.URL + "/c/" + c.Slug, CreatedAt: c.CreatedAt}
	if c.ParentID != nil {
		j.Parent = parents[*c.ParentID]
	}
	return j
}

func (s *Server) apiCategories(c echo.Context) error {
	cats, err := s.forum.Categories(c.Request().Context())
	if err != nil {
		return err
	}
	slugs := map[int64]string{}
	for _, cat := range cats {
		slugs[cat.ID] = cat.Slug
	}
	out := make([]CategoryJSON, len(cats))
	for i := range cats {
		out[i] = s.categoryJSON(&cats[i], slugs)
	}
	return c.JSON(http.StatusOK, map[string]any{"categories": out})
}

func (s *Server) apiCreateCategory(c echo.Context) error {
	var in struct {
		Name        string `json:"name"`
		Slug        string `json:"slug"`
		Description string `json:"description"`
		Color       string `json:"color"`
		Parent      string `json:"parent"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if viewer(c) == nil {
		return forum.ErrUnauthorized
	}
	cat, err := s.forum.CreateCategory(c.Request().Context(), viewer(c), forum.CategoryInput{
		Name: in.Name, Slug: in.Slug, Description: in.Description, Color: in.Color, ParentSlug: in.Parent,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.categoryJSON(cat, map[int64]string{}))
}

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
	list, err := s.forum.ListThreads(c.Request().Context(), c.Param("slug"), c.QueryParam("after"))
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
		Category string   `json:"category"`
		Title    string   `json:"title"`
		Body     string   `json:"body"`
		Tags     []string `json:"tags"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	t, p, err := s.forum.CreateThread(c.Request().Context(), viewer(c), forum.NewThread{
		Category: in.Category, Title: in.Title, Body: in.Body, Tags: in.Tags,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{
		"id": t.ID, "url": s.cfg.URL + threadURL(t), "first_post_id": p.ID, "title": t.Title,
	})
}

// PostJSON is a post as the API shows it.
type PostJSON struct {
	ID        int64      `json:"id"`
	ThreadID  int64      `json:"thread_id"`
	Number    int        `json:"number"`
	Author    *UserJSON  `json:"author"`
	Body      string     `json:"body"`
	HTML      string     `json:"html"`
	ReplyTo   *int64     `json:"reply_to"`
	LikeCount int        `json:"like_count"`
	Liked     bool       `json:"liked,omitempty"`
	Deleted   bool       `json:"deleted"`
	URL       string     `json:"url"`
	CreatedAt time.Time  `json:"created_at"`
	EditedAt  *time.Time `json:"edited_at"`
}

func (s *Server) postJSON(p *models.Post, author *models.User) PostJSON {
	j := PostJSON{ID: p.ID, ThreadID: p.ThreadID, Number: p.Number, Author: s.userJSON(author), Body: p.Body, HTML: p.HTML,
		ReplyTo: p.ReplyToID, LikeCount: p.LikeCount, Deleted: p.DeletedAt != nil,
		URL: s.cfg.URL + "/p/" + strconv.FormatInt(p.ID, 10), CreatedAt: p.CreatedAt, EditedAt: p.EditedAt}
	if j.Deleted {
		j.Body, j.HTML = "", ""
	}
	return j
}

func (s *Server) apiThread(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	page, ok := pageParam(c)
	if !ok {
		return &forum.ValidationError{Fields: map[string]string{"page": "must be a positive whole number"}}
	}
	tp, err := s.forum.ThreadPage(c.Request().Context(), viewer(c), id, page)
	if err != nil {
		return err
	}
	posts := make([]PostJSON, len(tp.Posts))
	for i := range tp.Posts {
		posts[i] = s.postJSON(&tp.Posts[i].Post, tp.Posts[i].Author)
		posts[i].Liked = tp.Posts[i].Liked
	}
	out := map[string]any{
		"thread": s.threadJSON(tp.Thread, tp.Category, tp.Author, tp.Tags),
		"posts":  posts, "page": tp.Page, "pages": tp.Pages, "per_page": tp.PerPage,
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
	if err != nil {
		return err
	}
	j := s.postJSON(p, viewer(c))
	return c.JSON(http.StatusCreated, j)
}

func (s *Server) apiPost(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p, _, err := s.forum.Post(ctx, id)
	if err != nil {
		return err
	}
	author, err := s.forum.Store().UserByID(ctx, p.UserID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.postJSON(p, author))
}

func (s *Server) apiEditPost(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Body *string `json:"body"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if in.Body == nil {
		return &forum.ValidationError{Fields: map[string]string{"body": "must not be empty"}}
	}
	p, err := s.forum.EditPost(c.Request().Context(), viewer(c), id, *in.Body)
	if err != nil {
		return err
	}
	author, err := s.forum.Store().UserByID(c.Request().Context(), p.UserID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.postJSON(p, author))
}

func (s *Server) apiDeletePost(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.forum.DeletePost(c.Request().Context(), viewer(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiRevisions(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	_, revs, err := s.forum.Revisions(c.Request().Context(), viewer(c), id)
	if err != nil {
		return err
	}
	type revJSON struct {
		Body      string    `json:"body"`
		Editor    *UserJSON `json:"editor"`
		CreatedAt time.Time `json:"created_at"`
	}
	out := make([]revJSON, len(revs))
	for i, r := range revs {
		out[i] = revJSON{Body: r.Body, Editor: s.userJSON(r.Editor), CreatedAt: r.CreatedAt}
	}
	return c.JSON(http.StatusOK, map[string]any{"revisions": out})
}

func (s *Server) apiLike(on bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		n, err := s.forum.SetLike(c.Request().Context(), viewer(c), id, on)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, map[string]any{"like_count": n, "liked": on})
	}
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

func (s *Server) apiTag(c echo.Context) error {
	tag, ts, err := s.forum.TagThreads(c.Request().Context(), c.Param("tag"), 50)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"tag": tag.Name, "thread_count": tag.ThreadCount, "threads": s.summariesJSON(ts)})
}

func (s *Server) apiSearch(c echo.Context) error {
	res, err := s.forum.Search(c.Request().Context(), c.QueryParam("q"))
	if err != nil {
		return err
	}
	posts := make([]PostJSON, len(res.Posts))
	for i := range res.Posts {
		posts[i] = s.postJSON(&res.Posts[i].Post, res.Posts[i].Author)
	}
	return c.JSON(http.StatusOK, map[string]any{"query": res.Query, "threads": s.summariesJSON(res.Threads), "posts": posts})
}
