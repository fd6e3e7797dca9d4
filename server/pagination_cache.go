package server

import (
	"html/template"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// A thread page prints its pagination twice, and each was about a tenth
// of a member's 100-post page's CPU: html/template calls seq, add, ge,
// le, eq, pageURL and an escaper through reflection for every page link
// (~100 calls and ~300 allocations per pager). What it prints depends only
// on the thread's id and slug, the page, the page count, the landmark's
// name and the language, so it is rendered once per such key and kept;
// the partial stays the one place that says what a pager looks like
// (TestPaginationCacheMatchesThePartial).

// pagerKey is every value the pagination partial prints.
type pagerKey struct {
	lang, slug, label string
	thread            int64
	page, pages       int
}

// pagerEntries bounds the cache: an entry is a few hundred bytes, and a
// forum's busy pages are far fewer.
const pagerEntries = 2048

func newPagerCache() *lru.Cache[pagerKey, template.HTML] {
	c, err := lru.New[pagerKey, template.HTML](pagerEntries)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return c
}

// pagination is the pagination partial's output for a thread page, in l.
func (r *renderer) pagination(l *i18n.Lang, t *models.Thread, page, pages int, label string) (template.HTML, error) {
	k := pagerKey{lang: l.Code, slug: t.Slug, label: label, thread: t.ID, page: page, pages: pages}
	if h, ok := r.pagers.Get(k); ok {
		return h, nil
	}
	h, err := r.fragment(l, "pagination", pagerArgs{Thread: t, Page: page, Pages: pages, Label: label})
	if err != nil {
		return "", err
	}
	r.pagers.Add(k, h)
	return h, nil
}
