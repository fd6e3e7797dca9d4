package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/models"
)

// Moderation of the fediverse: forwarding a report about a remote post to
// its server, blocking single remote accounts, and the public list of
// blocked instances. The rules are in forum/ (remote_blocks.go,
// remote_reports.go); these handlers bind and shape.

// RemoteBlockJSON is one blocked remote account.
type RemoteBlockJSON struct {
	ID        int64     `json:"id"`
	Actor     string    `json:"actor"`
	Domain    string    `json:"domain"`
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"created_at"`
}

func remoteBlockJSON(b *models.RemoteUserBlock) RemoteBlockJSON {
	return RemoteBlockJSON{ID: b.ID, Actor: b.ActorAPID, Domain: b.Domain, Reason: b.Reason, CreatedAt: b.CreatedAt}
}

// remoteModRoutes adds the pages and form targets.
func (s *Server) remoteModRoutes(g *echo.Group) {
	g.GET("/instances/blocked", s.blockedInstances)
	g.POST("/mod/queue/:id/forward", s.modForward, requireLogin)
	g.POST("/mod/remote-blocks", s.modBlockRemote, requireLogin)
}

// apiRemoteModRoutes adds the JSON API under /api/v1.
func (s *Server) apiRemoteModRoutes(g *echo.Group) {
	g.POST("/mod/queue/:item/forward", s.apiModForward)
	g.GET("/mod/remote-blocks", s.apiRemoteBlocks)
	g.POST("/mod/remote-blocks", s.apiBlockRemote)
	g.DELETE("/mod/remote-blocks/:id", s.apiUnblockRemote)
}

// BlockedInstancesData is the public list of blocked instances.
type BlockedInstancesData struct {
	Blocks []models.InstanceBlock
}

func (s *Server) blockedInstances(c echo.Context) error {
	bs, err := s.forum.PublicInstanceBlocks(c.Request().Context())
	if err != nil {
		return err
	}
	p := s.page(c, s.t(c, "account.instances_blocked.title"))
	p.Data = BlockedInstancesData{Blocks: bs}
	return s.tmpl.render(c, http.StatusOK, "instances_blocked", p)
}

func (s *Server) modForward(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.forum.ForwardReport(c.Request().Context(), viewer(c), id, c.FormValue("comment")); err != nil {
		return err
	}
	s.setFlash(c, s.t(c, "staff.queue.forwarded"))
	return c.Redirect(http.StatusSeeOther, "/mod")
}

func (s *Server) modBlockRemote(c echo.Context) error {
	if _, err := s.forum.BlockRemoteUser(c.Request().Context(), viewer(c), c.FormValue("actor"), c.FormValue("reason")); err != nil {
		return err
	}
	s.setFlash(c, s.t(c, "staff.queue.blocked", "Name", c.FormValue("actor")))
	return c.Redirect(http.StatusSeeOther, "/mod")
}

func (s *Server) apiModForward(c echo.Context) error {
	id, err := idParam(c, "item")
	if err != nil {
		return err
	}
	var in struct {
		Comment string `json:"comment"`
	}
	if c.Request().ContentLength != 0 {
		if err := bindJSON(c, &in); err != nil {
			return err
		}
	}
	if err := s.forum.ForwardReport(c.Request().Context(), viewer(c), id, in.Comment); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"id": id, "forwarded": true})
}

func (s *Server) apiRemoteBlocks(c echo.Context) error {
	bs, err := s.forum.RemoteUserBlocks(c.Request().Context(), viewer(c))
	if err != nil {
		return err
	}
	out := make([]RemoteBlockJSON, len(bs))
	for i := range bs {
		out[i] = remoteBlockJSON(&bs[i])
	}
	return c.JSON(http.StatusOK, map[string]any{"blocks": out})
}

func (s *Server) apiBlockRemote(c echo.Context) error {
	var in struct {
		Actor  string `json:"actor"`
		Reason string `json:"reason"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	b, err := s.forum.BlockRemoteUser(c.Request().Context(), viewer(c), in.Actor, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, remoteBlockJSON(b))
}

func (s *Server) apiUnblockRemote(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.forum.UnblockRemoteUser(c.Request().Context(), viewer(c), id, c.QueryParam("reason")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
