//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// TestBrowserEditor (issue 15 item 1): the preview without JavaScript's
// help (the form posts with its Preview button) and with it (in place);
// a draft that survives a reload; @ suggestions chosen with the keyboard.
func TestBrowserEditor(t *testing.T) {
	base, _ := startHearth(t)
	b := newBrowser(t, chromiumPath(t), base)
	b.open("/signup")
	b.signUp("alice", "alice@example.test", "correct horse battery")
	b.open("/admin")
	b.fill("#cat-name", "Baking")
	b.click(`form[action="/admin/categories"] button[type=submit]`, "/c/baking")
	b.open("/c/baking/new")
	b.fill("#nt-title", "Sourdough went flat")
	b.fill("#nt-body", "What went wrong?")
	threadPath := b.click(`form[action="/new"] button[type=submit]`, "/t/")

	// The no-JavaScript path: the form itself posts with action=preview
	// (requestSubmit with the button as submitter skips editor.js's click
	// handler); the page comes back with the preview and the text kept.
	b.open(threadPath)
	b.fill("#reply-body", "Try **more water**")
	b.submitWith(`form[action$="/reply"]`, `button[value=preview]`, "/t/")
	b.expectHTML("#reply-preview .post-body", "<strong>more water</strong>")
	if v := b.value("#reply-body"); v != "Try **more water**" {
		t.Fatalf("the text box after the preview holds %q", v)
	}
	b.expectAbsent("#post-2")

	// With JavaScript: the preview appears in place, no page load.
	b.eval(`document.getElementById('reply-body').value = ''`)
	b.fill("#reply-body", "Now _in place_")
	b.eval(`window.notReloaded = true; document.querySelector('form[action$="/reply"] button[value=preview]').click()`)
	b.waitFor(`document.querySelector('#reply-preview .post-body').innerHTML.indexOf('<em>in place</em>') >= 0 && window.notReloaded === true`)

	// A draft saved while typing survives a reload.
	b.fill("#reply-body", " and a draft")
	b.waitFor(`document.getElementById('reply-editor-status').textContent === 'Draft saved.'`)
	b.open(threadPath)
	if v := b.value("#reply-body"); v != "Now _in place_ and a draft" {
		t.Fatalf("after a reload the reply box holds %q", v)
	}

	// @ suggestions: a listbox under the text box; Enter takes the
	// highlighted one.
	b.eval(`document.getElementById('reply-body').value = ''`)
	b.fill("#reply-body", "Thanks @ali")
	b.waitFor(`!document.getElementById('reply-mentions').hidden && document.querySelector('#reply-mentions [role=option]') !== null`)
	if got := b.evalString(`document.getElementById('reply-body').getAttribute('aria-activedescendant')`); got != "reply-mention-0" {
		t.Fatalf("aria-activedescendant = %q", got)
	}
	b.expectText("#reply-mention-0", "@alice")
	b.press("Enter", "Enter", 13, "\r")
	b.waitFor(`document.getElementById('reply-body').value === 'Thanks @alice '`)
	b.waitFor(`document.getElementById('reply-mentions').hidden`)

	// The toolbar wraps the selection; it exists only with JavaScript.
	b.eval(`var t = document.getElementById('reply-body'); t.value = 'make this loud'; t.focus(); t.setSelectionRange(10, 14)`)
	b.eval(`Array.prototype.filter.call(document.querySelectorAll('#reply .editor-toolbar button'), function (x) { return x.textContent === 'Bold'; })[0].click()`)
	if v := b.value("#reply-body"); v != "make this **loud**" {
		t.Fatalf("Bold gave %q", v)
	}

	// "Reply" on a post with some of its text selected quotes only that.
	b.eval(`var t = document.getElementById('reply-body'); t.value = ''`)
	b.eval(`var body = document.querySelector('#post-1 .post-body p'); var r = document.createRange(); r.setStart(body.firstChild, 5); r.setEnd(body.firstChild, 10); var s = getSelection(); s.removeAllRanges(); s.addRange(r)`)
	b.eval(`document.querySelector('#post-1 a[data-quote]').click()`)
	if v := b.value("#reply-body"); v != "> **@alice** wrote:\n>\n> went \n\n" && v != "> **@alice** wrote:\n>\n> went\n\n" {
		t.Fatalf("quoting the selection gave %q", v)
	}
	if rt := b.evalString(`document.querySelector('#reply input[name=reply_to]').value`); rt == "" {
		t.Fatal("the quote did not set reply_to")
	}
	b.eval(`var t = document.getElementById('reply-body'); t.value = 'Thanks @alice '`)

	// Posting clears the draft.
	b.click(`form[action$="/reply"] button[type=submit]`, "/t/")
	b.open(threadPath)
	if v := b.value("#reply-body"); v != "" {
		t.Fatalf("after posting the reply box holds %q", v)
	}
	b.expectNoConsoleErrors()
}

func (b *browser) eval(js string) {
	b.t.Helper()
	get(b, "run "+js, chromedp.Evaluate[chromedp.Void](js))
}

func (b *browser) evalString(js string) string {
	b.t.Helper()
	return get(b, "run "+js, chromedp.Evaluate[string](js))
}

func (b *browser) value(sel string) string {
	b.t.Helper()
	return b.evalString(fmt.Sprintf("document.querySelector(%q).value", sel))
}

// waitFor polls a JavaScript condition for up to ten seconds.
func (b *browser) waitFor(cond string) {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !get(b, "check "+cond, chromedp.Evaluate[bool]("!!("+cond+")")) {
		if time.Now().After(deadline) {
			b.t.Fatalf("waited 10s for %s on %s", cond, b.here())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// submitWith submits a form natively with one of its buttons as the
// submitter, as a browser without JavaScript would on that button's click,
// and requires HTTP 200 at a path starting with want.
func (b *browser) submitWith(form, button, want string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	js := fmt.Sprintf("var f = document.querySelector(%q); f.requestSubmit(f.querySelector(%q))", form, button)
	submit := chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[any](js)(ctx, tg)
		return chromedp.Void{}, err
	})
	resp, err := chromedp.RunResponse(ctx, submit)
	if err != nil {
		b.t.Fatalf("submit %s with %s: %v", form, button, err)
	}
	if at := b.here(); resp.Status != http.StatusOK || !strings.HasPrefix(at, want) {
		b.t.Fatalf("submit %s with %s: HTTP %d at %s, want 200 at %s…", form, button, resp.Status, at, want)
	}
}

// press sends one key to the focused element as a keyboard does: keyDown
// carrying its text, so the page's preventDefault stops the text (chromedp's
// SendKeys sends the text as a separate char event, which nothing stops).
func (b *browser) press(key, code string, vk int64, text string) {
	b.t.Helper()
	press := chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: key, Code: code,
			WindowsVirtualKeyCode: vk, NativeVirtualKeyCode: vk, Text: text, UnmodifiedText: text}
		if _, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, down); err != nil {
			return chromedp.Void{}, err
		}
		up := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyUp, Key: key, Code: code, WindowsVirtualKeyCode: vk, NativeVirtualKeyCode: vk}
		_, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, up)
		return chromedp.Void{}, err
	})
	get(b, "press "+key, press)
}
