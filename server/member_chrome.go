package server

import (
	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// memberChromeCtxKey holds a request's memberCounts once read.
const memberChromeCtxKey = "hearth.member_chrome"

// memberCounts are a signed-in member's header counts; ok is false when
// their read failed.
type memberCounts struct {
	unread, messages int
	ok               bool
}

// memberChrome fills a signed-in member's header counts (unread
// notifications and conversations) from memberChromeRead.
func (s *Server) memberChrome(c echo.Context, p *Page) {
	if mc := s.memberChromeRead(c); mc.ok {
		p.Unread, p.UnreadMessages = mc.unread, mc.messages
	}
}

// memberChromeRead reads a signed-in member's header counts and, unless a
// version read already brought them, the banner and site settings'
// version: one query for all of it (forum.MemberChrome) instead of three,
// once per request. Whatever asks first (the page's header, or the
// language choice wanting the site settings before the page is built, as
// a page titled with s.t does) makes the read; the others reuse it. A
// failed read must not fail the page it decorates: the header shows no
// numbers this time and the banner falls back to its own read.
func (s *Server) memberChromeRead(c echo.Context) memberCounts {
	if mc, ok := c.Get(memberChromeCtxKey).(memberCounts); ok {
		return mc
	}
	ctx := c.Request().Context()
	var mc memberCounts
	v, unread, messages, err := s.forum.MemberChrome(ctx, viewer(c))
	if err != nil {
		s.log.WarnContext(ctx, "member page header", "error", err)
	} else {
		mc = memberCounts{unread: unread, messages: messages, ok: true}
		if c.Get(bannerCtxKey) == nil {
			keepVersion(c, v)
		}
	}
	c.Set(memberChromeCtxKey, mc)
	return mc
}

// keepMemberHeader is memberChromeRead's result when the page's own read
// brought the header along (forum.ThreadPage's Header): the request makes
// no read of its own for it.
func keepMemberHeader(c echo.Context, h *forum.MemberHeader) {
	if h == nil {
		return
	}
	c.Set(memberChromeCtxKey, memberCounts{unread: h.Unread, messages: h.Messages, ok: true})
	if c.Get(bannerCtxKey) == nil {
		keepVersion(c, h.Version)
	}
}
