package server

import (
	"html/template"
	"net/http"
	"net/url"

	"github.com/hearth/hearth/forum"
	"github.com/labstack/echo/v4"
)

// searchQuery reads the search form's fields (the same names on /search and
// /api/v1/search).
func (s *Server) searchQuery(c echo.Context) forum.SearchQuery {
	return forum.SearchQuery{Language: s.site(c).Language,
		Q: c.QueryParam("q"), Kind: c.QueryParam("type"), Category: c.QueryParam("category"),
		Author: c.QueryParam("author"), From: c.QueryParam("from"), To: c.QueryParam("to"),
		Sort: c.QueryParam("sort"), After: c.QueryParam("after"),
	}
}

// SearchData is the /search page: the results, the public categories for
// the filter, and the link to the next page.
type SearchData struct {
	*forum.SearchResults
	Categories []forum.CategoryNode
	NextURL    string
	ThreadsURL string // all matching threads, when only the first few are shown
	Filtered   bool   // a filter is set, so the filters start open
}

// Mark turns a snippet the forum highlighted (escaped text with <mark>,
// see forum.HighlightHTML) into HTML for the template.
func (SearchData) Mark(s string) template.HTML { return template.HTML(s) } //nolint:gosec // escaped by forum.HighlightHTML

// ThreadTotal and PostTotal are the result counts as the catalog's plurals
// take them (an int).
func (d SearchData) ThreadTotal() int { return int(d.ThreadCount) }

// PostTotal: see ThreadTotal.
func (d SearchData) PostTotal() int { return int(d.PostCount) }

// ThreadURL is the link to a thread result.
func (SearchData) ThreadURL(t forum.ThreadSummary) string { return threadURL(&t.Thread) }

func (s *Server) search(c echo.Context) error {
	ctx := c.Request().Context()
	sq := s.searchQuery(c)
	status := http.StatusOK
	res, err := s.forum.SearchWith(ctx, sq)
	form := Form{Values: map[string]string{}}
	if ve, ok := forum.AsValidation(err); ok {
		// Bad filters: the form comes back with what was typed and why.
		status, form.Errors = http.StatusUnprocessableEntity, fieldErrors(c, ve)
		res = &forum.SearchResults{Request: sq}
	} else if err != nil {
		return err
	}
	cats, err := s.forum.CategoryTree(ctx)
	if err != nil {
		return err
	}
	for _, k := range []string{"q", "type", "category", "author", "from", "to", "sort"} {
		form.Values[k] = c.QueryParam(k)
	}
	data := &SearchData{SearchResults: res, Categories: cats}
	data.Filtered = sq.Kind != "" || sq.Category != "" || sq.Author != "" || sq.From != "" || sq.To != "" || sq.Sort != ""
	link := func(set map[string]string) string {
		v := url.Values{}
		for k, val := range form.Values {
			if val != "" {
				v.Set(k, val)
			}
		}
		for k, val := range set {
			v.Set(k, val)
		}
		return "/search?" + v.Encode()
	}
	if res.Next != "" {
		data.NextURL = link(map[string]string{"after": res.Next})
	}
	if sq.Kind == "" && res.ThreadCount > int64(len(res.Threads)) {
		data.ThreadsURL = link(map[string]string{"type": forum.SearchThreads})
	}
	p := s.page(c, s.t(c, "forum.search.title"))
	if res.Query != "" {
		p.Title = s.t(c, "forum.title.search_for", "Query", res.Query)
	}
	p.NoIndex = true
	p.Form = form
	p.Data = data
	return s.tmpl.render(c, status, "search", p)
}
