// Package e2e holds Hearth's real-browser end-to-end tests.
//
// The tests build the hearth binary, start `hearth serve` on a free
// 127.0.0.1 port with a fresh SQLite data directory, and drive a headless
// Chromium through the web UI with chromedp: sign up the administrator,
// create a category, start a thread, log out, sign up a member and reply.
// They fail on any JavaScript console error or exception, which includes
// Content-Security-Policy violations.
//
// The tests carry the build tag e2e, so a plain `go test ./...` skips them.
// Run them from the module root with:
//
//	HEARTH_CHROMIUM=/usr/bin/chromium HEARTH_AXE=/tmp/package/axe.min.js go test -count=1 -tags e2e -v ./e2e/...
//
// HEARTH_CHROMIUM is the Chromium or Chrome executable (default
// /usr/bin/chromium); the test fails if it does not exist. HEARTH_AXE is
// axe-core's axe.min.js for TestBrowserAccessibility, which fails without
// it; .ci/run fetches the pinned version from npm, and locally
// `(cd /tmp && npm pack axe-core@4.14.1 && tar -xzf axe-core-4.14.1.tgz)`
// does the same (docs/ARCHITECTURE.md, "Browser tests and the
// accessibility check"). Full-page
// screenshots of the thread page, at desktop width and at 390 px, are written
// to e2e/screenshots/ (gitignored) for people to look at; the assertions
// themselves are on the DOM.
package e2e
