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
