//go:build e2e

package e2e

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hearth/hearth/forum"
)

// TestBrowserTwoFactorEnrolAndLogIn: a member turns on two-factor login
// from the settings page (QR code drawn by the server, key shown as text),
// logs out, and logs back in with the password and a code. The test plays
// the authenticator app with the key the page shows; the server runs on
// the wall clock, so codes are computed from it.
func TestBrowserTwoFactorEnrolAndLogIn(t *testing.T) {
	base, _ := startHearth(t)
	b := newBrowser(t, chromiumPath(t), base)
	b.open("/signup")
	b.signUp("alice", "alice@example.test", "correct horse battery")

	b.open("/settings")
	b.expectText("#two-factor + p", "Off.")
	b.click(`a[href="/settings/2fa"]`, "/settings/2fa")
	if w := get(b, "QR code width", chromedp.Evaluate[int](`document.querySelector("img.qr-code").naturalWidth`)); w < 100 {
		t.Fatalf("the QR code did not load: naturalWidth %d", w)
	}
	secret := get(b, "key", chromedp.Text(chromedp.ID("tf-secret")))
	code, err := forum.TOTPCode(secret, time.Now())
	if err != nil {
		t.Fatalf("key %q from the page: %v", secret, err)
	}
	b.fill("#tf-code", code)
	b.click(`form[action="/settings/2fa/enable"] button[type=submit]`, "/settings/2fa/enable")
	b.expectText("main", "Save these now")
	if n := get(b, "recovery codes", chromedp.Evaluate[int](`document.querySelectorAll(".recovery-codes code").length`)); n != 10 {
		t.Fatalf("%d recovery codes shown, want 10", n)
	}
	b.screenshot("two-factor-codes.png", 1280, 900, false)
	b.click(`a[href="/settings#two-factor"]`, "/settings")
	b.expectText("#two-factor ~ p", "10 unused recovery codes")

	b.click(`header form[action="/logout"] button[type=submit]`, "/")
	b.open("/login")
	b.fill("#li-login", "alice")
	b.fill("#li-password", "correct horse battery")
	b.click(`form[action="/login"] button[type=submit]`, "/login/2fa")
	b.expectText("h1", "Two-factor login")
	// The enrolment used this step's code: the app's next one is within
	// the one-step skew and not used yet.
	code, _ = forum.TOTPCode(secret, time.Now().Add(30*time.Second))
	b.fill("#l2-code", code)
	b.click(`form[action="/login/2fa"] button[type=submit]`, "/")
	b.open("/settings")
	b.expectText(".session-list", "this device")
	b.expectNoConsoleErrors()
}
