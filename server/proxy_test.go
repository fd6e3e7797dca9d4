package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/config"
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
