package forum

import (
	"context"

	"github.com/hearth/hearth/models"
)

// LoadScope fills a scoped actor's role categories from the database. The
// session and token lookups call it, and so does every moderation entry
// point (so a caller that built the actor some other way still gets the
// right answer).
func (s *Service) LoadScope(ctx context.Context, actor *models.User) error {
	if actor == nil || !actor.RoleScoped || actor.RoleCategoryIDs != nil {
		return nil
	}
	ids, err := s.store.RoleCategoryIDs(ctx, actor.ID)
	if err != nil {
		return err
	}
	actor.RoleCategoryIDs = ids
	return nil
}
