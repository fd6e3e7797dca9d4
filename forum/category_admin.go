package forum

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/hearth/hearth/models"
)

// TargetCategory names a category in the audit log.
const TargetCategory = "category"

// CategoryEdit is a change to a category: nil fields stay as they are (the
// API's PATCH sends only what changes; the admin form sends everything).
type CategoryEdit struct {
	Name        *string
	Slug        *string
	Description *string
	Color       *string
	// Parent is the parent's slug; "" makes a top-level category.
	Parent          *string
	Position        *int
	AmbassadorsOnly *bool
	// StaffOnlyThreads: only the category's moderators and admins may
	// start threads (replies stay open to members).
	StaffOnlyThreads *bool
}

// CategoryHooks is the optional hook federation implements to tell a
// category's followers that its Group changed (name, slug, description).
// Called inside the transaction of the change, like Hooks; never for a
// private category.
type CategoryHooks interface {
	CategoryUpdated(ctx context.Context, c *models.Category) error
}

// CategoryUpdated passes through the private-category guard: a private
// category has no Group to update.
func (g privateGuard) CategoryUpdated(ctx context.Context, c *models.Category) error {
	h, ok := g.inner.(CategoryHooks)
	if !ok || c.AmbassadorsOnly {
		return nil
	}
	return h.CategoryUpdated(ctx, c)
}

// checkAdmin is the one permission of category administration.
func checkAdmin(actor *models.User) error {
	if actor == nil {
		return ErrUnauthorized
	}
	if !CanCreateCategory(actor) {
		return ErrForbidden
	}
	return nil
}

// UpdateCategory changes a category; only administrators may. A new slug
// leaves the old one behind in the slug history, so old links redirect and
// the fediverse Group keeps its id (APSlug never changes). The change is
// audited with each field's old and new value.
func (s *Service) UpdateCategory(ctx context.Context, actor *models.User, slug string, in CategoryEdit) (*models.Category, error) {
	if err := checkAdmin(actor); err != nil {
		return nil, err
	}
	var out *models.Category
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.store.CategoryBySlug(ctx, strings.ToLower(strings.TrimSpace(slug)))
		if err != nil {
			return mapNotFound(err)
		}
		before := *c
		v := validation{}
		if in.Name != nil {
			c.Name = strings.TrimSpace(*in.Name)
			checkText(v, "name", c.Name, 1, 80)
		}
		if in.Description != nil {
			c.Description = strings.TrimSpace(*in.Description)
			checkText(v, "description", c.Description, 0, 1000)
		}
		if in.Color != nil {
			c.Color = strings.ToLower(strings.TrimSpace(*in.Color))
			if !colorPattern.MatchString(c.Color) {
				v.add("color", "errors.common.use_colour_like_3b82f6")
			}
		}
		if in.Slug != nil {
			c.Slug = strings.ToLower(strings.TrimSpace(*in.Slug))
			if c.Slug != before.Slug {
				if err := s.checkNewSlug(ctx, v, c.Slug, c.ID); err != nil {
					return err
				}
			}
		}
		if in.Parent != nil {
			if err := s.checkParent(ctx, v, c, strings.ToLower(strings.TrimSpace(*in.Parent))); err != nil {
				return err
			}
		}
		if in.Position != nil {
			c.Position = *in.Position
			if c.Position < 0 || c.Position > 1_000_000 {
				v.add("position", "errors.category_admin.use_number_from_0")
			}
		}
		if in.AmbassadorsOnly != nil {
			c.AmbassadorsOnly = *in.AmbassadorsOnly
		}
		if in.StaffOnlyThreads != nil {
			c.StaffOnlyThreads = *in.StaffOnlyThreads
		}
		if err := v.err(); err != nil {
			return err
		}
		changes := categoryChanges(&before, c)
		out = c
		if len(changes) == 0 {
			return nil
		}
		if c.APSlug == "" {
			c.APSlug = before.Slug
		}
		now := s.now()
		if err := s.store.SaveCategory(ctx, c, now); err != nil {
			return err
		}
		if c.Slug != before.Slug {
			if err := s.store.RecordOldSlug(ctx, before.Slug, c.Slug, c.ID, now); err != nil {
				return err
			}
		}
		for _, p := range []*int64{before.ParentID, c.ParentID} {
			if p != nil && !sameParent(before.ParentID, c.ParentID) {
				// A parent's page lists its subcategories.
				if err := s.store.TouchCategory(ctx, *p, now); err != nil {
					return err
				}
			}
		}
		if err := s.record(ctx, actor, "category.edit", TargetCategory, c.ID, "", map[string]any{"slug": c.Slug, "changes": changes}, now); err != nil {
			return err
		}
		if changes["name"] != nil || changes["slug"] != nil || changes["description"] != nil {
			if h, ok := s.hooks.(CategoryHooks); ok {
				return h.CategoryUpdated(ctx, c)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkNewSlug validates a slug a category is renamed to: the pattern, and
// free of reserved names, other categories (current and old slugs, which
// still redirect) and members (one fediverse namespace).
func (s *Service) checkNewSlug(ctx context.Context, v validation, slug string, self int64) error {
	switch {
	case !slugPattern.MatchString(slug):
		if s := Slugify(slug, 50); s != "" {
			v.add("slug", "errors.categories.bad_slug_example", "Example", s)
		} else {
			v.add("slug", "errors.categories.bad_slug")
		}
		return nil
	case reservedNames[slug]:
		v.add("slug", "errors.common.name_reserved")
		return nil
	}
	if _, err := s.store.CategoryBySlug(ctx, slug); err == nil {
		v.add("slug", "errors.common.category_slug_exists")
	} else if !errors.Is(err, models.ErrNotFound) {
		return err
	}
	owner, err := s.store.OldSlugOwner(ctx, slug)
	if err != nil {
		return err
	}
	if owner != 0 && owner != self {
		v.add("slug", "errors.common.slug_was_another_category")
	}
	if _, err := s.store.UserByUsername(ctx, slug); err == nil {
		v.add("slug", "errors.common.name_taken_member")
	} else if !errors.Is(err, models.ErrNotFound) {
		return err
	}
	return nil
}

// checkParent sets c's parent from a slug ("" for none), refusing loops:
// categories nest one level, so a category with subcategories cannot get a
// parent and a parent must be top-level and not c itself.
func (s *Service) checkParent(ctx context.Context, v validation, c *models.Category, slug string) error {
	if slug == "" {
		c.ParentID = nil
		return nil
	}
	p, err := s.store.CategoryBySlug(ctx, slug)
	if errors.Is(err, models.ErrNotFound) {
		v.add("parent", "errors.common.no_category_slug")
		return nil
	} else if err != nil {
		return err
	}
	switch {
	case p.ID == c.ID:
		v.add("parent", "errors.category_admin.category_cannot_own_parent")
		return nil
	case p.ParentID != nil:
		v.add("parent", "errors.common.subcategories_cannot_have_subcategories")
		return nil
	}
	n, err := s.store.CountSubcategories(ctx, c.ID)
	if err != nil {
		return err
	}
	if n > 0 {
		v.add("parent", "errors.category_admin.category_has_subcategories_so")
		return nil
	}
	c.ParentID = &p.ID
	return nil
}

func sameParent(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// categoryChanges lists the fields that differ, each as [old, new], for
// the audit log.
func categoryChanges(a, b *models.Category) map[string]any {
	out := map[string]any{}
	add := func(field string, old, new any) {
		if old != new {
			out[field] = []any{old, new}
		}
	}
	add("name", a.Name, b.Name)
	add("slug", a.Slug, b.Slug)
	add("description", a.Description, b.Description)
	add("color", a.Color, b.Color)
	add("position", a.Position, b.Position)
	add("ambassadors_only", a.AmbassadorsOnly, b.AmbassadorsOnly)
	add("staff_only_threads", a.StaffOnlyThreads, b.StaffOnlyThreads)
	if !sameParent(a.ParentID, b.ParentID) {
		out["parent"] = []any{parentName(a.ParentID), parentName(b.ParentID)}
	}
	return out
}

func parentName(id *int64) string {
	if id == nil {
		return ""
	}
	return strconv.FormatInt(*id, 10)
}

// MoveCategory moves a category one place up (delta -1) or down (+1) among
// its siblings (the top-level categories, or its parent's subcategories),
// renumbering the siblings' positions 0, 1, 2… in their new order.
func (s *Service) MoveCategory(ctx context.Context, actor *models.User, slug string, delta int) error {
	if err := checkAdmin(actor); err != nil {
		return err
	}
	if delta != -1 && delta != 1 {
		return invalid("direction", "errors.category_admin.move_up_down")
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		all, err := s.store.Categories(ctx)
		if err != nil {
			return err
		}
		var c *models.Category
		for i := range all {
			if all[i].Slug == strings.ToLower(slug) {
				c = &all[i]
			}
		}
		if c == nil {
			return ErrNotFound
		}
		var sibs []*models.Category
		at := -1
		for i := range all {
			if sameParent(all[i].ParentID, c.ParentID) {
				if all[i].ID == c.ID {
					at = len(sibs)
				}
				sibs = append(sibs, &all[i])
			}
		}
		to := at + delta
		if to < 0 || to >= len(sibs) {
			return nil // already first or last
		}
		sibs[at], sibs[to] = sibs[to], sibs[at]
		now := s.now()
		for i, sib := range sibs {
			if sib.Position != i {
				sib.Position = i
				if err := s.store.SaveCategory(ctx, sib, now); err != nil {
					return err
				}
			}
		}
		return s.record(ctx, actor, "category.reorder", TargetCategory, c.ID, "", map[string]any{"slug": c.Slug, "position": to}, now)
	})
}

// DeleteCategory deletes a category after moving all its threads (and held
// new threads) into another, in one transaction: the target takes over its
// counts, and its old URLs redirect to the target from then on. Its
// subcategories become top-level categories. The last category cannot be
// deleted, nor can threads move into the category itself or one of its
// subcategories. It returns the target and how many threads moved.
func (s *Service) DeleteCategory(ctx context.Context, actor *models.User, slug, moveTo string) (*models.Category, int, error) {
	if err := checkAdmin(actor); err != nil {
		return nil, 0, err
	}
	var target *models.Category
	var moved int
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.store.CategoryBySlug(ctx, strings.ToLower(strings.TrimSpace(slug)))
		if err != nil {
			return mapNotFound(err)
		}
		all, err := s.store.Categories(ctx)
		if err != nil {
			return err
		}
		if len(all) <= 1 {
			return invalid("move_to", "errors.category_admin.last_category_cannot_deleted")
		}
		moveTo = strings.ToLower(strings.TrimSpace(moveTo))
		if moveTo == "" {
			return invalid("move_to", "errors.category_admin.choose_category_threads_move")
		}
		to, err := s.store.CategoryBySlug(ctx, moveTo)
		switch {
		case errors.Is(err, models.ErrNotFound):
			return invalid("move_to", "errors.common.no_category_slug")
		case err != nil:
			return err
		case to.ID == c.ID:
			return invalid("move_to", "errors.category_admin.threads_cannot_move_into2")
		case to.ParentID != nil && *to.ParentID == c.ID:
			return invalid("move_to", "errors.category_admin.threads_cannot_move_into")
		}
		now := s.now()
		for i := range all {
			if all[i].ParentID != nil && *all[i].ParentID == c.ID {
				all[i].ParentID = nil
				if err := s.store.SaveCategory(ctx, &all[i], now); err != nil {
					return err
				}
			}
		}
		if moved, err = s.store.MergeCategoryInto(ctx, c, to.ID, now); err != nil {
			return err
		}
		if c.ParentID != nil && *c.ParentID != to.ID {
			if err := s.store.TouchCategory(ctx, *c.ParentID, now); err != nil {
				return err
			}
		}
		target = to
		return s.record(ctx, actor, "category.delete", TargetCategory, c.ID, "", map[string]any{
			"slug": c.Slug, "name": c.Name, "moved_to": to.Slug, "threads": moved,
		}, now)
	})
	if err != nil {
		return nil, 0, err
	}
	return target, moved, nil
}

// ResolveCategorySlug finds the category a slug names now, for a viewer
// who may see it: the one with that slug, else the one an old slug of a
// renamed or deleted category leads to (moved is then true, and callers
// redirect to the current slug).
func (s *Service) ResolveCategorySlug(ctx context.Context, viewer *models.User, slug string) (c *models.Category, moved bool, err error) {
	slug = strings.ToLower(slug)
	c, err = s.store.CategoryBySlug(ctx, slug)
	if errors.Is(err, models.ErrNotFound) {
		c, err = s.store.CategoryByOldSlug(ctx, slug)
		moved = true
	}
	if err != nil {
		return nil, false, mapNotFound(err)
	}
	if !CanSeeCategory(viewer, c) {
		return nil, false, ErrNotFound
	}
	return c, moved, nil
}

// CategoryByID loads a category by id, whoever may see it: for showing a
// category's parent, which callers already showed the child of.
func (s *Service) CategoryByID(ctx context.Context, id int64) (*models.Category, error) {
	c, err := s.store.CategoryByID(ctx, id)
	return c, mapNotFound(err)
}

// mayStartThread is the category's post permission: in a staff-only
// category only its moderators and admins start threads.
func (s *Service) mayStartThread(ctx context.Context, actor *models.User, c *models.Category) (bool, error) {
	if !c.StaffOnlyThreads {
		return true, nil
	}
	if err := s.LoadScope(ctx, actor); err != nil {
		return false, err
	}
	return CanModerateCategory(actor, c.ID), nil
}
