package server

import (
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/markup"
)

// A thread page's meta description is an excerpt of its first post,
// which markup.Excerpt finds by tokenizing the post's HTML: on a member's
// page (never served from the page cache) that was redone on every
// request. What the viewer's copy of the post holds is decided by the
// post's version and whether it is hidden from them or shown to staff,
// so the excerpt is kept per post under those.
type excerptKey struct {
	post, version          int64
	hidden, hiddenForStaff bool
}

const excerptEntries = 1024

func newExcerptCache() *lru.Cache[excerptKey, string] {
	c, err := lru.New[excerptKey, string](excerptEntries)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return c
}

// excerpt is markup.Excerpt of the viewer's copy of post v (200 runes).
func (s *Server) excerpt(v *forum.PostView) string {
	k := excerptKey{post: v.ID, version: v.UpdatedAt.UnixMicro(), hidden: v.Hidden, hiddenForStaff: v.HiddenForStaff}
	if e, ok := s.excerpts.Get(k); ok {
		return e
	}
	e := markup.Excerpt(v.HTML, 200)
	s.excerpts.Add(k, e)
	return e
}
