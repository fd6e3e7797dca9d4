package server

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// HomeData is the front page: categories and recent activity.
type HomeData struct {
	Categories []forum.CategoryNode
	Latest     []forum.ThreadSummary
	NoUsers    bool
	Pinned     []models.Thread // pinned on the home page by staff
	// Hints are the first-time hints for a new member (never for
	// visitors: the home page is not in the anonymous cache).
	Hints []forum.MemberHint
}

func (s *Server) home(c echo.Context) error {
	ctx := c.Request().Context()
	tree, err := s.forum.CategoryTreeFor(ctx, viewer(c))
	if err != nil {
		return err
	}
	latest, err := s.forum.LatestThreadsFor(ctx, viewer(c), 10)
	if err != nil {
		return err
	}
	if err := s.forum.FillUnread(ctx, viewer(c), latest); err != nil {
		return err
	}
	n, err := s.forum.UserCount(ctx)
	if err != nil {
		return err
	}
	pins, err := s.forum.GlobalPins(ctx)
	if err != nil {
		return err
	}
	p := s.page(c, s.t(c, "forum.title.categories"))
	hints, err := s.forum.MemberHints(ctx, viewer(c), p.Site, tree)
	if err != nil {
		return err
	}
	p.Description = s.t(c, "forum.home.meta_description")
	if p.Site.Description != "" {
		p.Description = p.Site.Description
	}
	p.Data = HomeData{Categories: tree, Latest: latest, NoUsers: n == 0, Pinned: pins, Hints: hints}
	return s.tmpl.render(c, http.StatusOK, "home", p)
}

func (s *Server) category(c echo.Context) error {
	ctx := c.Request().Context()
	cacheKey := ""
	if cacheable(c, "after") {
		slug := strings.ToLower(c.Param("slug"))
		v, err := s.cache.versions.read(ctx, "c:"+slug, func(ctx context.Context) (*forum.PageVersion, error) {
			return s.forum.CategoryPageVersion(ctx, slug)
		})
		if err != nil {
			return err
		}
		keepVersion(c, v)
		cacheKey = s.lang(c).Code + ":c:" + c.Param("slug") + ":" + c.QueryParam("after") + ":" + v.Key
		if b, ok := s.cache.get(cacheKey); ok {
			c.Response().Header().Set("X-Hearth-Cache", "hit")
			return c.HTMLBlob(http.StatusOK, b)
		}
	}
	list, err := s.forum.ListThreadsFor(ctx, viewer(c), c.Param("slug"), c.QueryParam("after"))
	if err != nil {
		return err
	}
	p := s.page(c, list.Category.Name)
	p.Description = list.Category.Description
	p.Feeds = []FeedLink{
		{Title: list.Category.Name + " (RSS)", Type: "application/rss+xml", URL: "/c/" + list.Category.Slug + "/feed.rss"},
		{Title: list.Category.Name + " (Atom)", Type: "application/atom+xml", URL: "/c/" + list.Category.Slug + "/feed.atom"},
	}
	followers, level, err := s.forum.CategoryPageState(ctx, viewer(c), list.Category, list.Threads)
	if err != nil {
		return err
	}
	p.Data = CategoryData{ThreadList: list, Handle: s.forum.FediverseHandle(list.Category.Slug), Followers: followers,
		Level: levelControl(c, "/c/"+list.Category.Slug+"/notification-level", "category", level)}
	return s.sendCacheable(c, cacheKey, "category", p)
}

// CategoryData is a category page: its threads and how to follow it from
// the fediverse.
type CategoryData struct {
	*forum.ThreadList
	Handle    string
	Followers int
	Level     *LevelControl // the viewer's watch / track / mute; nil when logged out
}

// NewThreadData fills the compose form.
type NewThreadData struct {
	Categories []models.Category
	Preview    template.HTML // the message as it will look (server/editor.go)
}

func (s *Server) newThreadForm(c echo.Context) error {
	p, err := s.composePage(c)
	if err != nil {
		return err
	}
	p.Form = Form{Values: map[string]string{"category": c.Param("slug")}}
	if err := s.fillNewThreadDraft(c, &p.Form); err != nil {
		return err
	}
	return s.tmpl.render(c, http.StatusOK, "new_thread", p)
}

func (s *Server) composePage(c echo.Context) (*Page, error) {
	cats, err := s.forum.CategoriesFor(c.Request().Context(), viewer(c))
	if err != nil {
		return nil, err
	}
	p := s.page(c, s.t(c, "forum.new_thread.title"))
	p.NoIndex = true
	p.Data = NewThreadData{Categories: cats}
	return p, nil
}

func (s *Server) createThread(c echo.Context) error {
	category := c.FormValue("category")
	if category == "" {
		category = c.Param("slug")
	}
	poll, err := pollFormInput(c)
	var t *models.Thread
	body, upStatus := c.FormValue("body"), 0
	if err == nil {
		body, upStatus, err = s.attachFromForm(c, body)
	}
	if action := c.FormValue("action"); action == actionPreview || action == actionDraft {
		return s.newThreadEditorAction(c, category, action, body, upStatus, err)
	}
	if err == nil {
		t, _, err = s.forum.CreateThread(c.Request().Context(), viewer(c), forum.NewThread{
			Category: category, Title: c.FormValue("title"), Body: body, Tags: []string{c.FormValue("tags")},
			Poll: poll,
		})
	}
	if h, ok := forum.AsHeld(err); ok {
		s.setFlash(c, s.t(c, "forum.flash.held"))
		return c.Redirect(http.StatusSeeOther, heldURL(h.ID))
	}
	if err != nil {
		status := http.StatusUnprocessableEntity
		if errors.Is(err, forum.ErrEmailUnverified) {
			status = http.StatusForbidden // say why and keep the text
		} else if _, ok := forum.AsValidation(err); !ok {
			return err
		}
		if upStatus != 0 {
			status = upStatus
		}
		p, perr := s.composePage(c)
		if perr != nil {
			return perr
		}
		p.Form = formFrom(c, err)
		p.Form.Values["body"] = body // with the Markdown of a file stored before the text was refused
		p.Form.Values["category"] = category
		return s.tmpl.render(c, status, "new_thread", p)
	}
	return c.Redirect(http.StatusSeeOther, threadURL(t))
}

// ThreadData is a thread page plus the reply box's state.
type ThreadData struct {
	*forum.ThreadPage
	Items   []postItem
	Posts   template.HTML // Items written out with their polls (postList)
	ReplyTo int64
	Polls   map[int64]*pollItem // by post id; see server/polls.go
	Level   *LevelControl       // the viewer's watch / track / mute; nil when logged out
	Preview template.HTML       // the reply box's text as it will look (server/editor.go)
}

func (s *Server) thread(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	page, ok := pageParam(c)
	if !ok {
		return forum.ErrNotFound
	}
	ctx := c.Request().Context()
	cacheKey := ""
	if cacheable(c, "page") {
		v, err := s.cache.versions.read(ctx, "t:"+strconv.FormatInt(id, 10), func(ctx context.Context) (*forum.PageVersion, error) {
			return s.forum.ThreadPageVersion(ctx, id)
		})
		if err != nil {
			return s.mergedRedirect(c, id, err)
		}
		keepVersion(c, v)
		cacheKey = s.lang(c).Code + ":" + threadCacheKey(id, page, v.Key)
		if b, ok := s.cache.get(cacheKey); ok {
			c.Response().Header().Set("X-Hearth-Cache", "hit")
			return c.HTMLBlob(http.StatusOK, b)
		}
	}
	tp, err := s.forum.ThreadPage(ctx, viewer(c), id, page)
	if err != nil {
		return s.mergedRedirect(c, id, err)
	}
	keepMemberHeader(c, tp.Header)
	p := s.page(c, tp.Thread.Title)
	p.Canonical = s.cfg.URL + threadURL(tp.Thread)
	if page > 1 {
		p.Canonical += "?page=" + strconv.Itoa(page)
	}
	p.OGType = "article"
	if len(tp.Posts) > 0 && tp.Posts[0].Number == 1 {
		p.Description = s.excerpt(&tp.Posts[0])
	}
	p.Feeds = []FeedLink{
		{Title: tp.Thread.Title + " (RSS)", Type: "application/rss+xml", URL: "/t/" + strconv.FormatInt(id, 10) + "/feed.rss"},
		{Title: tp.Thread.Title + " (Atom)", Type: "application/atom+xml", URL: "/t/" + strconv.FormatInt(id, 10) + "/feed.atom"},
	}
	data := ThreadData{ThreadPage: tp, Items: postItems(tp.Posts, tp.Page, viewer(c) != nil, s.forum.Now(), s.lang(c))}
	if err := s.fillFragments(s.lang(c), data.Items); err != nil {
		return err
	}
	if data.Polls, err = s.threadPolls(c, tp); err != nil {
		return err
	}
	// Outside the cached fragments: it depends on the viewer alone.
	data.Level = levelControl(c, "/t/"+strconv.FormatInt(id, 10)+"/notification-level", "thread", tp.Level)
	posts := bufs.Get().(*bytes.Buffer)
	posts.Reset()
	defer putBuf(posts)
	if err := s.tmpl.writePostList(s.lang(c), posts, data.Items, data.Polls, attachItems(tp.Attachments)); err != nil {
		return err
	}
	data.Posts = p.spliceHere(posts)
	if n := len(tp.Posts); n > 0 {
		if err := s.forum.SeenThreadAfter(ctx, viewer(c), id, tp.Posts[n-1].Number, tp.LastRead); err != nil {
			return err
		}
	}
	p.Form = Form{Values: map[string]string{}}
	if tp.Draft != "" { // the viewer's draft in the reply box, read with ThreadPage
		p.Form.Values["body"] = tp.Draft
	}
	if rt, _ := strconv.ParseInt(c.QueryParam("reply_to"), 10, 64); rt > 0 && viewer(c) != nil {
		if quote, err := s.forum.QuoteFor(ctx, viewer(c), rt); err == nil {
			data.ReplyTo = rt
			p.Form.Values["body"] = joinParagraphs(p.Form.Values["body"], quote) // after the draft, never instead of it
			p.Form.Values["reply_to"] = strconv.FormatInt(rt, 10)
		}
	}
	p.Data = data
	return s.sendCacheable(c, cacheKey, "thread", p)
}

func (s *Server) reply(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	replyTo, _ := strconv.ParseInt(c.FormValue("reply_to"), 10, 64)
	ctx := c.Request().Context()
	body, upStatus, err := s.attachFromForm(c, c.FormValue("body"))
	if action := c.FormValue("action"); action == actionPreview || action == actionDraft {
		return s.replyEditorAction(c, id, replyTo, action, body, upStatus, err)
	}
	var post *models.Post
	if err == nil {
		post, err = s.forum.Reply(ctx, viewer(c), id, forum.NewReply{Body: body, ReplyTo: replyTo})
	}
	if _, ok := forum.AsHeld(err); ok {
		last, perr := s.forum.LastPage(ctx, id)
		if perr != nil {
			return perr
		}
		s.setFlash(c, s.t(c, "forum.flash.held"))
		return c.Redirect(http.StatusSeeOther, "/t/"+strconv.FormatInt(id, 10)+"?page="+strconv.Itoa(last)+"#pending")
	}
	if err != nil {
		status := http.StatusUnprocessableEntity
		var rl *forum.RateLimitError
		if errors.As(err, &rl) {
			status = http.StatusTooManyRequests // slow mode: keep the text, say when
		} else if errors.Is(err, forum.ErrEmailUnverified) {
			status = http.StatusForbidden
		} else if _, ok := forum.AsValidation(err); !ok {
			return err
		}
		if upStatus != 0 {
			status = upStatus
		}
		return s.renderReplyForm(c, id, replyTo, body, status, err, "")
	}
	return c.Redirect(http.StatusSeeOther, s.postLocation(post))
}

// renderReplyForm shows the thread's last page with the reply box holding
// what was typed (body, with the Markdown of a file stored before the text
// was refused), the form's errors from err, and a preview when one is given.
func (s *Server) renderReplyForm(c echo.Context, id, replyTo int64, body string, status int, err error, preview template.HTML) error {
	ctx := c.Request().Context()
	last, perr := s.forum.LastPage(ctx, id)
	if perr != nil {
		return perr
	}
	tp, perr := s.forum.ThreadPage(ctx, viewer(c), id, last)
	if perr != nil {
		return perr
	}
	keepMemberHeader(c, tp.Header)
	p := s.page(c, tp.Thread.Title)
	p.NoIndex = true
	p.Form = formFrom(c, err)
	p.Form.Values["body"] = body
	data := ThreadData{ThreadPage: tp, Items: postItems(tp.Posts, tp.Page, true, s.forum.Now(), s.lang(c)), ReplyTo: replyTo, Preview: preview}
	if err := s.fillFragments(s.lang(c), data.Items); err != nil {
		return err
	}
	if data.Posts, perr = s.tmpl.postList(s.lang(c), data.Items, nil, attachItems(tp.Attachments)); perr != nil {
		return perr
	}
	p.Data = data
	return s.tmpl.render(c, status, "thread", p)
}

func (s *Server) bookmark(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	on := c.FormValue("on") != "0"
	if err := s.forum.SetBookmark(c.Request().Context(), viewer(c), id, on); err != nil {
		return err
	}
	if on {
		s.setFlash(c, s.t(c, "forum.flash.bookmarked"))
	} else {
		s.setFlash(c, s.t(c, "forum.flash.bookmark_removed"))
	}
	return c.Redirect(http.StatusSeeOther, "/t/"+strconv.FormatInt(id, 10))
}

func (s *Server) bookmarks(c echo.Context) error {
	ts, err := s.forum.Bookmarks(c.Request().Context(), viewer(c))
	if err != nil {
		return err
	}
	p := s.page(c, s.t(c, "forum.bookmarks.title"))
	p.NoIndex = true
	p.Data = ts
	return s.tmpl.render(c, http.StatusOK, "bookmarks", p)
}

// TagData is a tag page.
type TagData struct {
	Tag     *models.Tag
	Threads []forum.ThreadSummary
}

func (s *Server) tag(c echo.Context) error {
	tag, ts, err := s.forum.TagThreads(c.Request().Context(), c.Param("tag"), 50)
	if err != nil {
		return err
	}
	p := s.page(c, "#"+tag.Name)
	p.Data = TagData{Tag: tag, Threads: ts}
	return s.tmpl.render(c, http.StatusOK, "tag", p)
}

// pageParam reads ?page=N (default 1); ok is false when it is not a
// positive whole number.
func pageParam(c echo.Context) (int, bool) {
	q := c.QueryParam("page")
	if q == "" {
		return 1, true
	}
	page, err := strconv.Atoi(q)
	return page, err == nil && page >= 1
}

func idParam(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id < 1 {
		return 0, forum.ErrNotFound
	}
	return id, nil
}

// mergedRedirect sends a request for a merged thread to the thread it was
// merged into; any other error passes through.
func (s *Server) mergedRedirect(c echo.Context, id int64, err error) error {
	if errors.Is(err, forum.ErrNotFound) {
		if into := s.forum.MergedInto(c.Request().Context(), id); into != 0 {
			return c.Redirect(http.StatusMovedPermanently, "/t/"+strconv.FormatInt(into, 10))
		}
	}
	return err
}
