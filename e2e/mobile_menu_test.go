//go:build e2e

package e2e

import (
	"fmt"
	"path"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserMobileMenuAndNotifications: at 390 px the header is a bell
// with its unread badge and a labelled Menu (a <details>, no JavaScript of
// Hearth's own) instead of a row of unlabelled icons; the Menu opens and
// names every link; controls are at least 44 px tall; two likes of one post
// read as one unread line, and Mark all read clears it and the badge.
func TestBrowserMobileMenuAndNotifications(t *testing.T) {
	base, admin := startHearth(t)
	b := newBrowser(t, chromiumPath(t), base)
	b.open("/signup")
	b.signUp("alice", "alice@example.test", "correct horse battery") // the first account is the admin
	b.open("/admin")
	b.fill("#cat-name", "Help")
	b.click(`form[action="/admin/categories"] button[type=submit]`, "/c/help")
	b.open("/c/help/new")
	b.fill("#nt-title", "Starter loaf")
	b.fill("#nt-body", "Look at this crumb")
	threadPath := b.click(`form[action="/new"] button[type=submit]`, "/t/")
	b.click(`header form[action="/logout"] button[type=submit]`, "/")

	// Two members (not in the sandbox) like alice's post.
	for _, name := range []string{"carol", "dave"} {
		admin("create-user", "--username", name, "--email", name+"@example.test", "--password", "a long password here", "--role", "ambassador")
		b.open("/login")
		b.fill("#li-login", name)
		b.fill("#li-password", "a long password here")
		b.click(`form[action="/login"] button[type=submit]`, "/")
		b.open(threadPath)
		b.click(`#post-1 button.btn-like`, path.Dir(threadPath))
		b.click(`header form[action="/logout"] button[type=submit]`, "/")
	}
	b.open("/login")
	b.fill("#li-login", "alice")
	b.fill("#li-password", "correct horse battery")
	b.click(`form[action="/login"] button[type=submit]`, "/")

	get(b, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	b.open("/")
	visible := func(sel string) bool {
		return get(b, "visible "+sel, chromedp.Evaluate[bool](fmt.Sprintf(
			`(() => { const e = document.querySelector(%q); if (!e) return false; const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && e.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true}); })()`, sel)))
	}
	height := func(sel string) float64 {
		return get(b, "height of "+sel, chromedp.Evaluate[float64](fmt.Sprintf(`document.querySelector(%q).getBoundingClientRect().height`, sel)))
	}
	if visible(".site-nav-wide") {
		t.Error("the row of header icons shows at 390 px")
	}
	for _, sel := range []string{".site-nav-narrow .nav-bell", ".site-nav-narrow .nav-bell .nav-badge", ".nav-menu > summary"} {
		if !visible(sel) {
			t.Fatalf("%s is not visible at 390 px", sel)
		}
	}
	b.expectText(".site-nav-narrow .nav-bell .nav-badge", "2")
	b.expectText(".nav-menu > summary", "Menu")
	for _, sel := range []string{".nav-menu > summary", ".site-nav-narrow .nav-bell", ".site-search button"} {
		if h := height(sel); h < 44 {
			t.Errorf("%s is %.0f px tall, want at least 44", sel, h)
		}
	}
	// checkVisibility counts a closed <details>' hidden content as hidden
	// (Chromium lays it out with content-visibility: hidden).
	if visible(`.nav-menu nav a[href="/settings"]`) || get(b, "menu open", chromedp.Evaluate[bool](`document.querySelector(".nav-menu").open`)) {
		t.Error("the menu's links show before it is opened")
	}
	// Open it as a person would: a real tap on the summary, no script.
	get(b, "tap Menu", chromedp.Click(chromedp.CSS(".nav-menu > summary")))
	labels := get(b, "menu labels", chromedp.Evaluate[string](
		`[...document.querySelectorAll(".nav-menu nav li")].filter(e => e.checkVisibility()).map(e => e.textContent.trim().replace(/\s+/g, " ")).join("|")`))
	for _, want := range []string{"New thread", "Bookmarks", "Following", "Messages", "Notifications", "alice", "Settings", "Moderation", "Community", "Admin", "Log out"} {
		if !strings.Contains(labels, want) {
			t.Errorf("the open menu lacks %q; it lists %s", want, labels)
		}
	}
	if h := height(`.nav-menu nav a[href="/settings"]`); h < 44 {
		t.Errorf("a menu link is %.0f px tall, want at least 44", h)
	}
	b.screenshot("menu-390.png", 390, 844, true)
	get(b, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))

	b.click(`.nav-menu nav a[href="/notifications"]`, "/notifications")
	b.expectText(".notification.unread .notification-text", "dave and carol liked your post in Starter loaf")
	b.screenshot("notifications-390.png", 390, 844, true)
	get(b, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	b.click(`main form[action="/notifications/read"] button[type=submit]`, "/notifications")
	b.expectAbsent(".notification.unread")
	b.expectAbsent(".nav-badge")
	b.expectText(".notification .notification-text", "dave and carol liked your post in Starter loaf")
	get(b, "reset viewport", chromedp.ResetViewport())
	b.expectNoConsoleErrors()
}
