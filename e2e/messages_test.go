//go:build e2e

package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserPrivateMessages: ana writes to ben through /messages/new; ben
// sees the unread badge on Messages in the header and the unread
// conversation in /messages, reads it (which clears both) and replies
// from the conversation page; ana then sees the reply the same way. Every
// step is a plain form or link: no JavaScript is needed.
func TestBrowserPrivateMessages(t *testing.T) {
	base, admin := startHearth(t)
	b := newBrowser(t, chromiumPath(t), base)
	b.open("/signup")
	b.signUp("ana", "ana@example.test", "correct horse battery") // the first account is the admin
	admin("create-user", "--username", "ben", "--email", "ben@example.test", "--password", "a long password here")
	login := func(name, password string) {
		t.Helper()
		b.click(`header form[action="/logout"] button[type=submit]`, "/")
		b.open("/login")
		b.fill("#li-login", name)
		b.fill("#li-password", password)
		b.click(`form[action="/login"] button[type=submit]`, "/")
	}
	const inbox = `.site-nav-wide a[href="/messages"]`

	// ana starts the conversation from the page.
	b.click(inbox, "/messages")
	b.expectText("main", "No conversations yet")
	b.click(`main a[href="/messages/new"]`, "/messages/new")
	b.fill("#msg-to", "ben")
	b.fill("#msg-subject", "Starter swap")
	b.fill("#msg-body", "Want some of my rye starter?")
	conv := b.click(`form[action="/messages/new"] button[type=submit]`, "/messages/")
	b.expectText("h1", "Starter swap")
	b.expectText(".message-list", "Want some of my rye starter?")
	b.expectAbsent(inbox + " .nav-badge") // her own message is not unread for her

	// ben sees the badge and the unread conversation, and reads it.
	login("ben", "a long password here")
	b.expectText(inbox+" .nav-badge", "1")
	if got := get(b, "messages label", chromedp.Evaluate[string](`document.querySelector(".site-nav-wide a[href='/messages']").getAttribute("aria-label")`)); got != "Messages, 1 unread" {
		t.Errorf("Messages link label = %q, want %q", got, "Messages, 1 unread")
	}
	b.click(inbox, "/messages")
	b.expectText(".conversation-list .notification.unread", "Starter swap")
	b.expectText(".conversation-list .notification.unread", "1 unread")
	b.expectText(".conversation-list .notification.unread", "ana")
	b.click(`.conversation-list a[href="`+conv+`"]`, conv)
	b.expectText(".message-list", "Want some of my rye starter?")
	b.expectText(".message-list .post-meta", "ana")
	b.open("/messages")
	b.expectAbsent(".conversation-list .notification.unread")
	b.expectAbsent(inbox + " .nav-badge")

	// ben replies; ana sees it.
	b.click(`.conversation-list a[href="`+conv+`"]`, conv)
	b.fill("#msg-body", "Yes please, I will bring a jar.")
	b.click(`form[action="`+conv+`"] button[type=submit]`, conv)
	b.expectText(".message-list li:last-child .post-body", "Yes please, I will bring a jar.")

	login("ana", "correct horse battery")
	b.expectText(inbox+" .nav-badge", "1")
	b.click(inbox, "/messages")
	b.expectText(".conversation-list .notification.unread", "1 unread")
	b.click(`.conversation-list a[href="`+conv+`"]`, conv)
	b.expectText(".message-list li:last-child .post-meta", "ben")
	b.expectText(".message-list li:last-child .post-body", "Yes please, I will bring a jar.")
	b.open("/messages")
	b.expectAbsent(inbox + " .nav-badge")
	b.expectNoConsoleErrors()
}
