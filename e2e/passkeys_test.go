//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
)

// TestBrowserPasskeyEnrolAndLogIn: a member adds a passkey from the
// settings page (static/passkeys.js with Chromium's virtual authenticator
// standing in for a security key), logs out, logs in with the password
// and the passkey as second step, logs out again, and logs in with the
// passkey alone.
func TestBrowserPasskeyEnrolAndLogIn(t *testing.T) {
	base, _, _ := startHearthNamed(t, "localhost")
	b := newBrowser(t, chromiumPath(t), base)
	b.open("/signup")
	b.signUp("alice", "alice@example.test", "correct horse battery")
	addAuthenticator(t, b)

	b.open("/settings")
	b.fill("#pk-name", "virtual key")
	b.clickAsync(`form[action="/settings/passkeys"] button[type=submit]`, "/settings#passkeys")
	b.expectText("#passkeys ~ ul", "virtual key")

	b.click(`header form[action="/logout"] button[type=submit]`, "/")
	b.open("/login?next=%2Fsettings")
	b.fill("#li-login", "alice")
	b.fill("#li-password", "correct horse battery")
	b.click(`form[action="/login"] button[type=submit]`, "/login/2fa")
	b.clickAsync(`form[action="/login/2fa/passkey"] button[type=submit]`, "/settings")
	b.expectText("#sessions ~ ul", "this device")

	b.click(`header form[action="/logout"] button[type=submit]`, "/")
	b.open("/login?next=%2Fsettings")
	b.clickAsync(`form[action="/login/passkey"] button[type=submit]`, "/settings")
	b.expectText("#passkeys ~ ul", "last used")
	b.expectNoConsoleErrors()
}

// addAuthenticator gives the tab a CTAP2 platform authenticator with
// resident keys and user verification that always succeeds.
func addAuthenticator(t *testing.T, b *browser) {
	t.Helper()
	add := chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		if _, err := cdp.Call(ctx, tg, webauthn.Enable, webauthn.EnableParams{}); err != nil {
			return chromedp.Void{}, err
		}
		_, err := cdp.Call(ctx, tg, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
			Options: &webauthn.VirtualAuthenticatorOptions{Protocol: webauthn.AuthenticatorProtocolCtap2,
				Transport: webauthn.AuthenticatorTransportInternal, HasResidentKey: true, HasUserVerification: true,
				IsUserVerified: true, AutomaticPresenceSimulation: true}})
		return chromedp.Void{}, err
	})
	if _, err := chromedp.Run(b.ctx, add); err != nil {
		t.Fatalf("virtual authenticator: %v", err)
	}
}

// clickAsync clicks a button whose form the page's script submits later
// (after talking to the authenticator), and waits until the tab is at
// want (path and #fragment).
func (b *browser) clickAsync(sel, want string) {
	b.t.Helper()
	get(b, "click "+sel, chromedp.Evaluate[any](fmt.Sprintf("document.querySelector(%q).click()", sel)))
	deadline := time.Now().Add(stepTimeout)
	for time.Now().Before(deadline) {
		if b.hereNow() == want {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("click %s: still at %s, want %s… (errors: %v)", sel, b.here(), want, b.errors())
}

// hereNow is here for a poll: while the script's submit navigates the tab,
// reading the location can fail ("Inspected target navigated or closed"),
// which only means "not there yet"; the poll asks again.
func (b *browser) hereNow() string {
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return ""
	}
	u, err := url.Parse(loc)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(u.Path+"#"+u.Fragment, "#")
}
