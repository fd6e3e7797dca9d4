package forum

import (
	"context"
	"log/slog"
	"time"
)

// On PostgreSQL, search stems words in the forum's language: each post's
// and thread's search vector is built for the language code in its
// search_lang column (migration 0595), and queries stem in the site's
// language. When the site's language changes, and for rows written since
// the last run (they start with ""), RunSearchLanguage rebuilds the
// vectors of the rows built for another language, a batch at a time, so
// the table is never locked for long. SQLite's FTS5 tables stem English.

const (
	restemEvery  = time.Minute
	restemBatch  = 2000
	restemBudget = 20 * time.Second // per run; the rest waits for the next
)

// searchLanguage is the language queries stem in: the site's.
func (s *Service) searchLanguage(ctx context.Context) string {
	site, err := s.Site(ctx)
	if err != nil {
		return s.LastSite().Language
	}
	return site.Language
}

// RestemSearch rebuilds up to restemBudget's worth of batches of search
// vectors built for another language than the site's, and returns how
// many rows it rebuilt. Every process may run it: a batch skips rows
// another process holds.
func (s *Service) RestemSearch(ctx context.Context) (int64, error) {
	if s.store.Dialect() != "postgres" {
		return 0, nil
	}
	lang := s.searchLanguage(ctx)
	start := time.Now()
	var total int64
	for _, table := range []string{"threads", "posts"} {
		for time.Since(start) < restemBudget {
			n, err := s.store.RestemBatch(ctx, table, lang, restemBatch)
			total += n
			if err != nil {
				return total, err
			}
			if n < restemBatch {
				break
			}
		}
	}
	return total, nil
}

// RunSearchLanguage runs RestemSearch every restemEvery until ctx ends.
func (s *Service) RunSearchLanguage(ctx context.Context, log *slog.Logger) {
	if s.store.Dialect() != "postgres" {
		return
	}
	t := time.NewTicker(restemEvery)
	defer t.Stop()
	for {
		if n, err := s.RestemSearch(ctx); err != nil && ctx.Err() == nil {
			log.Warn("search language: rebuild vectors", "error", err)
		} else if n > 0 {
			log.Info("search language: rebuilt vectors", "rows", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
