//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hearth/hearth/models"
)

var resetLinkRe = regexp.MustCompile(`https?://[^/\s]+(/password/reset/[A-Za-z0-9_-]{40,})`)

// TestBrowserForgotPassword: a member who forgot their password asks for a
// link on /login, gets it by mail (read from the queue: without
// --smtp-url the server only logs it), sets a new password and logs in
// with it; the old one no longer works.
func TestBrowserForgotPassword(t *testing.T) {
	base, admin, dataDir := startHearthData(t)
	admin("create-user", "--username", "erin", "--email", "erin@example.test", "--password", "first password")
	b := newBrowser(t, chromiumPath(t), base)

	b.open("/login")
	b.click(`main a[href="/password/forgot"]`, "/password/forgot")
	b.fill("#fp-login", "erin@example.test")
	b.click(`form[action="/password/forgot"] button[type=submit]`, "/password/forgot")
	b.expectText("main", "If an account matches, we sent a link")

	link := mailedLink(t, dataDir, "erin")
	b.open(link)
	// Checked here: the refused form (422) and the used link (410) below
	// show up as failed loads on purpose.
	b.expectNoConsoleErrors()
	b.fill("#rp-password", "password123")
	b.fill("#rp-confirm", "password123")
	b.clickStatus(`main form button[type=submit]`, link, 422)
	b.expectText("#rp-password-error", "most common")
	b.fill("#rp-password", "a brand new secret")
	b.fill("#rp-confirm", "a brand new secret")
	b.click(`main form button[type=submit]`, "/login")
	b.expectText(".flash", "Log in with the new password")

	b.fill("#li-login", "erin")
	b.fill("#li-password", "a brand new secret")
	b.click(`form[action="/login"] button[type=submit]`, "/")
	b.expectText("header", "erin")

	// The link is used up.
	b.click(`header form[action="/logout"] button[type=submit]`, "/")
	b.openStatus(link, 410)
	b.expectText("main", "Ask for a new link")
}

// mailedLink reads the newest reset link queued for a member.
func mailedLink(t *testing.T, dataDir, username string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	store, err := models.Open(ctx, "sqlite://"+filepath.Join(dataDir, "hearth.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	u, err := store.UserByUsername(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	mails, err := store.MailsTo(ctx, u.ID)
	if err != nil || len(mails) == 0 {
		t.Fatalf("no mail to %s: %v", username, err)
	}
	m := resetLinkRe.FindStringSubmatch(mails[len(mails)-1].Text)
	if m == nil {
		t.Fatalf("no reset link in %q", mails[len(mails)-1].Text)
	}
	return m[1]
}

// openStatus loads a page and requires the given HTTP status.
func (b *browser) openStatus(p string, status int64) {
	b.t.Helper()
	if resp := get(b, "open "+p, chromedp.NavigateResponse(b.base+p)); resp.Status != status {
		b.t.Fatalf("GET %s: HTTP %d, want %d", p, resp.Status, status)
	}
}

// clickStatus clicks a link or a submit button, waits for the page it
// leads to, and requires that HTTP status (e.g. a form refused with 422)
// at a path that starts with want. The element is clicked through the DOM
// (element.click()) once it is visible, not by mouse coordinates: under
// load the page could still scroll to a #post-N anchor between measuring
// the button and pressing it, and the press would land elsewhere.
func (b *browser) clickStatus(sel, want string, status int64) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		b.t.Fatalf("click %s: not visible: %v", sel, err)
	}
	js := fmt.Sprintf("document.querySelector(%q).click()", sel)
	click := chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[any](js)(ctx, tg)
		return chromedp.Void{}, err
	})
	resp, err := chromedp.RunResponse(ctx, click)
	if err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
	if at := b.here(); resp.Status != status || !strings.HasPrefix(at, want) {
		b.t.Fatalf("click %s: HTTP %d at %s, want %d at %s…", sel, resp.Status, at, status, want)
	}
}
