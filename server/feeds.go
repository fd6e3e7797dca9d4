package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/feeds"
	"github.com/labstack/echo/v4"
)

// categoryFeed serves a category's latest threads as RSS or Atom, so people
// can follow it from a feed reader.
func (s *Server) categoryFeed(c echo.Context) error {
	list, err := s.forum.ListThreads(c.Request().Context(), c.Param("slug"), "")
	if err != nil {
		return err
	}
	f := &feeds.Feed{
		Title:       list.Category.Name + " · " + s.site(c).Name,
		Link:        &feeds.Link{Href: s.cfg.URL + "/c/" + list.Category.Slug},
		Description: list.Category.Description,
		Id:          s.cfg.URL + "/c/" + list.Category.Slug,
		Created:     list.Category.CreatedAt,
	}
	for _, t := range append(list.Pinned, list.Threads...) {
		item := &feeds.Item{
			Title:   t.Title,
			Link:    &feeds.Link{Href: s.cfg.URL + threadURL(&t.Thread)},
			Id:      s.cfg.URL + "/t/" + strconv.FormatInt(t.ID, 10),
			Created: t.CreatedAt,
			Updated: t.LastPostAt,
		}
		if t.Author != nil {
			item.Author = &feeds.Author{Name: t.Author.Name()}
		}
		f.Items = append(f.Items, item)
		if f.Updated.Before(t.LastPostAt) {
			f.Updated = t.LastPostAt
		}
	}
	return s.writeFeed(c, f)
}

// threadFeed serves a thread's most recent posts as RSS or Atom.
func (s *Server) threadFeed(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	first, err := s.forum.ThreadPage(ctx, nil, id, 1)
	if err != nil {
		return err
	}
	tp := first
	if first.Pages > 1 {
		if tp, err = s.forum.ThreadPage(ctx, nil, id, first.Pages); err != nil {
			return err
		}
	}
	t := tp.Thread
	f := &feeds.Feed{
		Title:   t.Title + " · " + s.site(c).Name,
		Link:    &feeds.Link{Href: s.cfg.URL + threadURL(t)},
		Id:      s.cfg.URL + "/t/" + strconv.FormatInt(t.ID, 10),
		Created: t.CreatedAt,
		Updated: t.LastPostAt,
	}
	posts := tp.Posts
	for i := len(posts) - 1; i >= 0 && len(f.Items) < 50; i-- {
		p := posts[i]
		if p.Deleted() || p.Hidden {
			continue
		}
		item := &feeds.Item{
			Title:   t.Title + " #" + strconv.Itoa(p.Number),
			Link:    &feeds.Link{Href: s.cfg.URL + s.postLocation(&p.Post)},
			Id:      s.cfg.URL + "/p/" + strconv.FormatInt(p.ID, 10),
			Created: p.CreatedAt,
			Content: p.HTML,
		}
		if p.EditedAt != nil {
			item.Updated = *p.EditedAt
		}
		if p.Author != nil {
			item.Author = &feeds.Author{Name: p.Author.Name()}
		}
		f.Items = append(f.Items, item)
	}
	return s.writeFeed(c, f)
}

func (s *Server) writeFeed(c echo.Context, f *feeds.Feed) error {
	if f.Updated.IsZero() {
		f.Updated = s.forum.Now()
	}
	var body, ct string
	var err error
	if strings.HasSuffix(c.Request().URL.Path, ".atom") {
		body, err = f.ToAtom()
		ct = "application/atom+xml; charset=utf-8"
	} else {
		body, err = f.ToRss()
		ct = "application/rss+xml; charset=utf-8"
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=60")
	return c.Blob(http.StatusOK, ct, []byte(body))
}
