package federation

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// maxFeatured bounds the pinned threads one featured collection embeds.
const maxFeatured = 20

// featured answers a category Group's featured collection: its pinned
// threads' first posts, embedded, in one OrderedCollection with no pages.
// Lemmy reads a community's featured as exactly that (crates/apub/apub/src/
// protocol/collections/group_featured.rs: totalItems and orderedItems of
// embedded posts); Mastodon takes items as ids or objects
// (app/services/activitypub/fetch_featured_collection_service.rb). The
// ambassadors' category has none: it answers 404 like its actor.
func (f *Federation) featured(c echo.Context) error {
	ctx := c.Request().Context()
	cat, _, err := f.svc.ResolveCategorySlug(ctx, nil, c.Param("slug"))
	if errors.Is(err, forum.ErrNotFound) {
		return notFound(c)
	} else if err != nil {
		return f.serverError(c, err)
	}
	pinned, err := f.store.PinnedThreads(ctx, cat.ID)
	if err != nil {
		return f.serverError(c, err)
	}
	items := []any{}
	context := jsonLDContext
	for _, t := range pinned {
		if len(items) == maxFeatured {
			break
		}
		// Each read goes through the visibility rule: a thread hidden,
		// held or gone is left out.
		fp, err := f.svc.PostForFederation(ctx, t.FirstPostID)
		if errors.Is(err, forum.ErrNotFound) {
			continue
		} else if err != nil {
			return f.serverError(c, err)
		}
		if fp.Gone {
			continue
		}
		note, err := f.noteDocument(fp)
		if err != nil {
			return f.serverError(c, err)
		}
		if note["type"] == "Question" {
			context = questionContext // it names votersCount
		}
		delete(note, "@context")
		items = append(items, note)
	}
	return writeActivity(c, http.StatusOK, map[string]any{
		"@context":     context,
		"id":           f.categoryRef(cat).featured(),
		"type":         "OrderedCollection",
		"totalItems":   len(items),
		"orderedItems": items,
	})
}
