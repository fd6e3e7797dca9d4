package server

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/hearth/hearth/ttlcache"
	"github.com/labstack/echo/v4"
)

// anonCache keeps rendered thread pages for logged-out readers, the bulk of
// a forum's traffic (Discourse's "anonymous cache" does the same). Keys
// include the thread's version from the database, which changes with every
// new, edited, deleted or liked post, so no process ever serves a stale post
// and several processes can run side by side. What the key does not cover
// (a renamed author, a recoloured category) is bounded by the TTL.
type anonCache struct {
	lru *ttlcache.Cache[string, []byte]
	// versions shares a page's version read among requests that arrive
	// together (see versionReads).
	versions *versionReads
}

const (
	anonCacheEntries = 64 // × ~200 KB for a 100-post page: bounded memory
	anonCacheTTL     = 30 * time.Second
)

func newAnonCache() *anonCache {
	return &anonCache{lru: ttlcache.New[string, []byte](anonCacheEntries, anonCacheTTL), versions: newVersionReads()}
}

// cacheable reports whether this request may be answered from, and stored
// in, the anonymous cache: a logged-out GET with nothing personal to show.
// Only the named query parameters may be present (they are in the key).
func cacheable(c echo.Context, params ...string) bool {
	if viewer(c) != nil || c.Request().Method != http.MethodGet {
		return false
	}
	if ck, err := c.Cookie(flashCookie); err == nil && ck.Value != "" {
		return false
	}
	for k := range c.QueryParams() {
		if !slices.Contains(params, k) {
			return false
		}
	}
	return true
}

// sendCacheable renders a page and, when key is set, keeps it for the
// next logged-out reader.
func (s *Server) sendCacheable(c echo.Context, key, name string, p *Page) error {
	if key == "" {
		return s.tmpl.render(c, http.StatusOK, name, p)
	}
	c.Response().Header().Set("X-Hearth-Cache", "miss")
	return s.tmpl.send(c, http.StatusOK, name, p, func(b []byte) { s.cache.put(key, bytes.Clone(b), p.CSRF) })
}

func threadCacheKey(id int64, page int, version string) string {
	return "t:" + strconv.FormatInt(id, 10) + ":" + strconv.Itoa(page) + ":" + version
}

func (a *anonCache) get(key string) ([]byte, bool) { return a.lru.Get(key) }

// put stores a page unless it carries this visitor's CSRF token, which must
// never be shown to someone else.
func (a *anonCache) put(key string, page []byte, csrf string) {
	if csrf != "" && bytes.Contains(page, []byte(csrf)) {
		return
	}
	a.lru.Add(key, page)
}
