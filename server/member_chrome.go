package server

import (
	"github.com/labstack/echo/v4"
)

// memberChrome fills a signed-in member's header counts (unread
// notifications and conversations) and, unless a version read already
// brought them, the banner and site settings' version: one query for all
// of it (forum.MemberChrome) instead of three. A failed read must not fail
// the page it decorates: the header shows no numbers this time and the
// banner falls back to its own read.
func (s *Server) memberChrome(c echo.Context, p *Page) {
	ctx := c.Request().Context()
	v, unread, messages, err := s.forum.MemberChrome(ctx, p.Viewer)
	if err != nil {
		s.log.WarnContext(ctx, "member page header", "error", err)
		return
	}
	p.Unread, p.UnreadMessages = unread, messages
	if c.Get(bannerCtxKey) == nil {
		keepVersion(c, v)
	}
}
