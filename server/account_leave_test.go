package server_test

import (
	"archive/zip"
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var exportLink = regexp.MustCompile(`href="(/settings/export/[0-9a-f]{64})"`)

func TestExportPagesAndDownload(t *testing.T) {
	ts := newTestServer(t)
	now := time.Now().UTC().Truncate(time.Second)
	ts.Svc.SetClock(func() time.Time { return now })
	ts.browser().signup("admin1")
	alice := ts.browser()
	alice.signup("alice")
	if res := alice.get("/settings"); !strings.Contains(res.Body, `action="/settings/export"`) || !strings.Contains(res.Body, `href="/settings/delete"`) {
		t.Fatalf("settings page lacks the export and deletion section")
	}
	if res := alice.postRaw("/settings/export", url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("export without CSRF: %d", res.StatusCode)
	}
	if res := alice.post("/settings/export", nil); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings/export" {
		t.Fatalf("export: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res := alice.get("/settings/export"); !strings.Contains(res.Body, "Being prepared") {
		t.Fatalf("export page before the worker ran: %s", res.Body)
	}
	if n, err := ts.Svc.RunExports(ts.Ctx, slog.New(slog.DiscardHandler)); err != nil || n != 1 {
		t.Fatalf("run exports: %d %v", n, err)
	}
	m := exportLink.FindStringSubmatch(alice.get("/notifications").Body)
	if m == nil {
		t.Fatal("the notification does not link to the download")
	}
	link := m[1]
	if !strings.Contains(alice.get("/settings/export").Body, link) {
		t.Fatal("the export page does not link to the download")
	}
	res := alice.get(link)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/zip" || !strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
		t.Fatalf("owner download: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	zr, err := zip.NewReader(bytes.NewReader([]byte(res.Body)), int64(len(res.Body)))
	if err != nil {
		t.Fatalf("download is not a zip: %v", err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	for _, want := range []string{"profile.json", "posts.json", "bookmarks.json", "outbox.json"} {
		if !names[want] {
			t.Errorf("zip lacks %s: %v", want, names)
		}
	}
	bob := ts.browser()
	bob.signup("bob")
	if res := bob.get(link); res.StatusCode != http.StatusNotFound {
		t.Errorf("another member: %d, want 404", res.StatusCode)
	}
	if code, _ := ts.api(t, http.MethodGet, link, "", ""); code != http.StatusUnauthorized {
		t.Errorf("visitor: %d, want 401", code)
	}
	if res := ts.browser().get(link); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next="+url.QueryEscape(link) {
		t.Errorf("visitor's browser: %d %s, want to log in first", res.StatusCode, res.Header.Get("Location"))
	}
	// One a day.
	if res := alice.post("/settings/export", nil); res.StatusCode != http.StatusTooManyRequests || !strings.Contains(res.Body, "24 hours") {
		t.Errorf("second export: %d", res.StatusCode)
	}
}

func TestAccountLeaveAPIPermissions(t *testing.T) {
	ts := newTestServer(t)
	for _, c := range []struct{ method, path, body string }{
		{http.MethodPost, "/api/v1/me/export", ""},
		{http.MethodGet, "/api/v1/me/export", ""},
		{http.MethodDelete, "/api/v1/me", `{"password":"x","posts":"keep"}`},
		{http.MethodPost, "/api/v1/me/cancel-deletion", ""},
	} {
		if code, _ := ts.api(t, c.method, c.path, "", c.body); code != http.StatusUnauthorized {
			t.Errorf("visitor %s %s: %d, want 401", c.method, c.path, code)
		}
	}
}

func TestAccountLeaveAPI(t *testing.T) {
	ts := newTestServer(t)
	now := time.Now().UTC().Truncate(time.Second)
	ts.Svc.SetClock(func() time.Time { return now })
	ts.User("admin1", "admin")
	tok := ts.token(t, "alice", "member")
	if code, body := ts.api(t, http.MethodPost, "/api/v1/me/export", tok, ""); code != http.StatusAccepted || body["state"] != "pending" {
		t.Fatalf("export: %d %v", code, body)
	}
	if code, _ := ts.api(t, http.MethodPost, "/api/v1/me/export", tok, ""); code != http.StatusTooManyRequests {
		t.Fatalf("second export: %d", code)
	}
	ts.Svc.RunExports(ts.Ctx, slog.New(slog.DiscardHandler))
	code, body := ts.api(t, http.MethodGet, "/api/v1/me/export", tok, "")
	if code != http.StatusOK || body["state"] != "done" || !strings.HasPrefix(body["download_url"].(string), "http://forum.test/settings/export/") {
		t.Fatalf("export status: %d %v", code, body)
	}
	code, body = ts.api(t, http.MethodDelete, "/api/v1/me", tok, `{"password":"wrong-one","posts":"erase"}`)
	if fields, _ := body["error"].(map[string]any)["fields"].(map[string]any); code != http.StatusUnprocessableEntity || fields["password"] == nil {
		t.Fatalf("wrong password: %d %v", code, body)
	}
	code, body = ts.api(t, http.MethodDelete, "/api/v1/me", tok, `{"password":"password123","posts":"erase"}`)
	if code != http.StatusAccepted || body["posts"] != "erase" {
		t.Fatalf("delete: %d %v", code, body)
	}
	at, err := time.Parse(time.RFC3339, body["delete_at"].(string))
	if err != nil || !at.Equal(now.Add(7*24*time.Hour)) {
		t.Fatalf("delete_at %v (%v)", body["delete_at"], err)
	}
	// Signed out everywhere: the token no longer works.
	if code, _ := ts.api(t, http.MethodGet, "/api/v1/me", tok, ""); code != http.StatusUnauthorized {
		t.Fatalf("token after deletion: %d", code)
	}
	// A new token (after logging in again) cancels.
	u, _ := ts.Store.UserByUsername(ts.Ctx, "alice")
	tok2, err := ts.Svc.CreateToken(ts.Ctx, u.ID, "again")
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := ts.api(t, http.MethodPost, "/api/v1/me/cancel-deletion", tok2, ""); code != http.StatusOK {
		t.Fatalf("cancel: %d", code)
	}
	if code, _ := ts.api(t, http.MethodPost, "/api/v1/me/cancel-deletion", tok2, ""); code != http.StatusUnprocessableEntity {
		t.Fatalf("cancel with nothing scheduled: %d", code)
	}
	if u, _ := ts.Store.UserByUsername(ts.Ctx, "alice"); u.DeleteAt != nil {
		t.Fatal("deletion still scheduled after cancel")
	}
}

func TestDeleteAccountPages(t *testing.T) {
	ts := newTestServer(t)
	ts.browser().signup("admin1")
	alice := ts.browser()
	alice.signup("alice")
	if res := alice.get("/settings/delete"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `name="posts" value="erase"`) || !strings.Contains(res.Body, "7 days") {
		t.Fatalf("deletion page: %d", res.StatusCode)
	}
	res := alice.post("/settings/delete", url.Values{"password": {"not-my-password"}, "posts": {"erase"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "wrong password") ||
		!regexp.MustCompile(`value="erase" checked`).MatchString(res.Body) {
		t.Fatalf("wrong password: %d, choice kept? %s", res.StatusCode, res.Body)
	}
	if res := alice.postRaw("/settings/delete", url.Values{"password": {signupPassword}, "posts": {"keep"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("without CSRF: %d", res.StatusCode)
	}
	res = alice.post("/settings/delete", url.Values{"password": {signupPassword}, "posts": {"keep"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d %s", res.StatusCode, res.Body)
	}
	if res := alice.get("/settings"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Fatalf("still signed in after deletion: %d", res.StatusCode)
	}
	res = alice.post("/login", url.Values{"login": {"alice"}, "password": {signupPassword}, "next": {"/"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings/delete" {
		t.Fatalf("login during grace: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	page := alice.get("/settings/delete").Body
	if !strings.Contains(page, "Your account will be deleted on") || !strings.Contains(page, "Cancel deletion") {
		t.Fatalf("grace page: %s", page)
	}
	if res := alice.post("/settings/delete/cancel", nil); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/settings" {
		t.Fatalf("cancel: %d", res.StatusCode)
	}
	if u, _ := ts.Store.UserByUsername(ts.Ctx, "alice"); u.DeleteAt != nil {
		t.Fatal("deletion still scheduled after cancel")
	}
	_ = io.Discard
}
