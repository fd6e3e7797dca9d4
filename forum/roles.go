package forum

import (
	"context"
	"strings"

	"github.com/hearth/hearth/models"
)

// SetRole gives a member a role. Administrators only; an administrator
// cannot change their own role, so the forum is never left without one by
// accident. Setting the role a member already has changes and records
// nothing.
//
// Category-scoped moderators and ambassadors are not in this slice: every
// permission check treats a moderator as site-wide, so storing categories
// would silently grant more than the administrator meant. Non-empty
// categories are refused until the checks take a category.
func (s *Service) SetRole(ctx context.Context, actor *models.User, username, role string, categories []string) (*models.User, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if !CanAdminister(actor) {
		return nil, ErrForbidden
	}
	role = strings.ToLower(strings.TrimSpace(role))
	v := validation{}
	if !validRole(role) {
		v.add("role", "role must be member, ambassador, moderator or admin")
	}
	if len(categories) > 0 {
		v.add("categories", "category-scoped roles are not supported yet; leave categories empty for a site-wide role")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	var target *models.User
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if target, err = s.store.UserByUsername(ctx, strings.TrimSpace(username)); err != nil {
			return mapNotFound(err)
		}
		if target.IsRemote() {
			return &ValidationError{Fields: map[string]string{"username": "remote accounts cannot hold a role here"}}
		}
		if target.ID == actor.ID && role != target.Role {
			return &ValidationError{Fields: map[string]string{"role": "you cannot change your own role; ask another administrator"}}
		}
		if role == target.Role {
			return nil
		}
		now := s.now()
		from := target.Role
		if err := s.store.SetUserRole(ctx, target.ID, role, now); err != nil {
			return err
		}
		target.Role, target.UpdatedAt = role, now
		return s.record(ctx, actor, "user.role", TargetUser, target.ID, "",
			map[string]any{"username": target.Username, "from": from, "to": role}, now)
	})
	if err != nil {
		return nil, err
	}
	return target, nil
}
