package federation

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/go-fed/activity/streams"
	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// The collections every actor has.
const (
	collOutbox    = "outbox"
	collFollowers = "followers"
	collFollowing = "following"
)

// collection serves an actor's outbox, followers or following, in the
// paged shape peers walk (the collection with totalItems and first, then
// OrderedCollectionPages). Followers lists the remote followers; outbox and
// following are still empty.
func (f *Federation) collection(owner func(echo.Context) (actorRef, error), kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		ref, err := owner(c)
		if errors.Is(err, forum.ErrNotFound) {
			return notFound(c)
		} else if err != nil {
			return f.serverError(c, err)
		}
		ctx := c.Request().Context()
		p := paged{id: ref.url + "/" + kind, total: 0, pageSize: collectionPageSize}
		if kind == collFollowers {
			if p.total, err = f.store.CountFollowers(ctx, ref.kind, ref.id); err != nil {
				return f.serverError(c, err)
			}
		}
		page, ok := pageParam(c, p.pages())
		if !ok {
			return notFound(c)
		}
		p.page = page
		if kind == collFollowers && page > 0 {
			if p.items, err = f.store.FollowerIDs(ctx, ref.kind, ref.id, (page-1)*p.pageSize, p.pageSize); err != nil {
				return f.serverError(c, err)
			}
		}
		return f.writePaged(c, p, nil)
	}
}

// collectionPageSize is how many items one page of a collection lists:
// what Mastodon uses for its own pages.
const collectionPageSize = 20

// paged describes one view of an OrderedCollection: the collection itself
// (page 0) or one of its pages.
type paged struct {
	id       string
	total    int
	pageSize int
	page     int      // 0 for the collection itself
	items    []string // ids on this page, or in the collection when inline
	// inline puts the items in the collection itself when they fit on one
	// page, saving small threads a second request.
	inline bool
}

func (p paged) pages() int { return max(1, (p.total+p.pageSize-1)/p.pageSize) }

// embeds reports whether the collection itself lists its items.
func (p paged) embeds() bool { return p.page == 0 && p.inline && p.total <= p.pageSize }

// numbers is the 1-based range of items on the view, as from, to; to < from
// when it lists none.
func (p paged) numbers() (from, to int) {
	switch {
	case p.page > 0:
		return (p.page-1)*p.pageSize + 1, min(p.page*p.pageSize, p.total)
	case p.embeds():
		return 1, p.total
	}
	return 1, 0
}

func (p paged) pageID(n int) string { return p.id + "?page=" + strconv.Itoa(n) }

// pageParam reads ?page=N: 0 when absent, ok=false when it is not a page of
// a collection with `pages` pages.
func pageParam(c echo.Context, pages int) (int, bool) {
	s := c.QueryParam("page")
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > pages {
		return 0, false
	}
	return n, true
}

// writePaged answers with the collection or page p describes; extra
// properties (a thread's name, owner…) go on the collection only, pages
// point to it with partOf.
func (f *Federation) writePaged(c echo.Context, p paged, extra map[string]any) error {
	var m map[string]any
	var err error
	if p.page == 0 {
		oc := streams.NewActivityStreamsOrderedCollection()
		oc.SetJSONLDId(idProp(p.id))
		oc.SetActivityStreamsTotalItems(totalItemsProp(p.total))
		if p.embeds() {
			oc.SetActivityStreamsOrderedItems(orderedItemsProp(p.items))
		} else {
			first := streams.NewActivityStreamsFirstProperty()
			first.SetIRI(mustParse(p.pageID(1)))
			oc.SetActivityStreamsFirst(first)
			last := streams.NewActivityStreamsLastProperty()
			last.SetIRI(mustParse(p.pageID(p.pages())))
			oc.SetActivityStreamsLast(last)
		}
		m, err = serialize(oc)
	} else {
		pg := streams.NewActivityStreamsOrderedCollectionPage()
		pg.SetJSONLDId(idProp(p.pageID(p.page)))
		partOf := streams.NewActivityStreamsPartOfProperty()
		partOf.SetIRI(mustParse(p.id))
		pg.SetActivityStreamsPartOf(partOf)
		pg.SetActivityStreamsTotalItems(totalItemsProp(p.total))
		if p.page > 1 {
			prev := streams.NewActivityStreamsPrevProperty()
			prev.SetIRI(mustParse(p.pageID(p.page - 1)))
			pg.SetActivityStreamsPrev(prev)
		}
		if p.page < p.pages() {
			next := streams.NewActivityStreamsNextProperty()
			next.SetIRI(mustParse(p.pageID(p.page + 1)))
			pg.SetActivityStreamsNext(next)
		}
		pg.SetActivityStreamsOrderedItems(orderedItemsProp(p.items))
		m, err = serialize(pg)
	}
	if err != nil {
		return f.serverError(c, err)
	}
	if _, ok := m["orderedItems"]; !ok && (p.page > 0 || p.embeds()) {
		// go-fed leaves out an empty list; peers expect [] on a page.
		m["orderedItems"] = []any{}
	}
	asArray(m, "orderedItems")
	if p.page == 0 {
		for k, v := range extra {
			m[k] = v
		}
	}
	return writeActivity(c, http.StatusOK, m)
}
