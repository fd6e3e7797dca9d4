package federation

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// A post's replies collection has Mastodon's shape: a Collection whose
// first page is embedded in the Note, so a peer sees the direct replies
// without another request, and whose next page is fetched from
// {post}/replies?page=N. Mastodon's collections carry no totalItems and
// neither do these: counting would cost every Note a second query.

func (f *Federation) repliesURL(postID int64) string { return f.postURL(postID) + "/replies" }

// repliesPage is page n of a post's replies as a CollectionPage. Replies
// from the fediverse are listed by their own ids, as Mastodon lists them.
func (f *Federation) repliesPage(postID int64, n int, rp forum.RepliesPage) map[string]any {
	coll := f.repliesURL(postID)
	pageURL := func(n int) string { return coll + "?page=" + strconv.Itoa(n) }
	items := make([]any, 0, len(rp.Items))
	for _, r := range rp.Items {
		if r.APID != nil {
			items = append(items, *r.APID)
		} else {
			items = append(items, f.postURL(r.ID))
		}
	}
	m := map[string]any{"id": pageURL(n), "type": "CollectionPage", "partOf": coll, "items": items}
	if rp.More {
		m["next"] = pageURL(n + 1)
	}
	if n > 1 {
		m["prev"] = pageURL(n - 1)
	}
	return m
}

// repliesCollection is the collection a Note's replies property holds,
// with its first page embedded.
func (f *Federation) repliesCollection(postID int64, first forum.RepliesPage) map[string]any {
	return map[string]any{
		"id":    f.repliesURL(postID),
		"type":  "Collection",
		"first": f.repliesPage(postID, 1, first),
	}
}

// replies answers {post}/replies (the collection) and ?page=N (a page) in
// ActivityPub JSON whatever the Accept header says: there is no HTML page
// at that URL to negotiate with, as for followers and outbox.
func (f *Federation) replies(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return notFound(c)
	}
	page, ok := 0, true
	if s := c.QueryParam("page"); s != "" {
		page, err = strconv.Atoi(s)
		ok = err == nil && page >= 1
	}
	if !ok {
		return notFound(c)
	}
	rp, err := f.svc.PostReplies(c.Request().Context(), id, max(page, 1))
	if errors.Is(err, forum.ErrNotFound) || errors.Is(err, forum.ErrForbidden) {
		return notFound(c)
	} else if err != nil {
		return f.serverError(c, err)
	}
	var m map[string]any
	if page == 0 {
		m = f.repliesCollection(id, rp)
	} else {
		m = f.repliesPage(id, page, rp)
	}
	m["@context"] = jsonLDContext
	return writeActivity(c, http.StatusOK, m)
}
