package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/models"
)

// loginFrom submits the login form for alice as a client at addr (the test server
// trusts loopback as a proxy, so X-Forwarded-For names the client).
func (b *browser) loginFrom(addr, password string) *response {
	form := url.Values{"login": {"alice"}, "password": {password}, "_csrf": {b.csrf()}}
	req, _ := http.NewRequest(http.MethodPost, b.ts.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", addr)
	return b.do(req)
}

func (b *browser) hasCookie(name string) bool {
	u, _ := url.Parse(b.ts.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == name && c.Value != "" {
			return true
		}
	}
	return false
}

// TestLoginLockoutThroughTheForm plays an attack on one account through
// the real login form: the attacker rotates addresses until the
// account-wide bound trips; the owner's browser (device cookie) and known
// network still get in; a brand-new browser on a new network is told
// clearly how long to wait, keeps what it typed, and gets Retry-After; the
// owner finds one notification; API tokens never see the login limits.
func TestLoginLockoutThroughTheForm(t *testing.T) {
	ts := newTestServerWith(t, func(c *config.Config) { c.TrustedProxies = "127.0.0.0/8" })
	now := time.Now().UTC()
	ts.Svc.SetClock(func() time.Time { return now })
	alice := ts.User("alice", models.RoleMember)
	token, err := ts.Svc.CreateToken(ts.Ctx, alice.ID, "script")
	if err != nil {
		t.Fatal(err)
	}

	owner := ts.browser()
	if r := owner.loginFrom("10.0.0.1", "password123"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("owner's first login: %d", r.StatusCode)
	}
	if !owner.hasCookie("hearth_device") {
		t.Fatal("a login set no device cookie")
	}
	owner.post("/logout", nil)

	attacker := ts.browser()
	for i := range 50 {
		r := attacker.loginFrom(fmt.Sprintf("192.0.2.%d", i/4), "guess"+strconv.Itoa(i))
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "wrong username, email or password") || !strings.Contains(r.Body, `value="alice"`) {
			t.Fatalf("failure %d: %d", i, r.StatusCode)
		}
	}
	r := attacker.loginFrom("192.0.2.200", "password123")
	if r.StatusCode != http.StatusTooManyRequests || !strings.Contains(r.Body, "Try again in 15 minutes") {
		t.Fatalf("attacker on a fresh address: %d\n%s", r.StatusCode, r.Body)
	}

	newcomer := ts.browser()
	r = newcomer.loginFrom("203.0.113.9", "password123")
	if r.StatusCode != http.StatusTooManyRequests || !strings.Contains(r.Body, "logins from new devices are paused") ||
		!strings.Contains(r.Body, `value="alice"`) {
		t.Fatalf("brand-new browser and network during the attack: %d\n%s", r.StatusCode, r.Body)
	}
	if ra, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 900 {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}

	if r := owner.loginFrom("198.51.100.7", "password123"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("owner's browser on a new network during the attack: %d\n%s", r.StatusCode, r.Body)
	}
	if r := ts.browser().loginFrom("10.0.0.1", "password123"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a new browser on the owner's known network: %d", r.StatusCode)
	}

	page := owner.get("/notifications")
	if n := strings.Count(page.Body, "Someone failed to log in to your account many times"); n != 1 {
		t.Fatalf("owner sees %d attack notifications, want 1\n%s", n, page.Body)
	}
	// The owner's API token works throughout, and the API names the alert.
	code, out := ts.api(t, http.MethodGet, "/api/v1/notifications", token, "")
	items, _ := out["notifications"].([]any)
	if code != http.StatusOK || len(items) != 1 {
		t.Fatalf("API token during a login attack: %d %v", code, out)
	}
	if n, _ := items[0].(map[string]any); n["kind"] != "login_attack" || n["url"] != ts.Cfg.URL+"/settings" {
		t.Fatalf("alert in the API: %v", n)
	}
}
