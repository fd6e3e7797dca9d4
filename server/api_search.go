package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) apiTag(c echo.Context) error {
	tag, ts, err := s.forum.TagThreads(c.Request().Context(), c.Param("tag"), 50)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"tag": tag.Name, "thread_count": tag.ThreadCount, "threads": s.summariesJSON(ts)})
}

// apiSearch answers /api/v1/search with the fields of the /search form
// (q, type, category, author, from, to, sort, after): the counts, the
// results with their highlighted snippets (escaped HTML with <mark>), and
// "next", the cursor of the following page ("" on the last).
func (s *Server) apiSearch(c echo.Context) error {
	res, err := s.forum.SearchWith(c.Request().Context(), s.searchQuery(c))
	if err != nil {
		return err
	}
	type postHit struct {
		PostJSON
		SnippetHTML string `json:"snippet_html"`
	}
	type threadHit struct {
		ThreadJSON
		TitleHTML string `json:"title_html"`
	}
	posts := make([]postHit, len(res.Posts))
	for i := range res.Posts {
		posts[i] = postHit{s.postJSON(&res.Posts[i].Post, res.Posts[i].Author), res.Posts[i].Snippet}
	}
	sums := s.summariesJSON(res.Threads)
	threads := make([]threadHit, len(sums))
	for i := range sums {
		threads[i] = threadHit{sums[i], res.TitleMarks[res.Threads[i].ID]}
	}
	return c.JSON(http.StatusOK, map[string]any{"query": res.Query, "thread_count": res.ThreadCount, "post_count": res.PostCount,
		"threads": threads, "posts": posts, "next": res.Next})
}
