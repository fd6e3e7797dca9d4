//go:build e2e

package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserCommunityOnPhone: the community dashboard fits a 375 px phone
// (its wide tables scroll inside themselves instead of widening the page)
// and its charts raise no CSP errors.
func TestBrowserCommunityOnPhone(t *testing.T) {
	base, _ := startHearth(t)
	b := newBrowser(t, chromiumPath(t), base)
	b.open("/signup")
	b.signUp("alice", "alice@example.test", "correct horse battery") // the first account is the admin
	b.open("/admin")
	b.fill("#cat-name", "Help")
	b.click(`form[action="/admin/categories"] button[type=submit]`, "/c/help")
	get(b, "phone viewport", chromedp.EmulateViewport(375, 800, chromedp.EmulateMobile, chromedp.EmulateTouch))
	for _, p := range []string{"/community", "/community/campaigns", "/community/announcements", "/mod/audit"} {
		b.open(p)
		if w := get(b, "page width", chromedp.Evaluate[int64](`document.documentElement.scrollWidth`)); w > 375 {
			b.screenshot("phone-too-wide.png", 375, 800, true)
			t.Errorf("%s is %d px wide on a 375 px phone", p, w)
		}
	}
	get(b, "reset viewport", chromedp.ResetViewport())
	b.expectNoConsoleErrors()
}
