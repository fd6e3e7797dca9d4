package server_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/server"
)

// loginFrom fails a login claiming to come from xff, each time for another
// account so only the per-IP limit can trigger.
func loginFrom(b *browser, xff string) int {
	loginCount++
	form := url.Values{"login": {fmt.Sprintf("nobody%d", loginCount)}, "password": {"x"}, "_csrf": {b.csrf()}}
	req, _ := http.NewRequest(http.MethodPost, b.ts.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", xff)
	return b.do(req).StatusCode
}

var loginCount int

func TestForwardedForIsIgnoredUnlessTrusted(t *testing.T) {
	ts := newTestServer(t)
	b := ts.browser()
	// Twenty failures "from" twenty addresses are still one client.
	for i := 0; i < 20; i++ {
		loginFrom(b, fmt.Sprintf("203.0.113.%d", i))
	}
	if code := loginFrom(b, "198.51.100.1"); code != http.StatusTooManyRequests {
		t.Fatalf("forged X-Forwarded-For dodged the per-IP limit: %d", code)
	}
}

func TestForwardedForFromTrustedProxy(t *testing.T) {
	ts := newTestServerWith(t, func(c *config.Config) { c.TrustedProxies = "127.0.0.0/8" })
	b := ts.browser()
	for i := 0; i < 20; i++ {
		loginFrom(b, "203.0.113.7")
	}
	if code := loginFrom(b, "203.0.113.7"); code != http.StatusTooManyRequests {
		t.Fatalf("client behind the proxy not limited: %d", code)
	}
	if code := loginFrom(b, "203.0.113.8"); code != http.StatusUnprocessableEntity {
		t.Fatalf("another client behind the proxy was limited: %d", code)
	}
}

// TestRealIPFromTrustedProxy: a proxy that sends X-Real-IP instead of
// X-Forwarded-For (nginx's usual set-up) still gets per-member limits, and
// the same header from an untrusted peer is ignored.
func TestRealIPFromTrustedProxy(t *testing.T) {
	try := func(b *browser, realIP string) int {
		loginCount++
		form := url.Values{"login": {fmt.Sprintf("nobody%d", loginCount)}, "password": {"x"}, "_csrf": {b.csrf()}}
		req, _ := http.NewRequest(http.MethodPost, b.ts.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Real-IP", realIP)
		return b.do(req).StatusCode
	}
	trusted := newTestServerWith(t, func(c *config.Config) { c.TrustedProxies = "127.0.0.1" })
	b := trusted.browser()
	for i := 0; i < 20; i++ {
		try(b, "203.0.113.7")
	}
	if code := try(b, "203.0.113.7"); code != http.StatusTooManyRequests {
		t.Fatalf("client behind the proxy not limited: %d", code)
	}
	if code := try(b, "203.0.113.8"); code != http.StatusUnprocessableEntity {
		t.Fatalf("another client behind the proxy was limited: %d", code)
	}

	untrusted := newTestServer(t)
	b = untrusted.browser()
	for i := 0; i < 20; i++ {
		try(b, fmt.Sprintf("203.0.113.%d", i))
	}
	if code := try(b, "198.51.100.1"); code != http.StatusTooManyRequests {
		t.Fatalf("forged X-Real-IP dodged the per-IP limit: %d", code)
	}
}

// TestRequestLogNamesTheClient: the request log carries the member's
// address from a trusted proxy, and the socket address otherwise.
func TestRequestLogNamesTheClient(t *testing.T) {
	for _, tc := range []struct {
		proxies, want, notWant string
	}{
		{proxies: "127.0.0.0/8", want: "client_ip=203.0.113.7"},
		{proxies: "", want: "client_ip=127.0.0.1", notWant: "203.0.113.7"},
	} {
		env := forumtest.New(t)
		env.Cfg.TrustedProxies = tc.proxies
		var buf syncBuffer
		s, err := server.New(env.Cfg, env.Svc, slog.New(slog.NewTextHandler(&buf, nil)), prometheus.NewRegistry())
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(s.Handler())
		req, _ := http.NewRequest(http.MethodGet, hs.URL+"/healthz", nil)
		req.Header.Set("X-Forwarded-For", "203.0.113.7")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		hs.Close()
		out := buf.String()
		if !strings.Contains(out, tc.want) || (tc.notWant != "" && strings.Contains(out, tc.notWant)) {
			t.Fatalf("proxies %q: log %q, want %q", tc.proxies, out, tc.want)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the server goroutines writing the
// log while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
