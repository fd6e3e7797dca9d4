package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/server"
)

// requestCounter is a line /metrics shows once the front page was served.
const requestCounter = `hearth_http_requests_total{method="GET",route="/",status="200"}`

// TestPublicMetricsNeedTheToken: on the public address /metrics is a 404
// like any unknown page unless the operator set --metrics-token and the
// request carries it as a Bearer token.
func TestPublicMetricsNeedTheToken(t *testing.T) {
	const token = "s3cret-metrics-token-0123456789"
	tests := []struct {
		name, configured, auth string
		want                   int
	}{
		{"no token configured, none sent", "", "", http.StatusNotFound},
		{"no token configured, one sent", "", "Bearer " + token, http.StatusNotFound},
		{"token configured, none sent", token, "", http.StatusNotFound},
		{"wrong token", token, "Bearer not-the-token", http.StatusNotFound},
		{"token as a prefix", token, "Bearer " + token[:10], http.StatusNotFound},
		{"not a bearer", token, "Basic " + token, http.StatusNotFound},
		{"right token", token, "Bearer " + token, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServerWith(t, func(c *config.Config) { c.MetricsToken = tt.configured })
			ts.browser().get("/")
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/metrics", nil)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.want {
				t.Fatalf("/metrics: %d, want %d", res.StatusCode, tt.want)
			}
			if has := strings.Contains(string(body), requestCounter); has != (tt.want == http.StatusOK) {
				t.Fatalf("/metrics answered %d and shows the counters: %v\n%s", res.StatusCode, has, body)
			}
		})
	}
}

// TestMetricsHandlerServesMetrics: what serve mounts on --metrics-addr
// shows the counters without any token.
func TestMetricsHandlerServesMetrics(t *testing.T) {
	env := forumtest.New(t)
	s, err := server.New(env.Cfg, env.Svc, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	pub := httptest.NewServer(s.Handler())
	defer pub.Close()
	if res, err := http.Get(pub.URL + "/"); err != nil {
		t.Fatal(err)
	} else {
		res.Body.Close()
	}
	priv := httptest.NewServer(s.MetricsHandler())
	defer priv.Close()
	res, err := http.Get(priv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), requestCounter) {
		t.Fatalf("metrics listener: %d\n%s", res.StatusCode, body)
	}
	if res, err := http.Get(priv.URL + "/"); err != nil || res.StatusCode != http.StatusNotFound {
		t.Fatalf("metrics listener serves more than /metrics: %v %v", res.StatusCode, err)
	}
}
