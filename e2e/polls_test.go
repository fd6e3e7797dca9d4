//go:build e2e

package e2e

import (
	"path"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserPoll: a member starts a thread with a poll from the form,
// another votes by ticking a radio button, and the result bars show with
// no console errors (the bars must not need inline styles, which the CSP
// refuses).
func TestBrowserPoll(t *testing.T) {
	base, _ := startHearth(t)
	b := newBrowser(t, chromiumPath(t), base)
	b.open("/signup")
	b.signUp("alice", "alice@example.test", "correct horse battery")
	b.open("/admin")
	b.fill("#cat-name", "Ideas")
	b.click(`form[action="/admin/categories"] button[type=submit]`, "/c/ideas")
	b.open("/c/ideas/new")
	b.fill("#nt-title", "Where to meet?")
	b.fill("#nt-body", "Pick one")
	b.fill("#nt-poll-options", "Park\nLibrary\nCafé")
	threadPath := b.click(`form[action="/new"] button[type=submit]`, "/t/")
	b.expectText("#post-1 .poll", "Library")
	b.expectText("#post-1 .poll", "Results show once you vote")

	b.click(`header form[action="/logout"] button[type=submit]`, "/")
	b.open("/signup")
	b.signUp("bob", "bob@example.test", "another long password")
	b.open(threadPath)
	// Ticking a radio button loads no page, so it is not b.click.
	get(b, "tick Library", chromedp.Evaluate[chromedp.Void](`document.querySelector('#post-1 .poll input[value="1"]').click()`))
	b.click(`#post-1 .poll button[type=submit]`, path.Dir(threadPath))
	b.expectText("#post-1 .poll-results", "100% · 1 vote")
	b.expectText("#post-1 .poll", "1 person voted")
	b.screenshot("poll-desktop.png", 1280, 900, false)
	b.expectNoConsoleErrors()
}
