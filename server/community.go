package server

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// The community manager's page, /community: who is waiting for an answer,
// and (for staff) the headline figures. Never cached: it is for the team.

func (s *Server) communityRoutes(g *echo.Group) {
	g.GET("/community", s.communityPage, requireLogin)
}

// CommunityData is the /community page.
type CommunityData struct {
	Queue *forum.NeedsResponsePage
	Stats *StatsJSON // nil for ambassadors, who see the queue only
	// NextURL keeps the category filter on the link to the next page.
	NextURL string
}

func (s *Server) communityPage(c echo.Context) error {
	ctx, v := c.Request().Context(), viewer(c)
	q, err := s.forum.NeedsResponse(ctx, v, c.QueryParam("category"), c.QueryParam("after"))
	if err != nil {
		return err
	}
	d := CommunityData{Queue: q}
	if q.Next != "" {
		p := c.QueryParams()
		p.Set("after", q.Next)
		d.NextURL = "/community?" + p.Encode()
	}
	if forum.CanReadCommunityStats(v) {
		st, err := s.forum.Stats(ctx, v, "", "")
		if err != nil {
			return err
		}
		j := statsJSON(st)
		d.Stats = &j
	}
	p := s.page(c, "Community")
	p.NoIndex = true
	p.Data = d
	return s.tmpl.render(c, http.StatusOK, "community", p)
}

// NoResponsePercent is the no-response share as the page shows it; templates
// have no arithmetic.
func (j StatsJSON) NoResponsePercent() string {
	return strconv.FormatFloat(j.NoResponseShare*100, 'f', 0, 64) + "%"
}
