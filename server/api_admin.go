package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Member sanctions, roles and instance blocks. The rules (who may act on
// whom, what repeats do) are in forum/; these handlers bind and shape.

// SanctionJSON is a silence or suspension.
type SanctionJSON struct {
	ID        int64      `json:"id"`
	Username  string     `json:"username"`
	Kind      string     `json:"kind"`
	Reason    string     `json:"reason"`
	StartsAt  time.Time  `json:"starts_at"`
	EndsAt    *time.Time `json:"ends_at"` // null: indefinite
	CreatedAt time.Time  `json:"created_at"`
}

// InstanceBlockJSON is one blocked instance.
type InstanceBlockJSON struct {
	Domain    string    `json:"domain"`
	Severity  string    `json:"severity"`
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (s *Server) apiAdminRoutes(g *echo.Group) {
	g.POST("/mod/users/:username/:op", s.apiModUser)
	g.POST("/admin/users/:username/role", s.apiSetRole)
	g.GET("/admin/instance-blocks", s.apiInstanceBlocks)
	g.POST("/admin/instance-blocks", s.apiBlockInstance)
	g.DELETE("/admin/instance-blocks/:domain", s.apiUnblockInstance)
}

// apiModUser runs silence, suspend, unsilence and unsuspend; the body
// {duration, reason} is optional.
func (s *Server) apiModUser(c echo.Context) error {
	var in struct {
		Duration string `json:"duration"`
		Reason   string `json:"reason"`
	}
	if c.Request().ContentLength != 0 {
		if err := bindJSON(c, &in); err != nil {
			return err
		}
	}
	ctx, u, name := c.Request().Context(), viewer(c), c.Param("username")
	var sn *models.Sanction
	var err error
	switch c.Param("op") {
	case "silence":
		sn, err = s.forum.Silence(ctx, u, name, in.Duration, in.Reason)
	case "suspend":
		sn, err = s.forum.Suspend(ctx, u, name, in.Duration, in.Reason)
	case "unsilence":
		err = s.forum.Unsilence(ctx, u, name, in.Reason)
	case "unsuspend":
		err = s.forum.Unsuspend(ctx, u, name, in.Reason)
	default:
		return forum.ErrNotFound
	}
	if err != nil {
		return err
	}
	if sn == nil {
		return c.JSON(http.StatusOK, map[string]any{"username": name, "lifted": c.Param("op")[2:]})
	}
	return c.JSON(http.StatusOK, SanctionJSON{ID: sn.ID, Username: name, Kind: sn.Kind, Reason: sn.Reason,
		StartsAt: sn.StartsAt, EndsAt: sn.EndsAt, CreatedAt: sn.CreatedAt})
}

func (s *Server) apiSetRole(c echo.Context) error {
	var in struct {
		Role       string   `json:"role"`
		Categories []string `json:"categories"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	u, err := s.forum.SetRole(c.Request().Context(), viewer(c), c.Param("username"), in.Role, in.Categories)
	if err != nil {
		return err
	}
	// The categories the role is limited to, by slug; empty is site-wide.
	cats, err := s.forum.Categories(c.Request().Context())
	if err != nil {
		return err
	}
	slugs := []string{}
	for _, cat := range cats {
		for _, id := range u.RoleCategoryIDs {
			if id == cat.ID {
				slugs = append(slugs, cat.Slug)
			}
		}
	}
	return c.JSON(http.StatusOK, struct {
		*UserJSON
		Categories []string `json:"categories"`
	}{s.userJSON(u), slugs})
}

func (s *Server) apiInstanceBlocks(c echo.Context) error {
	bs, err := s.forum.InstanceBlocks(c.Request().Context(), viewer(c))
	if err != nil {
		return err
	}
	out := make([]InstanceBlockJSON, len(bs))
	for i, b := range bs {
		out[i] = instanceBlockJSON(&b)
	}
	return c.JSON(http.StatusOK, map[string]any{"blocks": out})
}

func (s *Server) apiBlockInstance(c echo.Context) error {
	var in struct {
		Domain   string `json:"domain"`
		Severity string `json:"severity"`
		Reason   string `json:"reason"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	b, err := s.forum.BlockInstance(c.Request().Context(), viewer(c), in.Domain, in.Severity, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, instanceBlockJSON(b))
}

func (s *Server) apiUnblockInstance(c echo.Context) error {
	if err := s.forum.UnblockInstance(c.Request().Context(), viewer(c), c.Param("domain"), c.QueryParam("reason")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func instanceBlockJSON(b *models.InstanceBlock) InstanceBlockJSON {
	return InstanceBlockJSON{Domain: b.Domain, Severity: b.Severity, Reason: b.Reason, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt}
}
