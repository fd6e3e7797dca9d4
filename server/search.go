package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) search(c echo.Context) error {
	res, err := s.forum.Search(c.Request().Context(), c.QueryParam("q"))
	if err != nil {
		return err
	}
	p := s.page(c, "Search")
	if res.Query != "" {
		p.Title = "Search: " + res.Query
	}
	p.NoIndex = true
	p.Form = Form{Values: map[string]string{"q": res.Query}}
	p.Data = res
	return s.tmpl.render(c, http.StatusOK, "search", p)
}
