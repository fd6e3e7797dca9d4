package forum

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/hearth/hearth/models"
)

// SetRole gives a member a role. Administrators only; an administrator
// cannot change their own role, so the forum is never left without one by
// accident. Moderators and ambassadors may be limited to categories (by
// slug); an empty list makes the role site-wide. Setting the role and
// categories a member already has changes and records nothing.
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
		v.add("role", "errors.common.role_must_member_ambassador")
	}
	if len(categories) > 0 && role != models.RoleModerator && role != models.RoleAmbassador {
		v.add("categories", "errors.roles.only_moderators_ambassadors_can")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	var target *models.User
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		catIDs := make([]int64, 0, len(categories))
		var slugs []string
		for _, slug := range categories {
			slug = strings.ToLower(strings.TrimSpace(slug))
			c, err := s.store.CategoryBySlug(ctx, slug)
			if errors.Is(err, models.ErrNotFound) {
				return invalid("categories", "errors.roles.no_such_category", "Slug", strconv.Quote(slug))
			} else if err != nil {
				return err
			}
			if !containsID(catIDs, c.ID) {
				catIDs, slugs = append(catIDs, c.ID), append(slugs, c.Slug)
			}
		}
		sort.Slice(catIDs, func(i, j int) bool { return catIDs[i] < catIDs[j] })
		sort.Strings(slugs)
		var err error
		if target, err = s.store.UserByUsername(ctx, strings.TrimSpace(username)); err != nil {
			return mapNotFound(err)
		}
		if target.IsRemote() {
			return invalid("username", "errors.roles.remote_accounts_cannot_hold")
		}
		if target.ID == actor.ID && role != target.Role {
			return invalid("role", "errors.roles.cannot_change_own_role")
		}
		current, err := s.store.RoleCategoryIDs(ctx, target.ID)
		if err != nil {
			return err
		}
		if role == target.Role && sameIDs(current, catIDs) {
			target.RoleCategoryIDs = current
			return nil
		}
		now := s.now()
		from := target.Role
		if err := s.store.SetUserRole(ctx, target.ID, role, now); err != nil {
			return err
		}
		if err := s.store.SetRoleCategories(ctx, target.ID, catIDs, now); err != nil {
			return err
		}
		// A role change takes effect on the member's next request (the
		// role is read from the database each time); their posts' role
		// badges follow through the fragment caches' author-role key.
		target.Role, target.UpdatedAt, target.RoleScoped, target.RoleCategoryIDs = role, now, len(catIDs) > 0, catIDs
		details := map[string]any{"username": target.Username, "from": from, "to": role}
		if len(slugs) > 0 {
			details["categories"] = slugs
		}
		return s.record(ctx, actor, "user.role", TargetUser, target.ID, "", details, now)
	})
	if err != nil {
		return nil, err
	}
	return target, nil
}

func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// StaffMember is a local member holding a role, with the slugs of the
// categories it is limited to (none: site-wide).
type StaffMember struct {
	models.User
	Categories []string
}

// LocalStaff lists this forum's administrators, moderators and ambassadors
// for the roles page. Administrators only.
func (s *Service) LocalStaff(ctx context.Context, actor *models.User) ([]StaffMember, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if !CanAdminister(actor) {
		return nil, ErrForbidden
	}
	cats, err := s.store.Categories(ctx)
	if err != nil {
		return nil, err
	}
	slugs := make(map[int64]string, len(cats))
	for _, c := range cats {
		slugs[c.ID] = c.Slug
	}
	var out []StaffMember
	for _, role := range []string{models.RoleAdmin, models.RoleModerator, models.RoleAmbassador} {
		us, err := s.store.LocalUsersByRole(ctx, role)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			m := StaffMember{User: u}
			if u.RoleScoped {
				ids, err := s.store.RoleCategoryIDs(ctx, u.ID)
				if err != nil {
					return nil, err
				}
				for _, id := range ids {
					m.Categories = append(m.Categories, slugs[id])
				}
			}
			out = append(out, m)
		}
	}
	return out, nil
}
