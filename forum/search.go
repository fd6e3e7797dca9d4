package forum

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hearth/hearth/models"
)

// SearchQuery is what a searcher asks: the words, filters (category slug,
// author username, a date range of whole days, what to find), the order
// ("relevance" or "date") and the keyset cursor of the page.
type SearchQuery struct {
	Q        string
	Kind     string // "" (threads by title, then posts), "threads" or "posts"
	Category string
	Author   string
	From, To string // YYYY-MM-DD, both days included
	Sort     string // "" or "relevance", "date"
	After    string
	// Language is the forum's language (Site.Language), which PostgreSQL
	// stems the words in; "" reads it from the site settings. Pages pass
	// the settings they already read with their banner.
	Language string
}

// Search kinds and orders.
const (
	SearchThreads = "threads"
	SearchPosts   = "posts"
	SortDate      = "date"
)

// SearchResults holds what a search found: threads by title, posts by body,
// how many of each match in all, and the cursor of the next page of the
// paged list (posts, or threads when only threads are asked for).
type SearchResults struct {
	Query       string
	Request     SearchQuery
	Threads     []ThreadSummary
	TitleMarks  map[int64]string // thread id → highlighted title (safe HTML, see HighlightHTML)
	Posts       []SearchPost
	ThreadCount int64
	PostCount   int64
	Next        string
}

// SearchPost is a matching post with its thread, author and highlighted
// snippet (safe HTML, see HighlightHTML).
type SearchPost struct {
	models.Post
	Thread  *models.Thread
	Author  *models.User
	Snippet string
}

const (
	searchPageSize   = 20
	searchTitlesSeen = 5 // thread titles shown above posts when both are asked for
)

// Search looks for threads and posts matching q, unfiltered.
func (s *Service) Search(ctx context.Context, q string) (*SearchResults, error) {
	return s.SearchWith(ctx, SearchQuery{Q: q})
}

// SearchWith runs a filtered, sorted, keyset-paged search. Results are one
// public list (as the thread lists are): private categories never appear,
// nor deleted, hidden or unlisted posts.
func (s *Service) SearchWith(ctx context.Context, sq SearchQuery) (*SearchResults, error) {
	sq.Q = strings.TrimSpace(sq.Q)
	res := &SearchResults{Query: sq.Q, Request: sq}
	if sq.Q == "" {
		return res, nil
	}
	f, after, err := s.searchFilter(ctx, &sq)
	if err != nil {
		return nil, err
	}
	res.Request = sq
	if f == nil { // an author or category that does not exist matches nothing
		return res, nil
	}
	f.Language = sq.Language
	if f.Language == "" {
		f.Language = s.searchLanguage(ctx)
	}
	if sq.Kind != SearchPosts {
		limit := searchTitlesSeen
		var cur *models.SearchCursor
		if sq.Kind == SearchThreads {
			limit, cur = searchPageSize, after
		}
		if res.ThreadCount, err = s.store.CountSearch(ctx, SearchThreads, sq.Q, *f); err != nil {
			return nil, err
		}
		if sq.Kind == "" && after != nil {
			limit = 0 // later pages of posts do not repeat the titles shown on the first
		}
		var hits []models.ThreadHit
		if limit > 0 {
			if hits, err = s.store.SearchThreadHits(ctx, sq.Q, *f, cur, limit+1); err != nil {
				return nil, err
			}
		}
		more := len(hits) > limit
		if more {
			hits = hits[:limit]
		}
		ts := make([]models.Thread, len(hits))
		res.TitleMarks = make(map[int64]string, len(hits))
		for i, h := range hits {
			ts[i] = h.Thread
			res.TitleMarks[h.ID] = HighlightHTML(h.Snippet)
		}
		if res.Threads, err = s.summarize(ctx, ts); err != nil {
			return nil, err
		}
		if sq.Kind == SearchThreads && more {
			last := hits[len(hits)-1]
			res.Next = formatSearchCursor(f.ByDate, last.Rank, last.CreatedAt, last.ID)
		}
	}
	if sq.Kind == SearchThreads {
		return res, nil
	}
	if res.PostCount, err = s.store.CountSearch(ctx, SearchPosts, sq.Q, *f); err != nil {
		return nil, err
	}
	hits, err := s.store.SearchPostHits(ctx, sq.Q, *f, after, searchPageSize+1)
	if err != nil {
		return nil, err
	}
	if len(hits) > searchPageSize {
		hits = hits[:searchPageSize]
		last := hits[len(hits)-1]
		res.Next = formatSearchCursor(f.ByDate, last.Rank, last.CreatedAt, last.ID)
	}
	tids := make([]int64, len(hits))
	uids := make([]int64, len(hits))
	for i, h := range hits {
		tids[i], uids[i] = h.ThreadID, h.UserID
	}
	ts, err := s.store.ThreadsByIDs(ctx, tids)
	if err != nil {
		return nil, err
	}
	us, err := s.store.UserCards(ctx, uids)
	if err != nil {
		return nil, err
	}
	for _, h := range hits {
		res.Posts = append(res.Posts, SearchPost{Post: h.Post, Thread: ts[h.ThreadID], Author: us[h.UserID], Snippet: HighlightHTML(h.Snippet)})
	}
	return res, nil
}

// searchFilter checks the query and turns it into the store's filter; a nil
// filter (no error) means a named author or category does not exist.
func (s *Service) searchFilter(ctx context.Context, sq *SearchQuery) (*models.SearchFilter, *models.SearchCursor, error) {
	bad := validation{}
	if !utf8.ValidString(sq.Q) || utf8.RuneCountInString(sq.Q) > 200 {
		bad.add("q", "errors.search.q_too_long")
	}
	switch sq.Kind {
	case "", SearchThreads, SearchPosts:
	default:
		bad.add("type", "errors.search.type")
	}
	switch sq.Sort {
	case "", "relevance", SortDate:
	default:
		bad.add("sort", "errors.search.sort")
	}
	f := &models.SearchFilter{ByDate: sq.Sort == SortDate}
	day := func(field, v string, next bool) *time.Time {
		if v = strings.TrimSpace(v); v == "" {
			return nil
		}
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			bad.add(field, "errors.search.date")
			return nil
		}
		if next { // "to" includes its whole day
			t = t.AddDate(0, 0, 1)
		}
		return &t
	}
	f.From, f.To = day("from", sq.From, false), day("to", sq.To, true)
	if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
		bad.add("to", "errors.search.end_before_start")
	}
	after, err := parseSearchCursor(sq.After, f.ByDate)
	if err != nil {
		bad.add("after", "errors.search.stale_page")
	}
	if err := bad.err(); err != nil {
		return nil, nil, err
	}
	var err2 error
	if f.Hidden, err2 = s.hiddenCategoryIDs(ctx, nil); err2 != nil {
		return nil, nil, err2
	}
	if sq.Category = strings.TrimSpace(sq.Category); sq.Category != "" {
		c, err := s.store.CategoryBySlug(ctx, sq.Category)
		if errors.Is(err, models.ErrNotFound) {
			return nil, nil, nil
		} else if err != nil {
			return nil, nil, err
		}
		f.CategoryID = c.ID
	}
	if sq.Author = strings.TrimPrefix(strings.TrimSpace(sq.Author), "@"); sq.Author != "" {
		u, err := s.store.UserByUsername(ctx, sq.Author)
		if errors.Is(err, models.ErrNotFound) {
			return nil, nil, nil
		} else if err != nil {
			return nil, nil, err
		}
		f.UserID = u.ID
	}
	return f, after, nil
}

// A search cursor is "r<rank>_<id>" or "d<unix micros>_<id>", base64url so
// it reads as one opaque token in a link. The rank is printed with full
// precision so the next page starts exactly where this one ended.
func formatSearchCursor(byDate bool, rank float64, at time.Time, id int64) string {
	var raw string
	if byDate {
		raw = "d" + strconv.FormatInt(at.UnixMicro(), 10)
	} else {
		raw = "r" + strconv.FormatFloat(rank, 'g', -1, 64)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(raw + "_" + strconv.FormatInt(id, 10)))
}

func parseSearchCursor(c string, byDate bool) (*models.SearchCursor, error) {
	if c == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	bad := errors.New("bad cursor")
	if err != nil || len(b) < 3 {
		return nil, bad
	}
	head, id, ok := strings.Cut(string(b[1:]), "_")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil {
		return nil, bad
	}
	cur := &models.SearchCursor{ID: n}
	switch {
	case b[0] == 'd' && byDate:
		micros, err := strconv.ParseInt(head, 10, 64)
		if err != nil {
			return nil, bad
		}
		cur.At = time.UnixMicro(micros).UTC()
	case b[0] == 'r' && !byDate:
		if cur.Rank, err = strconv.ParseFloat(head, 64); err != nil {
			return nil, bad
		}
	default:
		return nil, bad
	}
	return cur, nil
}
