package server

import (
	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// The site banner: a published announcement staff pinned until a date. It
// is on every page, so the anonymous page cache keys carry it: the page
// version (forum.PageVersion) reads it with the thread's or category's
// version in one query, and a new, ended or retitled banner changes the key
// in every process.

const bannerCtxKey = "hearth.banner"

type bannerHolder struct{ b *forum.Banner }

// banner loads the current banner once per request; a page whose cache
// version was read already has it (see keepBanner).
func (s *Server) banner(c echo.Context) *forum.Banner {
	if h, ok := c.Get(bannerCtxKey).(bannerHolder); ok {
		return h.b
	}
	if viewer(c) != nil {
		// A member's header read brings the banner along.
		s.memberChromeRead(c)
		if h, ok := c.Get(bannerCtxKey).(bannerHolder); ok {
			return h.b
		}
	}
	// With the site settings' version, in one query (see site_settings.go).
	v, err := s.forum.PageChrome(c.Request().Context())
	if err != nil {
		// A banner must not fail the page it decorates.
		s.log.WarnContext(c.Request().Context(), "site banner", "error", err)
		keepBanner(c, nil)
		return nil
	}
	keepVersion(c, v)
	return v.Banner
}

// keepBanner records the banner read with a page version, so rendering the
// page on a cache miss shows the banner its key was built from.
func keepBanner(c echo.Context, b *forum.Banner) { c.Set(bannerCtxKey, bannerHolder{b}) }
