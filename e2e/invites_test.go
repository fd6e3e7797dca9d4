//go:build e2e

package e2e

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserInviteOnlySignup: the admin switches sign-ups to invite-only
// on /admin/site, makes a one-use link on /admin/invites, and a newcomer
// signs up with it; the next visitor with the same link is told it is used
// up, and one without a link is told an invite is needed.
func TestBrowserInviteOnlySignup(t *testing.T) {
	base, _ := startHearth(t)
	admin := newBrowser(t, chromiumPath(t), base)
	admin.open("/signup")
	admin.signUp("alice", "alice@example.test", "correct horse battery") // the first account is the admin
	admin.open("/admin/site")
	get(admin, "choose invite", chromedp.Evaluate[any](`document.querySelector("#site-signup-mode").value = "invite"`))
	admin.click(`form[action="/admin/site"] button[type=submit]`, "/admin/site")
	admin.expectText(".flash", "Site settings saved.")
	admin.open("/admin/invites")
	admin.click(`form[action="/admin/invites"] button[type=submit]`, "/admin/invites")
	link := get(admin, "invite link", chromedp.Evaluate[string](`document.querySelector(".invite-url").value`))
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(u.Path, "/invite/") {
		t.Fatalf("invite link %q", link)
	}
	admin.screenshot("admin-invites.png", 1200, 900, false)

	guest := newBrowser(t, chromiumPath(t), base)
	guest.open("/signup")
	guest.expectText("main", "need an invite link")
	guest.expectAbsent(`form[action="/signup"]`)
	guest.open(u.Path)
	guest.signUp("bob", "bob@example.test", "correct horse battery")
	guest.expectText(".flash", "Welcome to the community, bob")

	late := newBrowser(t, chromiumPath(t), base)
	late.open(u.Path)
	late.expectText("main", "used up")
	late.expectAbsent(`form[action="/signup"]`)
	admin.expectNoConsoleErrors()
	guest.expectNoConsoleErrors()
}
