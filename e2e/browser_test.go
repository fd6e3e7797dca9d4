//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

const (
	overallTimeout = 3 * time.Minute  // the whole browser session
	stepTimeout    = 20 * time.Second // one step: a click and its page load, a query
	screenshotDir  = "screenshots"    // e2e/screenshots, gitignored
)

// TestBrowserForumFlow walks through a new forum as people would: the first
// sign-up becomes the administrator, who creates a category and a thread; a
// second member signs up and replies; the reply waits in the sandbox, unseen
// by visitors, until an ambassador approves it in /mod.
func TestBrowserForumFlow(t *testing.T) {
	chromium := chromiumPath(t)
	base, admin := startHearth(t)
	b := newBrowser(t, chromium, base)

	// a. An empty forum invites the first sign-up to become the administrator.
	b.open("/")
	b.expectText("main", "the first account becomes the administrator")
	b.click(`main a[href="/signup"]`, "/signup")
	b.expectText("main", "your account will be the administrator")
	b.signUp("alice", "alice@example.test", "correct horse battery")
	b.expectText(".flash", "You are the first member, so you are the administrator")

	// b. The administrator creates a category.
	b.click(`header a[href="/admin"]`, "/admin")
	b.fill("#cat-name", "Help")
	b.fill("#cat-description", "Questions and answers about Hearth.")
	b.click(`form[action="/admin/categories"] button[type=submit]`, "/c/help")
	b.expectText("h1", "Help")
	b.expectText(".flash", "Category Help created.")

	// c. ...and starts a thread in it, with Markdown and tags.
	b.click(`.page-actions a[href="/c/help/new"]`, "/c/help/new")
	if got := get(b, "category", chromedp.Value(chromedp.ID("nt-category"))); got != "help" {
		t.Fatalf("new thread form from /c/help: category = %q, want %q", got, "help")
	}
	b.fill("#nt-title", "Browser thread")
	b.fill("#nt-body", "Hello **world** from chromium")
	b.fill("#nt-tags", "browser, e2e")
	threadPath := b.click(`form[action="/new"] button[type=submit]`, "/t/")
	b.expectText("h1.thread-title", "Browser thread")
	b.expectHTML("#post-1 .post-body", "<strong>world</strong>")
	b.expectText(".thread-meta .tag-list", "#browser")
	b.expectText(".thread-meta .tag-list", "#e2e")

	// d. Log out; a second member signs up and replies. A newcomer is in
	// the sandbox: the reply waits for approval, and only bob sees it.
	b.click(`header form[action="/logout"] button[type=submit]`, "/")
	b.expectText("header", "Log in")
	b.click(`header a[href="/signup"]`, "/signup")
	b.signUp("bob", "bob@example.test", "another long password")
	b.expectText(".flash", "Welcome to the community, bob!")
	b.open(threadPath)
	b.fill("#reply-body", "A reply from member two")
	b.click(`#reply button[type=submit]`, path.Dir(threadPath))
	b.expectText(".flash", "waiting for approval")
	b.expectText("#pending", "Waiting for approval")
	b.expectText("#pending .post-body", "A reply from member two")
	b.screenshot("thread-pending.png", 1280, 900, false)

	// e. An anonymous visitor does not see it.
	b.click(`header form[action="/logout"] button[type=submit]`, "/")
	b.open(threadPath)
	b.expectHTML("#post-1 .post-body", "<strong>world</strong>")
	b.expectAbsent("#post-2")
	b.expectAbsent("#pending")

	// f. An ambassador approves it from the review queue.
	admin("create-user", "--username", "carol", "--email", "carol@example.test", "--password", "ambassador password", "--role", "ambassador")
	b.open("/login")
	b.fill("#li-login", "carol")
	b.fill("#li-password", "ambassador password")
	b.click(`form[action="/login"] button[type=submit]`, "/")
	b.click(`header a[href="/mod"]`, "/mod")
	b.expectText("main .card", "A reply from member two")
	b.expectText("main .card", "bob")
	b.screenshot("mod-approval.png", 1280, 900, false)
	b.click(`main .card button[value=approve]`, "/mod")
	b.expectText(".flash", "Queue item resolved: approve.")
	b.open(threadPath)
	b.expectText("#post-2 .post-body", "A reply from member two")
	// Like alice's post: the button submits the page's shared action form.
	b.click(`#post-1 button.btn-like`, path.Dir(threadPath))
	b.expectText("#post-1 .btn-like .like-count", "1")

	// Carol only liked, so she tracks the thread (the default). With
	// JavaScript, choosing another level saves it at once; the Save
	// button is for browsers without it.
	if got := get(b, "level", chromedp.Value(chromedp.ID("notification-level-thread"))); got != "tracking" {
		t.Fatalf("carol's level after liking = %q, want tracking", got)
	}
	if !get(b, "save hidden", chromedp.Evaluate[bool](`document.querySelector("form.notification-level button").hidden`)) {
		t.Error("the level form's Save button is shown although JavaScript runs")
	}
	b.choose("#notification-level-thread", "muted", path.Dir(threadPath))
	b.expectText(".flash", "Muted")
	if got := get(b, "level", chromedp.Value(chromedp.ID("notification-level-thread"))); got != "muted" {
		t.Fatalf("level after choosing muted = %q", got)
	}

	// g. The visitor now sees the approved reply.
	b.click(`header form[action="/logout"] button[type=submit]`, "/")
	b.open(threadPath)
	b.expectHTML("#post-1 .post-body", "<strong>world</strong>")
	b.expectText("#post-1", "alice")
	b.expectText("#post-2 .post-body", "A reply from member two")
	b.expectText("#post-2", "bob")

	// h. Screenshots for people; the assertions are the DOM checks above.
	b.screenshot("thread-desktop.png", 1280, 900, false)
	b.screenshot("thread-390.png", 390, 844, true)

	// i. No console errors, exceptions or CSP violations on any page, and
	// proof that the listener would have seen one.
	b.expectNoConsoleErrors()
	b.expectConsoleListenerCatchesCSP()
}

// chromiumPath is the browser to drive. A missing one fails the test rather
// than skipping it, so CI cannot pass without running anything.
func chromiumPath(t *testing.T) string {
	p := os.Getenv("HEARTH_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("no Chromium at %s (%v): install it (apt-get install chromium) or set HEARTH_CHROMIUM to a Chromium/Chrome binary", p, err)
	}
	return p
}

// startHearth builds cmd/hearth, runs `hearth serve` on a free loopback port
// with a fresh SQLite data dir, waits for /healthz and stops the server at
// cleanup. It returns the base URL and a way to run `hearth admin …` on the
// same database while it serves.
func startHearth(t *testing.T) (string, func(args ...string)) {
	base, admin, _ := startHearthData(t)
	return base, admin
}

// startHearthData is startHearth that also returns the data directory,
// for tests that read what the server stored (the mail queue).
func startHearthData(t *testing.T) (string, func(args ...string), string) {
	return startHearthNamed(t, "")
}

// startHearthNamed is startHearthData with --url naming the loopback
// address as host ("localhost"; "" keeps the IP): WebAuthn refuses an IP
// address as relying party id.
func startHearthNamed(t *testing.T, host string) (string, func(args ...string), string) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "hearth")
	buildCtx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	build := exec.CommandContext(buildCtx, "go", "build", "-o", bin, "./cmd/hearth")
	build.Dir = ".." // the module root; go test runs in e2e/
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/hearth: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base := "http://" + addr
	if host != "" {
		base = "http://" + host + addr[strings.LastIndex(addr, ":"):]
	}

	var logs bytes.Buffer // written by exec's copier, read only after Wait
	cmd := exec.Command(bin, "serve", "--addr", addr, "--url", base, "--data-dir", filepath.Join(dir, "data"))
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting hearth: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("hearth serve exited with %v after SIGTERM", err)
			}
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			t.Errorf("hearth serve did not stop within 15 s of SIGTERM")
		}
		if t.Failed() {
			t.Logf("hearth serve output:\n%s", logs.String())
		}
	})

	client := &http.Client{Timeout: 2 * time.Second}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		select {
		case err := <-exited:
			exited <- err // for the cleanup
			t.Fatalf("hearth serve exited before it was healthy: %v", err)
		default:
		}
		if resp, err := client.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, func(args ...string) {
					t.Helper()
					cmd := exec.Command(bin, append(append([]string{"admin"}, args...), "--data-dir", filepath.Join(dir, "data"))...)
					if out, err := cmd.CombinedOutput(); err != nil {
						t.Fatalf("hearth admin %v: %v\n%s", args, err, out)
					}
				}, filepath.Join(dir, "data")
			}
		}
	}
	t.Fatalf("%s/healthz not OK within 30 s", base)
	return "", nil, ""
}

// browser is a headless Chromium tab on the forum under test, and the errors
// its console has shown.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string

	mu       sync.Mutex
	problems []string
}

func newBrowser(t *testing.T, execPath, base string) *browser {
	return newBrowserTimeout(t, execPath, base, overallTimeout)
}

// newBrowserTimeout is newBrowser for a session longer than overallTimeout.
func newBrowserTimeout(t *testing.T, execPath, base string, timeout time.Duration) *browser {
	ctx, cancelTimeout := context.WithTimeout(context.Background(), timeout)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true), // /dev/shm is small in containers
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancelTab := chromedp.NewContext(ctx)
	// Cleanups run last-in first-out: the tab closes, then the browser exits
	// (cancelAlloc waits), then its user-data-dir is removed.
	t.Cleanup(cancelTimeout)
	t.Cleanup(cancelAlloc)
	t.Cleanup(cancelTab)

	b := &browser{t: t, ctx: ctx, base: base}
	// Listen starts the browser. It calls record in order, before a later
	// command returns, so no message is missed when the errors are checked.
	if err := chromedp.Listen(ctx, b.record); err != nil {
		t.Fatalf("starting Chromium %s: %v", execPath, err)
	}
	t.Cleanup(func() {
		if errs := b.errors(); t.Failed() && len(errs) > 0 {
			t.Logf("browser errors so far:\n  %s", strings.Join(errs, "\n  "))
		}
	})
	return b
}

// record keeps console.error and console.assert calls, uncaught exceptions,
// and error-level browser log entries, which is where CSP violations and
// failed loads show up.
func (b *browser) record(ev any) {
	var p string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			p = fmt.Sprintf("console.%s:", ev.Type)
			for _, a := range ev.Args {
				v := string(a.Value) // JSON for a primitive, empty for an object
				if v == "" {
					v = a.Description
				}
				p += " " + v
			}
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		p = fmt.Sprintf("exception: %s at %s:%d", d.Text, d.URL, d.LineNumber+1)
		if d.Exception != nil {
			p += ": " + d.Exception.Description
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			p = fmt.Sprintf("%s error: %s (%s)", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
		}
	}
	if p != "" {
		b.mu.Lock()
		b.problems = append(b.problems, p)
		b.mu.Unlock()
	}
}

func (b *browser) errors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.problems...)
}

// get runs one action and returns its value, bounded by stepTimeout.
func get[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// open loads a page of the forum, as if typed in the address bar, and
// requires HTTP 200.
func (b *browser) open(p string) {
	b.t.Helper()
	if resp := get(b, "open "+p, chromedp.NavigateResponse(b.base+p)); resp.Status != http.StatusOK {
		b.t.Fatalf("GET %s: HTTP %d, want 200", p, resp.Status)
	}
}

// click clicks a link or a submit button, waits for the page it leads to,
// and requires HTTP 200 at a path (with #fragment) that starts with want. It
// returns the path.
func (b *browser) click(sel, want string) string {
	b.t.Helper()
	b.clickStatus(sel, want, http.StatusOK)
	return get(b, "path", chromedp.Evaluate[string](`location.pathname`))
}

// choose picks an option of a select as a person would (a change event)
// and requires the page it leads to, like click.
func (b *browser) choose(sel, value, want string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	js := fmt.Sprintf("var s = document.querySelector(%q); s.value = %q; s.dispatchEvent(new Event('change'))", sel, value)
	change := chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[any](js)(ctx, tg)
		return chromedp.Void{}, err
	})
	resp, err := chromedp.RunResponse(ctx, change)
	if err != nil {
		b.t.Fatalf("choose %s in %s: %v", value, sel, err)
	}
	if at := b.here(); resp.Status != http.StatusOK || !strings.HasPrefix(at, want) {
		b.t.Fatalf("choose %s in %s: HTTP %d at %s, want 200 at %s…", value, sel, resp.Status, at, want)
	}
}

// fill types into an empty form field, key by key.
func (b *browser) fill(sel, value string) {
	b.t.Helper()
	get(b, "type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), value))
}

func (b *browser) signUp(username, email, password string) {
	b.t.Helper()
	b.fill("#su-username", username)
	b.fill("#su-email", email)
	b.fill("#su-password", password)
	b.click(`form[action="/signup"] button[type=submit]`, "/")
}

// expectAbsent requires that no element matches the CSS selector.
func (b *browser) expectAbsent(sel string) {
	b.t.Helper()
	if n := get(b, "count "+sel, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", sel))); n != 0 {
		b.t.Fatalf("%s: %d elements, want none", sel, n)
	}
}

// expectText requires the visible text of the first element that matches
// the CSS selector to contain want; expectHTML checks its inner HTML.
func (b *browser) expectText(sel, want string) {
	b.t.Helper()
	b.expect("text", chromedp.Text(chromedp.CSS(sel)), sel, want)
}

func (b *browser) expectHTML(sel, want string) {
	b.t.Helper()
	b.expect("HTML", chromedp.InnerHTML(chromedp.CSS(sel)), sel, want)
}

func (b *browser) expect(what string, a chromedp.Action[string], sel, want string) {
	b.t.Helper()
	if got := get(b, what+" of "+sel, a); !strings.Contains(got, want) {
		b.t.Fatalf("%s of %s on %s does not contain %q; it is:\n%s", what, sel, b.here(), want, got)
	}
}

// here is the path of the current page, with its #fragment if any.
func (b *browser) here() string {
	b.t.Helper()
	u, err := url.Parse(get(b, "location", chromedp.Location()))
	if err != nil {
		b.t.Fatal(err)
	}
	return strings.TrimSuffix(u.Path+"#"+u.Fragment, "#")
}

// screenshot saves a full-page PNG of the current page at a viewport size
// into e2e/screenshots/, then restores the viewport.
func (b *browser) screenshot(name string, width, height int64, mobile bool) {
	b.t.Helper()
	var opts []chromedp.EmulateViewportOption
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	get(b, "viewport", chromedp.EmulateViewport(width, height, opts...))
	png := get(b, "screenshot "+name, chromedp.FullScreenshot(100))
	get(b, "reset viewport", chromedp.ResetViewport())
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func (b *browser) expectNoConsoleErrors() {
	b.t.Helper()
	b.here() // one more round trip, so every earlier event has been recorded
	if errs := b.errors(); len(errs) > 0 {
		b.t.Fatalf("the browser logged %d error(s):\n  %s", len(errs), strings.Join(errs, "\n  "))
	}
}

// expectConsoleListenerCatchesCSP injects an inline script, which the CSP
// (script-src 'self') must refuse, and requires the listener to report it.
func (b *browser) expectConsoleListenerCatchesCSP() {
	b.t.Helper()
	get(b, "inject inline script", chromedp.Evaluate[chromedp.Void](
		`{const s = document.createElement("script"); s.textContent = "1"; document.body.append(s)}`))
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if strings.Contains(strings.Join(b.errors(), "\n"), "Content Security Policy") {
			return
		}
	}
	b.t.Fatalf("an inline script that breaks the CSP was not reported as a console error (seen: %q); the console check cannot be trusted", b.errors())
}
