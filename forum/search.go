package forum

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/hearth/hearth/models"
)

// SearchResults holds what a search found: threads by title, posts by body.
type SearchResults struct {
	Query   string
	Threads []ThreadSummary
	Posts   []SearchPost
}

// SearchPost is a matching post with its thread and author.
type SearchPost struct {
	models.Post
	Thread *models.Thread
	Author *models.User
}

// Search looks for threads and posts matching q (PostgreSQL full-text
// search, or SQLite FTS5).
func (s *Service) Search(ctx context.Context, q string) (*SearchResults, error) {
	q = strings.TrimSpace(q)
	res := &SearchResults{Query: q}
	if q == "" {
		return res, nil
	}
	if !utf8.ValidString(q) || utf8.RuneCountInString(q) > 200 {
		return nil, &ValidationError{Fields: map[string]string{"q": "use at most 200 characters of text"}}
	}
	threads, err := s.store.SearchThreads(ctx, q, 20)
	if err != nil {
		return nil, err
	}
	if res.Threads, err = s.summarize(ctx, threads); err != nil {
		return nil, err
	}
	posts, err := s.store.SearchPosts(ctx, q, 30)
	if err != nil {
		return nil, err
	}
	tids := make([]int64, len(posts))
	uids := make([]int64, len(posts))
	for i, p := range posts {
		tids[i], uids[i] = p.ThreadID, p.UserID
	}
	ts, err := s.store.ThreadsByIDs(ctx, tids)
	if err != nil {
		return nil, err
	}
	us, err := s.store.UserCards(ctx, uids)
	if err != nil {
		return nil, err
	}
	private, err := s.hiddenCategorySet(ctx, nil) // results are one public list, as the thread lists are
	if err != nil {
		return nil, err
	}
	for _, p := range posts {
		if t := ts[p.ThreadID]; t != nil && t.DeletedAt == nil && !private[t.CategoryID] {
			res.Posts = append(res.Posts, SearchPost{Post: p, Thread: t, Author: us[p.UserID]})
		}
	}
	return res, nil
}
