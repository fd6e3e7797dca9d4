package models

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"
)

// Highlight sentinels: the database marks matched words with these
// private-use characters (never with HTML), and the caller escapes the text
// before it turns them into <mark>. Any in the stored text are removed on
// PostgreSQL before ts_headline; on SQLite the caller pairs them safely.
const (
	MarkStart = "\uE000"
	MarkEnd   = "\uE001"
)

// SearchFilter narrows a search. Hidden is the viewer's hidden categories
// (models.OutsideCategories); From is inclusive, To exclusive; ByDate sorts
// newest first instead of best match first.
type SearchFilter struct {
	CategoryID int64
	UserID     int64
	From, To   *time.Time
	Hidden     []int64
	ByDate     bool
	// Language is the forum's language code: on PostgreSQL the search
	// words are stemmed in it (see pgConfig).
	Language string
}

// SearchCursor is a keyset position in search results: (Rank, ID) when
// sorted by relevance, (At, ID) when sorted by date.
type SearchCursor struct {
	Rank float64
	At   time.Time
	ID   int64
}

// PostHit is a matching post with its rank and a highlighted snippet (with
// MarkStart/MarkEnd around matched words, otherwise plain text).
type PostHit struct {
	Post
	Rank    float64
	Snippet string
}

// ThreadHit is a thread whose title matches, the title highlighted.
type ThreadHit struct {
	Thread
	Rank    float64
	Snippet string
}

// pgLT stands in for "<" inside ts_headline (see snippet).
const pgLT = "\uE002"

func unLT(s string) string { return strings.ReplaceAll(s, pgLT, "<") }

// searchConfigs maps a language code to the PostgreSQL text search
// configuration its words are stemmed with. It mirrors the CASE of the
// generated search columns (migration 0595): a code missing here is
// English in both.
var searchConfigs = map[string]string{
	"en": "english", "de": "german", "fr": "french", "es": "spanish", "it": "italian",
	"nl": "dutch", "pt": "portuguese", "sv": "swedish", "da": "danish", "fi": "finnish",
	"nb": "norwegian", "ru": "russian",
}

// pgConfig is the configuration for a forum language: queries must stem
// with the one the vectors were built with, or stems do not meet.
func pgConfig(lang string) string {
	if c, ok := searchConfigs[lang]; ok {
		return c
	}
	return "english"
}

// pgQuery is the tsquery of the search text in lang's configuration (a
// constant from searchConfigs, never input, so it is safe to splice).
func pgQuery(lang string) string { return "websearch_to_tsquery('" + pgConfig(lang) + "', ?)" }

// searchBase builds the FROM/WHERE shared by a search's page and its count.
// kind is "posts" or "threads"; it returns the query, the rank expression
// (with its argument) and false when the text holds no searchable word.
func (s *Store) searchBase(ctx context.Context, kind, q string, f SearchFilter) (*gorm.DB, string, []any, bool) {
	db := s.DB(ctx)
	pg := s.Dialect() == "postgres"
	var tx *gorm.DB
	var rank string
	var rankArgs []any
	if kind == "threads" {
		if pg {
			tx = db.Table("threads").Where("threads.search @@ "+pgQuery(f.Language), q)
			rank, rankArgs = "ts_rank(threads.search, "+pgQuery(f.Language)+")::float8", []any{q}
		} else {
			m := ftsQuery(q)
			if m == "" {
				return nil, "", nil, false
			}
			tx = db.Table("thread_fts").Joins("JOIN threads ON threads.id = thread_fts.rowid").Where("thread_fts MATCH ?", m)
			rank = "bm25(thread_fts)"
		}
		tx = tx.Where("threads.deleted_at IS NULL")
		if f.UserID != 0 {
			tx = tx.Where("threads.user_id = ?", f.UserID)
		}
		tx = dateRange(tx, "threads.created_at", f)
	} else {
		if pg {
			tx = db.Table("posts").Where("posts.search @@ "+pgQuery(f.Language), q)
			rank, rankArgs = "ts_rank(posts.search, "+pgQuery(f.Language)+")::float8", []any{q}
		} else {
			m := ftsQuery(q)
			if m == "" {
				return nil, "", nil, false
			}
			tx = db.Table("post_fts").Joins("JOIN posts ON posts.id = post_fts.rowid").Where("post_fts MATCH ?", m)
			rank = "bm25(post_fts)"
		}
		tx = tx.Joins("JOIN threads ON threads.id = posts.thread_id").
			Where("posts.deleted_at IS NULL AND posts.hidden_at IS NULL AND NOT posts.unlisted AND threads.deleted_at IS NULL")
		if f.UserID != 0 {
			tx = tx.Where("posts.user_id = ?", f.UserID)
		}
		tx = dateRange(tx, "posts.created_at", f)
	}
	if f.CategoryID != 0 {
		tx = tx.Where("threads.category_id = ?", f.CategoryID)
	}
	return tx.Scopes(OutsideCategories("threads.category_id", f.Hidden)), rank, rankArgs, true
}

func dateRange(tx *gorm.DB, col string, f SearchFilter) *gorm.DB {
	if f.From != nil {
		tx = tx.Where(col+" >= ?", f.From.UTC())
	}
	if f.To != nil {
		tx = tx.Where(col+" < ?", f.To.UTC())
	}
	return tx
}

// searchPage wraps the matching rows (with their rank) in a subquery and
// adds the keyset condition and order on it. Relevance: PostgreSQL's
// ts_rank is higher for better matches, SQLite's bm25 lower; ties by id.
// SQLite's auxiliary functions (bm25) are not reliable in a WHERE, so the
// rank is compared as the subquery's column, and LIMIT -1 keeps SQLite from
// flattening the subquery back into one.
func (s *Store) searchPage(ctx context.Context, inner *gorm.DB, f SearchFilter, after *SearchCursor, limit int) *gorm.DB {
	pg := s.Dialect() == "postgres"
	if !pg {
		inner = inner.Limit(-1)
	}
	tx := s.DB(ctx).Table("(?) AS hits", inner).Select("*")
	if f.ByDate {
		if after != nil {
			at := after.At.UTC()
			tx = tx.Where("(hits.created_at < ? OR (hits.created_at = ? AND hits.id < ?))", at, at, after.ID)
		}
		return tx.Order("hits.created_at DESC, hits.id DESC").Limit(limit)
	}
	cmp, dir := ">", "ASC"
	if pg {
		cmp, dir = "<", "DESC"
	}
	if after != nil {
		tx = tx.Where("(hits.rank "+cmp+" ? OR (hits.rank = ? AND hits.id < ?))", after.Rank, after.Rank, after.ID)
	}
	return tx.Order("hits.rank " + dir + ", hits.id DESC").Limit(limit)
}

// snippet is the highlight expression and its arguments: a fragment of the
// post body, or the whole thread title.
func (s *Store) snippet(kind, q, lang string) (string, []any) {
	if s.Dialect() == "postgres" {
		col, opts := "posts.body", "StartSel="+MarkStart+", StopSel="+MarkEnd+", MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=\" … \""
		if kind == "threads" {
			col, opts = "threads.title", "StartSel="+MarkStart+", StopSel="+MarkEnd+", HighlightAll=true"
		}
		// ts_headline's parser drops what looks like an HTML tag; "<" is
		// stood in for by pgLT so the author's text comes back whole (and is
		// escaped by the caller), then restored in unLT.
		return "ts_headline('" + pgConfig(lang) + "', replace(translate(" + col + ", chr(57344) || chr(57345) || chr(57346), ''), '<', chr(57346)), " + pgQuery(lang) + ", ?)", []any{q, opts}
	}
	if kind == "threads" {
		return "highlight(thread_fts, 0, ?, ?)", []any{MarkStart, MarkEnd}
	}
	return "snippet(post_fts, 0, ?, ?, '…', 32)", []any{MarkStart, MarkEnd}
}

// SearchPostHits finds visible, listed posts matching q in threads outside
// f.Hidden, one keyset page after the cursor.
func (s *Store) SearchPostHits(ctx context.Context, q string, f SearchFilter, after *SearchCursor, limit int) ([]PostHit, error) {
	tx, rank, rankArgs, ok := s.searchBase(ctx, "posts", q, f)
	if !ok {
		return nil, nil
	}
	snip, snipArgs := s.snippet("posts", q, f.Language)
	args := append(append([]any{}, rankArgs...), snipArgs...)
	tx = tx.Select("posts.*, "+rank+" AS rank, "+snip+" AS snippet", args...)
	var hits []PostHit
	err := s.searchPage(ctx, tx, f, after, limit).Scan(&hits).Error
	for i := range hits {
		hits[i].Snippet = unLT(hits[i].Snippet)
	}
	return hits, err
}

// SearchThreadHits finds live threads whose title matches q.
func (s *Store) SearchThreadHits(ctx context.Context, q string, f SearchFilter, after *SearchCursor, limit int) ([]ThreadHit, error) {
	tx, rank, rankArgs, ok := s.searchBase(ctx, "threads", q, f)
	if !ok {
		return nil, nil
	}
	snip, snipArgs := s.snippet("threads", q, f.Language)
	args := append(append([]any{}, rankArgs...), snipArgs...)
	tx = tx.Select("threads."+strings.ReplaceAll(threadColumns, ", ", ", threads.")+", "+rank+" AS rank, "+snip+" AS snippet", args...)
	var hits []ThreadHit
	err := s.searchPage(ctx, tx, f, after, limit).Scan(&hits).Error
	for i := range hits {
		hits[i].Snippet = unLT(hits[i].Snippet)
	}
	return hits, err
}

// CountSearch counts every match of q under f (kind "posts" or "threads").
func (s *Store) CountSearch(ctx context.Context, kind, q string, f SearchFilter) (int64, error) {
	tx, _, _, ok := s.searchBase(ctx, kind, q, f)
	if !ok {
		return 0, nil
	}
	var n int64
	err := tx.Count(&n).Error
	return n, err
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

// RestemBatch sets search_lang to lang on up to n rows of table ("posts"
// or "threads") built for another language, so PostgreSQL rebuilds their
// generated search vectors; "" counts as English (the default before a
// row is first rebuilt). Rows another transaction holds are skipped. It
// returns how many rows it changed.
func (s *Store) RestemBatch(ctx context.Context, table, lang string, n int) (int64, error) {
	if table != "posts" && table != "threads" {
		return 0, fmt.Errorf("restem: unknown table %q", table)
	}
	if _, ok := searchConfigs[lang]; !ok {
		lang = "en"
	}
	other := "search_lang <> ?"
	args := []any{lang, lang}
	if lang == "en" {
		other = "search_lang NOT IN (?, '')"
	}
	res := s.DB(ctx).Exec(`UPDATE `+table+` SET search_lang = ? WHERE id IN (
		SELECT id FROM `+table+` WHERE `+other+` ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)`, append(args, n)...)
	return res.RowsAffected, res.Error
}
