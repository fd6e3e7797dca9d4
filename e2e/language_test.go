//go:build e2e

package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserSwitchesLanguage: a visitor switches the forum to German from
// the footer (no JavaScript needed: a select and a button), the choice
// survives sign-up through the cookie, and a member switching back to
// English in their settings gets English everywhere, whatever the cookie
// says.
func TestBrowserSwitchesLanguage(t *testing.T) {
	base, _ := startHearth(t)
	b := newBrowser(t, chromiumPath(t), base)
	lang := func() string {
		return get(b, "html lang", chromedp.Evaluate[string](`document.documentElement.lang`))
	}
	pick := func(sel, value string) {
		get(b, "pick "+value, chromedp.Evaluate[bool](`(() => { const s = document.querySelector(`+"`"+sel+"`"+`); s.value = `+"`"+value+"`"+`; return s.value === `+"`"+value+"`"+`; })()`))
	}

	b.open("/")
	if got := lang(); got != "en" {
		t.Fatalf("first visit: lang %q, want en (Chromium asks for en-US)", got)
	}
	b.expectText(".site-footer .lang-switch label", "Language")
	pick("#lang-switch-select", "de")
	b.click(".site-footer .lang-switch button[type=submit]", "/")
	if got := lang(); got != "de" {
		t.Fatalf("after choosing Deutsch: lang %q, want de", got)
	}
	b.expectText(".skip-link", "Zum Inhalt springen")
	b.expectText(".site-nav", "Registrieren")

	b.open("/signup")
	b.signUp("alice", "alice@example.test", "correct horse battery")
	b.expectText(".site-nav", "Einstellungen") // the cookie still chooses German for the new member

	b.open("/settings")
	pick("#set-language", "en")
	b.click(`main form[action="/language"] button[type=submit]`, "/settings")
	if got := lang(); got != "en" {
		t.Fatalf("after the member chose English: lang %q, want en", got)
	}
	b.open("/")
	if got := lang(); got != "en" {
		t.Fatalf("home after choosing English: lang %q (the member's setting must beat the cookie)", got)
	}
	b.expectText(".site-nav", "Settings")
	b.expectNoConsoleErrors()
}
