package server

import (
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// The site banner: a published announcement staff pinned until a date. It
// is on every page, so the anonymous page cache keys carry it (bannerKey):
// a new banner, or one that ends, changes the key in every process.

const bannerCtxKey = "hearth.banner"

type bannerHolder struct{ b *forum.Banner }

// banner loads the current banner once per request.
func (s *Server) banner(c echo.Context) *forum.Banner {
	if h, ok := c.Get(bannerCtxKey).(bannerHolder); ok {
		return h.b
	}
	b, err := s.forum.ActiveBanner(c.Request().Context())
	if err != nil {
		// A banner must not fail the page it decorates.
		s.log.WarnContext(c.Request().Context(), "site banner", "error", err)
		b = nil
	}
	c.Set(bannerCtxKey, bannerHolder{b})
	return b
}

// bannerKey is the banner's part of a cached page's key.
func (s *Server) bannerKey(c echo.Context) string {
	b := s.banner(c)
	if b == nil {
		return ""
	}
	return ":b" + strconv.FormatInt(b.ThreadID, 10) + "." + strconv.FormatInt(b.Until.Unix(), 10)
}
