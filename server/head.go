package server

import (
	"bufio"
	"net"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// headAsGet makes HEAD work wherever GET does (RFC 9110 §9.3.2): Echo routes
// a HEAD only to handlers registered for HEAD, so without this every page
// answered 405. A HEAD runs the GET handler and every middleware exactly as
// a GET would (CSRF treats it as safe, the page cache and content
// negotiation see a GET), so status and headers match; the body is counted
// and dropped, and its length is sent as Content-Length.
//
// It is a Pre middleware, registered first, so routing and every later Pre
// middleware (federation's content negotiation) see the GET.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method != http.MethodHead {
			return next(c)
		}
		// Echo routes on this very request (ServeHTTP captured it), so the
		// method changes in place, and changes back before the status line
		// goes out: net/http, seeing HEAD again, sends no body and keeps
		// the connection.
		r.Method = http.MethodGet
		res := c.Response()
		w := &headWriter{ResponseWriter: res.Writer}
		res.Writer = w
		defer func() { res.Writer = w.ResponseWriter }()
		err := next(c)
		if err != nil {
			// The error handler writes the answer, through w too.
			c.Error(err)
		}
		r.Method = http.MethodHead
		w.finish()
		return nil
	}
}

// headWriter holds the status line until the handler is done, counting the
// body it drops, so the HEAD answer carries GET's Content-Length.
type headWriter struct {
	http.ResponseWriter
	status  int
	written int64
	sent    bool
}

func (w *headWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *headWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.written += int64(len(p))
	return len(p), nil
}

// Flush does nothing: nothing is sent before the handler ends.
func (w *headWriter) Flush() {}

// Hijack is refused: a HEAD never upgrades a connection.
func (w *headWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, http.ErrNotSupported
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *headWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *headWriter) finish() {
	if w.sent {
		return
	}
	w.sent = true
	if w.status == 0 {
		w.status = http.StatusOK
	}
	h := w.ResponseWriter.Header()
	if w.written > 0 && h.Get("Content-Length") == "" && h.Get("Transfer-Encoding") == "" {
		h.Set("Content-Length", strconv.FormatInt(w.written, 10))
	}
	w.ResponseWriter.WriteHeader(w.status)
}
