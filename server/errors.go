package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/i18n"
)

// APIError is the JSON error body: {"error": {"code": "...", "message": "..."}}.
type APIError struct {
	Status  int               `json:"-"`
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func (e *APIError) Error() string { return e.Message }

func apiError(status int, code, msg string) *APIError {
	return &APIError{Status: status, Code: code, Message: msg}
}

// classify maps any error to a status, code and message: the one place
// domain errors become HTTP, for HTML and JSON alike. Messages are in l
// (English when nil): a domain error's own message (i18n.MsgOf), or the
// errors.http.* words for a kind of error.
func classify(err error, l *i18n.Lang) *APIError {
	if l == nil {
		l = i18n.English()
	}
	var ae *APIError
	var he *echo.HTTPError
	var rl *forum.RateLimitError
	var tl *forum.TooLargeError
	var fe *forum.ForbiddenError
	switch {
	case errors.As(err, &ae):
		return ae
	case !errors.As(err, &he) && forum.IsUnavailable(err):
		return apiError(http.StatusServiceUnavailable, "unavailable", l.T("errors.http.unavailable"))
	case errors.Is(err, forum.ErrNotFound):
		return apiError(http.StatusNotFound, "not_found", l.T("errors.http.not_found"))
	case errors.Is(err, forum.ErrEmailUnverified):
		return apiError(http.StatusForbidden, "email_unverified", i18n.ErrorIn(err, l))
	case errors.As(err, &fe):
		return apiError(http.StatusForbidden, "forbidden", i18n.ErrorIn(fe, l))
	case errors.Is(err, forum.ErrForbidden):
		return apiError(http.StatusForbidden, "forbidden", l.T("errors.http.forbidden"))
	case errors.Is(err, forum.ErrUnauthorized):
		return apiError(http.StatusUnauthorized, "unauthorized", l.T("errors.http.unauthorized"))
	case errors.As(err, &rl):
		return apiError(http.StatusTooManyRequests, "rate_limited", i18n.ErrorIn(rl, l))
	case errors.Is(err, forum.ErrHeld):
		return apiError(http.StatusAccepted, "held_for_approval", i18n.ErrorIn(err, l))
	case errors.As(err, &tl):
		return apiError(http.StatusRequestEntityTooLarge, "too_large", i18n.ErrorIn(tl, l))
	case errors.Is(err, forum.ErrConflict):
		return apiError(http.StatusConflict, "conflict", i18n.ErrorIn(err, l))
	}
	if ve, ok := forum.AsValidation(err); ok {
		return &APIError{Status: http.StatusUnprocessableEntity, Code: "validation_failed", Message: ve.ErrorIn(l), Fields: ve.In(l)}
	}
	if errors.As(err, &he) {
		msg := fmt.Sprint(he.Message)
		code := strings.ToLower(strings.ReplaceAll(http.StatusText(he.Code), " ", "_"))
		if he.Code == http.StatusRequestEntityTooLarge {
			msg = l.T("errors.http.too_large")
		}
		return apiError(he.Code, code, msg)
	}
	return apiError(http.StatusInternalServerError, "internal_error", l.T("errors.http.internal"))
}

// errorHandler renders errors as JSON for the API and as a page for browsers.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if clientAborted(c, err) {
		// The client went away: nobody reads a response and nothing is
		// wrong here. The request line logs the status (499, nginx's
		// "client closed request"); log the abort once, at info.
		if c.Response().Status != statusClientClosed {
			c.Response().Status = statusClientClosed
			s.log.InfoContext(c.Request().Context(), "client aborted request", "status", statusClientClosed,
				"path", c.Request().URL.Path, "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
		}
		return
	}
	asJSON := strings.HasPrefix(c.Request().URL.Path, "/api/") || !strings.Contains(c.Request().Header.Get("Accept"), "html") && c.Request().Method != http.MethodGet && c.Request().Header.Get("Content-Type") == "application/json"
	// English first, for the log and the status; the words a person reads
	// are written again in their language where there is a body. The
	// unavailable page keeps English: choosing a language may read the
	// site settings, from the database that is not answering.
	ae := classify(err, nil)
	if ae.Status >= 500 {
		s.log.ErrorContext(c.Request().Context(), "request failed", "error", err.Error(),
			"path", c.Request().URL.Path, "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
	if ae.Code == "unavailable" {
		c.Response().Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	}
	var werr error
	switch {
	case c.Request().Method == http.MethodHead:
		werr = c.NoContent(ae.Status)
	case asJSON:
		werr = c.JSON(ae.Status, map[string]any{"error": classify(err, s.apiLang(c))})
	case ae.Status == http.StatusUnauthorized && c.Request().Method == http.MethodGet:
		werr = c.Redirect(http.StatusSeeOther, "/login")
	case ae.Code == "unavailable":
		if rerr := s.renderUnavailable(c, ae); rerr != nil {
			werr = c.String(ae.Status, ae.Message)
		}
	default:
		ae = classify(err, s.lang(c))
		p := s.page(c, errorTitle(s.lang(c), ae.Status))
		p.NoIndex = true
		p.Data = ae
		if rerr := s.tmpl.render(c, ae.Status, "error", p); rerr != nil {
			werr = c.String(ae.Status, ae.Message)
		}
	}
	if werr != nil {
		s.log.Error("write error response", "error", werr)
	}
}

// statusClientClosed is what the logs and metrics show for a request whose
// client disconnected before the answer (nginx's 499).
const statusClientClosed = 499

// clientAborted reports whether err is the request's own context being
// cancelled, i.e. the client disconnected; a cancellation from anywhere
// else is still an error.
func clientAborted(c echo.Context, err error) bool {
	return errors.Is(err, context.Canceled) && errors.Is(c.Request().Context().Err(), context.Canceled)
}

// errorTitle is an error page's heading in words a reader uses: "Page not
// found" rather than the status text "Not Found" (which the page used to
// show twice, as the heading and again in the title).
func errorTitle(l *i18n.Lang, status int) string {
	switch status {
	case http.StatusNotFound:
		return l.T("forum.error.not_found")
	case http.StatusForbidden:
		return l.T("forum.error.forbidden")
	case http.StatusInternalServerError:
		return l.T("forum.error.internal")
	}
	return http.StatusText(status)
}
