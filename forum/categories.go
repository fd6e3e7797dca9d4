package forum

import (
	"context"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hearth/hearth/models"
)

var (
	slugPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9-_]{0,49}$`)
	colorPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
)

// CategoryInput describes a new category.
type CategoryInput struct {
	Name        string
	Slug        string
	Description string
	Color       string
	ParentSlug  string
	// AmbassadorsOnly makes a private category for ambassadors and staff
	// that federates nowhere.
	AmbassadorsOnly bool
	// StaffOnlyThreads lets only the category's moderators and admins
	// start threads.
	StaffOnlyThreads bool
}

// CategoryNode is a top-level category with its subcategories.
type CategoryNode struct {
	models.Category
	Children []models.Category
}

// CreateCategory adds a category; only administrators may.
func (s *Service) CreateCategory(ctx context.Context, actor *models.User, in CategoryInput) (*models.Category, error) {
	if !CanCreateCategory(actor) {
		return nil, ErrForbidden
	}
	v := validation{}
	in.Name = strings.TrimSpace(in.Name)
	in.Slug = strings.ToLower(strings.TrimSpace(in.Slug))
	// Without a slug, one is made from the name in the transaction below,
	// always valid and free; a slug the admin typed is checked as typed.
	fromName := in.Slug == ""
	checkText(v, "name", in.Name, 1, 80)
	checkText(v, "description", in.Description, 0, 1000)
	switch {
	case fromName:
	case !slugPattern.MatchString(in.Slug):
		if s := Slugify(in.Slug, 50); s != "" {
			v.add("slug", "errors.categories.bad_slug_example", "Example", s)
		} else {
			v.add("slug", "errors.categories.bad_slug")
		}
	case reservedNames[in.Slug]:
		v.add("slug", "errors.common.name_reserved")
	}
	if in.Color == "" {
		in.Color = "#3b82f6"
	}
	if !colorPattern.MatchString(in.Color) {
		v.add("color", "errors.common.use_colour_like_3b82f6")
	}
	var c *models.Category
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		var parentID *int64
		if in.ParentSlug != "" {
			p, err := s.store.CategoryBySlug(ctx, in.ParentSlug)
			switch {
			case err != nil:
				v.add("parent", "errors.common.no_category_slug")
			case p.ParentID != nil:
				v.add("parent", "errors.common.subcategories_cannot_have_subcategories")
			default:
				parentID = &p.ID
			}
		}
		if fromName {
			if v.err() != nil {
				return v.err()
			}
			slug, err := s.freeCategorySlug(ctx, in.Name)
			if err != nil {
				return err
			}
			in.Slug = slug
		} else {
			if _, err := s.store.CategoryBySlug(ctx, in.Slug); err == nil {
				v.add("slug", "errors.common.category_slug_exists")
			}
			if owner, err := s.store.OldSlugOwner(ctx, in.Slug); err != nil {
				return err
			} else if owner != 0 {
				v.add("slug", "errors.common.slug_was_another_category")
			}
			if _, err := s.store.UserByUsername(ctx, in.Slug); err == nil {
				v.add("slug", "errors.common.name_taken_member")
			}
		}
		if err := v.err(); err != nil {
			return err
		}
		c = &models.Category{Name: in.Name, Slug: in.Slug, Description: strings.TrimSpace(in.Description), Color: strings.ToLower(in.Color), ParentID: parentID, AmbassadorsOnly: in.AmbassadorsOnly, APSlug: in.Slug, StaffOnlyThreads: in.StaffOnlyThreads}
		if err := s.store.CreateCategory(ctx, c); err != nil {
			return err
		}
		if parentID != nil {
			// The parent's page lists its subcategories.
			return s.store.TouchCategory(ctx, *parentID, s.now())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// CategoryTree lists the public categories with their subcategories.
func (s *Service) CategoryTree(ctx context.Context) ([]CategoryNode, error) {
	return s.CategoryTreeFor(ctx, nil)
}

// CategoryTreeFor lists the categories the viewer may see (private ones for
// ambassadors and staff) with their subcategories.
func (s *Service) CategoryTreeFor(ctx context.Context, viewer *models.User) ([]CategoryNode, error) {
	all, err := s.store.Categories(ctx)
	if err != nil {
		return nil, err
	}
	cs := all[:0:0]
	for _, c := range all {
		if CanSeeCategory(viewer, &c) {
			cs = append(cs, c)
		}
	}
	var nodes []CategoryNode
	index := map[int64]int{}
	for _, c := range cs {
		if c.ParentID == nil {
			index[c.ID] = len(nodes)
			nodes = append(nodes, CategoryNode{Category: c})
		}
	}
	for _, c := range cs {
		if c.ParentID != nil {
			if i, ok := index[*c.ParentID]; ok {
				nodes[i].Children = append(nodes[i].Children, c)
			}
		}
	}
	return nodes, nil
}

// Categories lists all categories flat, in display order.
func (s *Service) Categories(ctx context.Context) ([]models.Category, error) {
	return s.store.Categories(ctx)
}

// CategoryBySlug loads a public category: a private one (ambassadors
// only) is ErrNotFound here, which is what keeps it out of WebFinger, actor
// documents and follows. Viewers who may see it use CategoryBySlugFor.
func (s *Service) CategoryBySlug(ctx context.Context, slug string) (*models.Category, error) {
	return s.CategoryBySlugFor(ctx, nil, slug)
}

// CategoryBySlugFor loads a category the viewer may see.
func (s *Service) CategoryBySlugFor(ctx context.Context, viewer *models.User, slug string) (*models.Category, error) {
	c, err := s.store.CategoryBySlug(ctx, strings.ToLower(slug))
	if err != nil {
		return nil, mapNotFound(err)
	}
	if !CanSeeCategory(viewer, c) {
		return nil, ErrNotFound
	}
	return c, nil
}

// categoryBySlugVersionedFor is CategoryBySlugFor with the version of the
// category's thread list, read in the same query (a cache key: the check
// above it decides who may read).
func (s *Service) categoryBySlugVersionedFor(ctx context.Context, viewer *models.User, slug string) (*models.Category, string, error) {
	c, version, err := s.store.CategoryBySlugVersioned(ctx, strings.ToLower(slug))
	if err != nil {
		return nil, "", mapNotFound(err)
	}
	if !CanSeeCategory(viewer, c) {
		return nil, "", ErrNotFound
	}
	return c, version, nil
}

// checkText validates a free-text field's encoding and length in runes.
func checkText(v validation, field, text string, min, max int) {
	if !utf8.ValidString(text) {
		v.add(field, "errors.categories.contains_invalid_characters_not")
		return
	}
	n := utf8.RuneCountInString(strings.TrimSpace(text))
	switch {
	case n == 0 && min > 0:
		v.add(field, "errors.common.must_not_empty")
	case n < min:
		v.add(field, "errors.categories.too_short", "Min", min)
	case n > max:
		v.add(field, "errors.categories.too_long", "Max", max, "Length", n)
	}
}

// CategoryVersion identifies the current state of a category's thread list,
// for page caches: it changes with every new thread or post in it, any
// change to one of its threads, and any change to the category itself.
func (s *Service) CategoryVersion(ctx context.Context, slug string) (string, error) {
	_, v, err := s.store.CategoryVersion(ctx, strings.ToLower(slug))
	return v, mapNotFound(err)
}
