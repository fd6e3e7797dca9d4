package server

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	gatherer prometheus.Gatherer
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hearth_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "hearth_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"method", "route"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	if g, ok := reg.(prometheus.Gatherer); ok {
		m.gatherer = g
	} else {
		m.gatherer = prometheus.DefaultGatherer
	}
	return m, nil
}

// middleware counts requests by route pattern (not raw path, so ids don't
// explode label cardinality).
func (m *metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		status := c.Response().Status
		if err != nil {
			if clientAborted(c, err) {
				status = statusClientClosed
			} else if he, ok := err.(*echo.HTTPError); ok {
				status = he.Code
			} else if ae := classify(err, nil); ae != nil {
				status = ae.Status
			}
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(c.Request().Method, route, strconv.Itoa(status)).Inc()
		m.duration.WithLabelValues(c.Request().Method, route).Observe(time.Since(start).Seconds())
		return err
	}
}

// exposition is the Prometheus text handler, served on the metrics listener
// (see Server.MetricsHandler) and, with a token, on the public address.
func (m *metrics) exposition() http.Handler {
	return promhttp.HandlerFor(m.gatherer, promhttp.HandlerOpts{})
}

// publicHandler serves /metrics on the public address only to a request
// carrying the operator's token; anyone else gets the same 404 as any
// unknown page, so the public site does not even say metrics exist. Route
// names, counts and latencies tell an attacker which endpoints are slow or
// failing, which is why they are not public.
func (m *metrics) publicHandler(token string) echo.HandlerFunc {
	h := echo.WrapHandler(m.exposition())
	return func(c echo.Context) error {
		if token == "" {
			return echo.ErrNotFound
		}
		sent, ok := strings.CutPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(sent)), []byte(token)) != 1 {
			return echo.ErrNotFound
		}
		return h(c)
	}
}
