package forum

import (
	"context"
	"errors"
	"strings"

	"github.com/hearth/hearth/models"
)

// LocalActor is what a name in Hearth's one fediverse namespace refers to:
// a member or a category, never both (sign-up refuses category slugs and
// category creation refuses usernames), so @name@host is unambiguous.
type LocalActor struct {
	User     *models.User     // set when the name is a member's
	Category *models.Category // set when the name is a category's
}

// ActorByName resolves a WebFinger name, case-insensitively: a member by
// username first, else a category by slug. ErrNotFound when neither exists.
func (s *Service) ActorByName(ctx context.Context, name string) (*LocalActor, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		return nil, ErrNotFound
	}
	u, err := s.store.UserByUsername(ctx, name)
	if err == nil {
		return &LocalActor{User: u}, nil
	}
	if !errors.Is(err, models.ErrNotFound) {
		return nil, err
	}
	// Private categories have no actor; an old slug of a renamed category
	// still names it (the Group keeps its id through renames).
	c, _, err := s.ResolveCategorySlug(ctx, nil, name)
	if err != nil {
		return nil, err
	}
	return &LocalActor{Category: c}, nil
}
