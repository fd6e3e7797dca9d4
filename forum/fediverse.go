package forum

import (
	"context"
	"strings"

	"github.com/hearth/hearth/models"
)

// FediverseHandle is how people elsewhere find a member or category:
// @name@host (host with its port when the URL has one, as WebFinger
// expects). Members and categories share the namespace.
func (s *Service) FediverseHandle(name string) string {
	return "@" + strings.ToLower(name) + "@" + s.cfg.Host()
}

// CategoryFollowers counts the remote actors following a category.
func (s *Service) CategoryFollowers(ctx context.Context, c *models.Category) (int, error) {
	return s.store.CountFollowers(ctx, models.ActorTypeCategory, c.ID)
}

// MemberFollowers counts the remote actors following a member.
func (s *Service) MemberFollowers(ctx context.Context, u *models.User) (int, error) {
	return s.store.CountFollowers(ctx, models.ActorTypeUser, u.ID)
}
