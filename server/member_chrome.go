package server

import (
	"github.com/labstack/echo/v4"
)

// memberCounts is a signed-in member's header counts, read once per
// request.
type memberCounts struct{ unread, messages int }

const ctxMemberCounts = "hearth.member_counts"

// memberChrome fills a signed-in member's header counts (unread
// notifications and conversations) and, unless a version read already
// brought them, the banner and site settings' version: one query for all
// of it (forum.MemberChrome) instead of three. A failed read must not fail
// the page it decorates: the header shows no numbers this time and the
// banner falls back to its own read.
func (s *Server) memberChrome(c echo.Context, p *Page) {
	if n := s.readMemberChrome(c); n != nil {
		p.Unread, p.UnreadMessages = n.unread, n.messages
	}
}

// readMemberChrome does memberChrome's read once per request, whichever
// asks first: the page, or the language choice (which needs the site
// settings the same read brings).
func (s *Server) readMemberChrome(c echo.Context) *memberCounts {
	if n, ok := c.Get(ctxMemberCounts).(*memberCounts); ok {
		return n
	}
	ctx := c.Request().Context()
	v, unread, messages, err := s.forum.MemberChrome(ctx, viewer(c))
	if err != nil {
		s.log.WarnContext(ctx, "member page header", "error", err)
		c.Set(ctxMemberCounts, (*memberCounts)(nil))
		return nil
	}
	if c.Get(bannerCtxKey) == nil {
		keepVersion(c, v)
	}
	n := &memberCounts{unread: unread, messages: messages}
	c.Set(ctxMemberCounts, n)
	return n
}
