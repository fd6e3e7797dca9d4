//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// axeTimeout bounds the whole accessibility session: about sixteen pages,
// each checked four times.
const axeTimeout = 5 * time.Minute

// axeMode is one way a page is looked at: a colour scheme and a viewport.
type axeMode struct {
	name          string
	dark          bool
	width, height int64
	mobile        bool
}

var axeModes = []axeMode{
	{"light-desktop", false, 1366, 900, false},
	{"dark-desktop", true, 1366, 900, false},
	{"light-mobile", false, 390, 844, true},
	{"dark-mobile", true, 390, 844, true},
}

// axeViolation is the part of an axe-core result the failure message
// shows (https://github.com/dequelabs/axe-core/blob/develop/doc/API.md#results-object).
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

type axeResult struct {
	Violations []axeViolation `json:"violations"`
	Passes     int            `json:"passes"`
	Scheme     string         `json:"scheme"`
	Width      int64          `json:"width"`
}

// TestBrowserAccessibility injects axe-core (installed from npm by .ci/run,
// found through HEARTH_AXE) into the key pages of a forum with some life in
// it, in light and dark mode at desktop and phone widths, and fails on every
// serious or critical violation. The script is evaluated through the
// DevTools protocol, which the pages' strict CSP does not govern, so the CSP
// stays as it is served.
func TestBrowserAccessibility(t *testing.T) {
	axeJS := axeScript(t)
	base, admin := startHearth(t)
	b := newBrowserTimeout(t, chromiumPath(t), base, axeTimeout)

	// A forum with a category, a thread with a poll and a reply, a like,
	// a private message, and a newcomer's reply waiting in /mod.
	b.open("/signup")
	b.signUp("alice", "alice@example.test", "correct horse battery") // the first account is the admin
	b.open("/admin")
	b.fill("#cat-name", "Help")
	b.fill("#cat-description", "Questions and answers about baking.")
	b.click(`form[action="/admin/categories"] button[type=submit]`, "/c/help")
	b.open("/c/help/new")
	b.fill("#nt-title", "Starter loaf")
	b.fill("#nt-body", "My **starter** smells of apples. Is that fine?")
	b.fill("#nt-tags", "sourdough, starter")
	b.fill("#nt-poll-options", "Yes\nNo")
	threadPath := b.click(`form[action="/new"] button[type=submit]`, "/t/")
	b.click(`header form[action="/logout"] button[type=submit]`, "/")

	admin("create-user", "--username", "carol", "--email", "carol@example.test", "--password", "ambassador password", "--role", "ambassador")
	b.open("/login")
	b.fill("#li-login", "carol")
	b.fill("#li-password", "ambassador password")
	b.click(`form[action="/login"] button[type=submit]`, "/")
	b.open(threadPath)
	b.fill("#reply-body", "Apples are a good sign: feed it and bake.")
	b.click(`#reply button[type=submit]`, path.Dir(threadPath))
	b.click(`#post-1 button.btn-like`, path.Dir(threadPath))
	b.open("/messages/new?to=alice")
	b.fill("#msg-subject", "Your loaf")
	b.fill("#msg-body", "Send a photo when it is baked.")
	conversation := b.click(`form[action="/messages/new"] button[type=submit]`, "/messages/")
	b.click(`header form[action="/logout"] button[type=submit]`, "/")

	b.open("/signup")
	b.signUp("bob", "bob@example.test", "another long password") // a newcomer: the reply is held
	b.open(threadPath)
	b.fill("#reply-body", "Mine smells of vinegar.")
	b.click(`#reply button[type=submit]`, path.Dir(threadPath))
	b.click(`header form[action="/logout"] button[type=submit]`, "/")

	check := func(name, page string, status int) {
		b.t.Helper()
		resp := get(b, "open "+page, chromedp.NavigateResponse(b.base+page))
		if resp.Status != int64(status) {
			t.Fatalf("GET %s: HTTP %d, want %d", page, resp.Status, status)
		}
		get(b, "inject axe-core into "+page, chromedp.Evaluate[chromedp.Void](axeJS))
		for _, m := range axeModes {
			t.Run(name+"/"+m.name, func(t *testing.T) {
				r, err := runAxe(b.ctx, m)
				if err != nil {
					t.Fatalf("axe on %s: %v", page, err)
				}
				checkAxe(t, page, m, r)
			})
		}
	}

	// Visitors' pages.
	check("login", "/login", http.StatusOK)
	check("signup", "/signup", http.StatusOK)
	check("not-found", "/no/such/page", http.StatusNotFound)
	b.forgetErrors("status of 404 (Not Found) (" + b.base + "/no/such/page)") // Chromium logs the 404 itself

	// Members' and staff pages, as the administrator.
	b.open("/login")
	b.fill("#li-login", "alice")
	b.fill("#li-password", "correct horse battery")
	b.click(`form[action="/login"] button[type=submit]`, "/")
	for _, p := range []struct{ name, path string }{
		{"home", "/"},
		{"category", "/c/help"},
		{"thread", threadPath},
		{"new-thread", "/c/help/new"},
		{"search", "/search?q=loaf"},
		{"notifications", "/notifications"},
		{"settings", "/settings"},
		{"mod-queue", "/mod"},
		{"audit-log", "/mod/audit"},
		{"community", "/community"},
		{"messages", "/messages"},
		{"conversation", conversation},
		{"profile", "/u/carol"},
	} {
		check(p.name, p.path, http.StatusOK)
	}

	// The pages had what the check was meant to see.
	b.open(threadPath)
	b.expectText("#post-1 .poll", "Yes")
	b.expectText("#post-2 .post-body", "Apples are a good sign")
	b.expectText("#reply", "Your reply")
	b.open("/mod")
	b.expectText("main .card", "Mine smells of vinegar.")
	b.open("/search?q=loaf")
	b.expectText("main", "Starter loaf")

	// The check can fail: a button with no name is a critical violation.
	get(b, "inject axe-core", chromedp.Evaluate[chromedp.Void](axeJS))
	get(b, "add a nameless button", chromedp.Evaluate[chromedp.Void](
		`document.querySelector("main").append(Object.assign(document.createElement("button"), {id: "axe-self-test"}))`))
	r, err := runAxe(b.ctx, axeModes[0])
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, v := range r.Violations {
		found = found || v.ID == "button-name" && v.Impact == "critical" && strings.Contains(fmt.Sprint(v.Nodes[0].Target), "#axe-self-test")
	}
	if !found {
		t.Errorf("axe did not report the nameless button #axe-self-test as critical button-name; violations: %+v", r.Violations)
	}

	get(b, "reset emulation", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		return err
	}))
	get(b, "reset viewport", chromedp.ResetViewport())
	// Evaluating axe through DevTools must not have needed a CSP exception.
	b.expectNoConsoleErrors()
}

// axeScript reads axe.min.js from HEARTH_AXE. Like a missing Chromium, a
// missing script fails the test: the accessibility check must never pass by
// not running.
func axeScript(t *testing.T) string {
	t.Helper()
	p := os.Getenv("HEARTH_AXE")
	if p == "" {
		t.Fatal("HEARTH_AXE is not set: fetch axe-core outside the repository as .ci/run does, " +
			"e.g. (cd /tmp && npm pack axe-core@4.14.1 && tar -xzf axe-core-4.14.1.tgz), " +
			"and set HEARTH_AXE=/tmp/package/axe.min.js")
	}
	js, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("HEARTH_AXE: %v", err)
	}
	if !strings.Contains(string(js[:min(len(js), 200)]), "axe") {
		t.Fatalf("HEARTH_AXE=%s does not look like axe.min.js", p)
	}
	return string(js)
}

// runAxe sets the colour scheme and viewport of a mode on the loaded page
// (into which axe-core was injected) and runs axe.run on the document.
func runAxe(ctx context.Context, m axeMode) (axeResult, error) {
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	scheme := "light"
	if m.dark {
		scheme = "dark"
	}
	emulate := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		}); err != nil {
			return err
		}
		var opts []chromedp.EmulateViewportOption
		if m.mobile {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
		}
		_, err := chromedp.EmulateViewport(m.width, m.height, opts...)(ctx, tg)
		return err
	})
	if _, err := chromedp.Run(ctx, emulate); err != nil {
		return axeResult{}, fmt.Errorf("emulating %s: %w", m.name, err)
	}
	// Open every <details> (the phone menu, Moderate menus, folded
	// fields) so what they hide is checked too.
	return chromedp.Run(ctx, chromedp.Evaluate[axeResult](`document.querySelectorAll("details").forEach(d => { d.open = true });
	axe.run(document, {resultTypes: ["violations"]}).then(r => ({
		violations: r.violations,
		passes: r.passes.length,
		scheme: matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light",
		width: window.innerWidth,
	}))`, chromedp.EvalAwaitPromise))
}

// checkAxe fails on serious and critical violations, naming the rule, its
// help and the first few elements, and checks the mode was in effect.
func checkAxe(t *testing.T, page string, m axeMode, r axeResult) {
	t.Helper()
	wantScheme := map[bool]string{false: "light", true: "dark"}[m.dark]
	if r.Scheme != wantScheme || r.Width != m.width {
		t.Fatalf("%s: the page saw %s at %d px, want %s at %d px", page, r.Scheme, r.Width, wantScheme, m.width)
	}
	if r.Passes == 0 {
		t.Fatalf("%s: axe passed no rule at all; did it run?", page)
	}
	for _, v := range r.Violations {
		if v.Impact != "serious" && v.Impact != "critical" {
			t.Logf("%s (%s): %s %s: %s (%d elements; not failing)", page, m.name, v.Impact, v.ID, v.Help, len(v.Nodes))
			continue
		}
		var nodes []string
		for i, n := range v.Nodes {
			if i == 3 {
				nodes = append(nodes, fmt.Sprintf("… and %d more", len(v.Nodes)-3))
				break
			}
			target, _ := json.Marshal(n.Target)
			nodes = append(nodes, fmt.Sprintf("%s: %s", target, strings.ReplaceAll(n.Summary, "\n", " ")))
		}
		t.Errorf("%s (%s): %s %s: %s\n  %s", page, m.name, v.Impact, v.ID, v.Help, strings.Join(nodes, "\n  "))
	}
}

// forgetErrors drops the console errors that contain s: the ones a test
// caused on purpose.
func (b *browser) forgetErrors(s string) {
	b.here() // one more round trip, so the error has been recorded
	b.mu.Lock()
	defer b.mu.Unlock()
	kept := b.problems[:0]
	for _, p := range b.problems {
		if !strings.Contains(p, s) {
			kept = append(kept, p)
		}
	}
	b.problems = kept
}
