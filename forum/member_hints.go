package forum

import (
	"context"
	"strings"
	"time"

	"github.com/hearth/hearth/models"
)

// First-time hints: a member who signed up recently sees, on the home
// page, where to introduce themselves and how to follow the forum from
// Mastodon, until they dismiss each one. Dismissals are rows
// (models.DismissedHint), so a hint closed on the phone stays closed on
// the laptop. Visitors never see hints, and the pages that show them are
// never served from the anonymous cache (server/pagecache.go).

// The hints' names, as the dismiss form sends them.
const (
	HintIntroductions = "introductions"
	HintFediverse     = "fediverse"
)

// hintWindow is how long after signing up a member counts as new: the
// hints are for newcomers, so members who joined before hints existed do
// not suddenly see them.
const hintWindow = 30 * 24 * time.Hour

// MemberHint is one hint to show: where to introduce yourself (Category)
// or which handle to follow from Mastodon (Category and Handle).
type MemberHint struct {
	Name     string
	Category *models.Category
	Handle   string // HintFediverse: @slug@host
}

// MemberHints returns the hints the viewer has not dismissed, given the
// site settings the page already read and the categories the viewer can
// see (the home page's tree). None for visitors, for members past their
// first weeks, or when there is no category to point to.
func (s *Service) MemberHints(ctx context.Context, viewer *models.User, site *Site, tree []CategoryNode) ([]MemberHint, error) {
	if viewer == nil || viewer.Domain != "" || s.now().Sub(viewer.CreatedAt) > hintWindow {
		return nil, nil
	}
	follow := followableCategory(tree)
	if follow == nil {
		return nil, nil
	}
	dismissed, err := s.store.DismissedHints(ctx, viewer.ID)
	if err != nil {
		return nil, err
	}
	var out []MemberHint
	if !dismissed[HintIntroductions] {
		if c := introductionsCategory(site.IntroductionsCategoryID, tree); c != nil {
			out = append(out, MemberHint{Name: HintIntroductions, Category: c})
		}
	}
	if !dismissed[HintFediverse] {
		out = append(out, MemberHint{Name: HintFediverse, Category: follow, Handle: s.FediverseHandle(follow.Slug)})
	}
	return out, nil
}

// DismissHint closes a hint for good for this member.
func (s *Service) DismissHint(ctx context.Context, viewer *models.User, name string) error {
	if viewer == nil {
		return ErrUnauthorized
	}
	if name != HintIntroductions && name != HintFediverse {
		return ErrNotFound
	}
	return s.store.DismissHint(ctx, viewer.ID, name, s.now())
}

// introductionsCategory is where newcomers introduce themselves: the
// category the administrator chose in the site settings when the viewer
// can see it, else the first whose slug or name says so ("intro…",
// "welcome"), else none (no hint rather than a wrong place).
func introductionsCategory(chosen int64, tree []CategoryNode) *models.Category {
	var guess *models.Category
	visit := func(c *models.Category) bool {
		if chosen != 0 && c.ID == chosen {
			return true
		}
		if guess == nil && !c.AmbassadorsOnly && looksLikeIntroductions(c) {
			guess = c
		}
		return false
	}
	for i := range tree {
		if visit(&tree[i].Category) {
			return &tree[i].Category
		}
		for j := range tree[i].Children {
			if visit(&tree[i].Children[j]) {
				return &tree[i].Children[j]
			}
		}
	}
	return guess
}

func looksLikeIntroductions(c *models.Category) bool {
	for _, s := range []string{strings.ToLower(c.Slug), strings.ToLower(c.Name)} {
		if strings.Contains(s, "intro") || strings.Contains(s, "welcome") {
			return true
		}
	}
	return false
}

// followableCategory is the category whose handle the Mastodon hint shows:
// the first top-level one that federates (the ambassadors' category has
// no actor).
func followableCategory(tree []CategoryNode) *models.Category {
	for i := range tree {
		if !tree[i].Category.AmbassadorsOnly {
			return &tree[i].Category
		}
	}
	return nil
}

// introductionsCategoryID resolves the chosen category's slug to its id
// (nil: unchanged; 0: guess), refusing one that does not exist or is not
// public (the ambassadors' own).
func (s *Service) introductionsCategoryID(ctx context.Context, slug *string) (*int64, error) {
	if slug == nil {
		return nil, nil
	}
	var id int64
	if *slug != "" {
		c, err := s.store.CategoryBySlug(ctx, *slug)
		if err != nil || c.AmbassadorsOnly {
			return nil, Invalid("introductions_category", "errors.site_settings.introductions_category")
		}
		id = c.ID
	}
	return &id, nil
}

// IntroductionsCategorySlug is the slug of the category chosen for
// introductions, "" when none is chosen or it is gone.
func IntroductionsCategorySlug(site *Site, cats []models.Category) string {
	for _, c := range cats {
		if site.IntroductionsCategoryID != 0 && c.ID == site.IntroductionsCategoryID {
			return c.Slug
		}
	}
	return ""
}
