package models

import (
	"context"
	"strings"
	"unicode"
)

// SearchPosts finds visible posts matching the words of q, best match first:
// PostgreSQL full-text search on the generated tsvector, SQLite FTS5 elsewhere.
func (s *Store) SearchPosts(ctx context.Context, q string, limit int) ([]Post, error) {
	var ps []Post
	db := s.DB(ctx)
	if s.Dialect() == "postgres" {
		err := db.Raw(`SELECT * FROM posts WHERE search @@ websearch_to_tsquery('english', ?) AND deleted_at IS NULL AND hidden_at IS NULL AND NOT unlisted
			ORDER BY ts_rank(search, websearch_to_tsquery('english', ?)) DESC, id DESC LIMIT ?`, q, q, limit).Scan(&ps).Error
		return ps, err
	}
	match := ftsQuery(q)
	if match == "" {
		return nil, nil
	}
	err := db.Raw(`SELECT posts.* FROM post_fts JOIN posts ON posts.id = post_fts.rowid
		WHERE post_fts MATCH ? AND posts.deleted_at IS NULL AND posts.hidden_at IS NULL AND NOT posts.unlisted ORDER BY post_fts.rank, posts.id DESC LIMIT ?`, match, limit).Scan(&ps).Error
	return ps, err
}

// SearchThreads finds threads whose title matches q.
func (s *Store) SearchThreads(ctx context.Context, q string, limit int) ([]Thread, error) {
	var ts []Thread
	db := s.DB(ctx)
	if s.Dialect() == "postgres" {
		err := db.Raw(`SELECT * FROM threads WHERE search @@ websearch_to_tsquery('english', ?) AND deleted_at IS NULL
			ORDER BY ts_rank(search, websearch_to_tsquery('english', ?)) DESC, last_post_at DESC LIMIT ?`, q, q, limit).Scan(&ts).Error
		return ts, err
	}
	match := ftsQuery(q)
	if match == "" {
		return nil, nil
	}
	err := db.Raw(`SELECT threads.* FROM thread_fts JOIN threads ON threads.id = thread_fts.rowid
		WHERE thread_fts MATCH ? AND threads.deleted_at IS NULL ORDER BY thread_fts.rank, threads.last_post_at DESC LIMIT ?`, match, limit).Scan(&ts).Error
	return ts, err
}

// ftsQuery turns free text into a safe FTS5 query: every word quoted (so
// FTS5 operators in user input are just words), all required, the last one
// matched as a prefix so search-as-you-type finds "federat" → "federation".
func ftsQuery(q string) string {
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) && r != '_' })
	if len(words) > 16 {
		words = words[:16]
	}
	parts := make([]string, 0, len(words))
	for i, w := range words {
		p := `"` + w + `"`
		if i == len(words)-1 {
			p += "*"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}
