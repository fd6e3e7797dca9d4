package server

import (
	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/i18n"
)

// ctxServer lets code that has the request but not the Server (formFrom,
// called from many handlers) find the request's language.
const ctxServer = "hearth.server"

// withServer records the Server in the request's context for langOf.
func (s *Server) withServer(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(ctxServer, s)
		return next(c)
	}
}

// langOf is the request's language (Server.lang), English outside a
// request the Server handles.
func langOf(c echo.Context) *i18n.Lang {
	if l, ok := c.Get(ctxLang).(*i18n.Lang); ok {
		return l
	}
	if s, ok := c.Get(ctxServer).(*Server); ok {
		return s.lang(c)
	}
	return i18n.English()
}

// fieldErrors is a validation error's messages by field in the request's
// language, for a form that shows each beside its field.
func fieldErrors(c echo.Context, ve *forum.ValidationError) map[string]string {
	return ve.In(langOf(c))
}

// errorText is err in words for the person who made the request: its
// message in their language when it carries one, else its text as it is.
func errorText(c echo.Context, err error) string {
	if ve, ok := forum.AsValidation(err); ok && ve.Error() == err.Error() {
		return ve.ErrorIn(langOf(c))
	}
	return i18n.ErrorIn(err, langOf(c))
}

// apiLang is the language of the JSON API's answers: what the request's
// Accept-Language asks for among the catalogs, else English. Programs
// say what they want in the header; a member's page setting or the
// site's default does not change what a client that never asked reads.
func (s *Server) apiLang(c echo.Context) *i18n.Lang {
	if c.Request().Header.Get("Accept-Language") == "" {
		return s.tmpl.cat.Get(i18n.Default)
	}
	return s.tmpl.cat.Pick("", c.Request().Header.Get("Accept-Language"), i18n.Default)
}
