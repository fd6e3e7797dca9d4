package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

func TestNotificationLevelForms(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	ts.Category("chatter")
	b := ts.browser()
	b.signup("alice")
	alice, _ := ts.Store.UserByUsername(ts.Ctx, "alice")
	bob := ts.User("bob", models.RoleMember)
	th, _ := ts.Thread(bob, "general", "Levels thread", "Body.")
	other, _ := ts.Thread(bob, "chatter", "Chatter thread", "Body.")
	tpath := fmt.Sprintf("/t/%d", th.ID)

	// Logged in, the thread page offers the control at the default.
	page := b.get(tpath).Body
	if !strings.Contains(page, `action="`+tpath+`/notification-level"`) || !strings.Contains(page, `<option value="tracking" selected>`) {
		t.Fatalf("thread page lacks the level control:\n%s", page)
	}
	// Logged out, it is not there (and the cached page never carries it).
	anon := ts.browser()
	for range 2 {
		if body := anon.get(tpath).Body; strings.Contains(body, "notification-level") {
			t.Fatal("logged-out thread page shows the level control")
		}
	}

	// Without the CSRF token, nothing changes.
	if res := b.postRaw(tpath+"/notification-level", url.Values{"level": {"watching"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("no CSRF: %d", res.StatusCode)
	}
	res := b.post(tpath+"/notification-level", url.Values{"level": {"watching"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != tpath {
		t.Fatalf("set level: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if page := b.get(tpath).Body; !strings.Contains(page, `<option value="watching" selected>`) || !strings.Contains(page, "every new post") {
		t.Fatal("thread page does not show watching")
	}
	ts.Reply(bob, th.ID, "A post alice watches.")
	if !strings.Contains(b.get("/notifications").Body, "posted in") {
		t.Error("watching did not notify")
	}

	// Muting a category hides its threads from alice's latest list only.
	if res := b.post("/c/chatter/notification-level", url.Values{"level": {"muted"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/c/chatter" {
		t.Fatalf("mute category: %d", res.StatusCode)
	}
	if page := b.get("/c/chatter").Body; !strings.Contains(page, `<option value="muted" selected>`) {
		t.Error("category page does not show muted")
	}
	if home := b.get("/").Body; strings.Contains(home, other.Title) || !strings.Contains(home, th.Title) {
		t.Error("muted category's thread still in alice's latest list")
	}
	if home := anon.get("/").Body; !strings.Contains(home, other.Title) {
		t.Error("muting hid the thread for everyone")
	}
	lv, _ := ts.Svc.CategoryLevel(ts.Ctx, alice, mustCategory(t, ts, "chatter"))
	if lv.Level != models.LevelMuted {
		t.Errorf("stored level %+v", lv)
	}

	// A bad level is a clear error, not a change.
	if res := b.post(tpath+"/notification-level", url.Values{"level": {"loud"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad level: %d", res.StatusCode)
	}
}

func mustCategory(t *testing.T, ts *testServer, slug string) *models.Category {
	t.Helper()
	c, err := ts.Store.CategoryBySlug(ts.Ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNotificationLevelAPI(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	tok := ts.token(t, "alice", models.RoleMember)
	bob := ts.User("bob", models.RoleMember)
	th, _ := ts.Thread(bob, "general", "API levels", "Body.")
	path := fmt.Sprintf("/api/v1/threads/%d/notification-level", th.ID)

	if code, out := ts.api(t, "GET", path, tok, ""); code != 200 || out["level"] != "tracking" || out["explicit"] != false {
		t.Fatalf("GET default: %d %v", code, out)
	}
	if code, out := ts.api(t, "PUT", path, tok, `{"level":"muted"}`); code != 200 || out["level"] != "muted" {
		t.Fatalf("PUT: %d %v", code, out)
	}
	if code, out := ts.api(t, "GET", path, tok, ""); code != 200 || out["level"] != "muted" || out["explicit"] != true {
		t.Fatalf("GET after PUT: %d %v", code, out)
	}
	code, out := ts.api(t, "PUT", path, tok, `{"level":"shouting"}`)
	if e, _ := out["error"].(map[string]any); code != 422 || e["code"] == nil {
		t.Errorf("bad level: %d %v", code, out)
	}
	if code, _ := ts.api(t, "PUT", path, tok, `{"level":`); code != 400 {
		t.Errorf("malformed JSON: %d", code)
	}
	if code, _ := ts.api(t, "PUT", path, "", `{"level":"muted"}`); code != 401 {
		t.Errorf("anonymous: %d", code)
	}
	if code, _ := ts.api(t, "PUT", "/api/v1/threads/999999/notification-level", tok, `{"level":"muted"}`); code != 404 {
		t.Errorf("missing thread: %d", code)
	}
	cpath := "/api/v1/categories/general/notification-level"
	if code, out := ts.api(t, "PUT", cpath, tok, `{"level":"watching"}`); code != 200 || out["level"] != "watching" {
		t.Fatalf("PUT category: %d %v", code, out)
	}
	if code, out := ts.api(t, "GET", cpath, tok, ""); code != 200 || out["level"] != "watching" {
		t.Fatalf("GET category: %d %v", code, out)
	}
	if code, _ := ts.api(t, "PUT", "/api/v1/categories/nope/notification-level", tok, `{"level":"muted"}`); code != 404 {
		t.Errorf("missing category: %d", code)
	}
}

func TestEmailSettingsForm(t *testing.T) {
	ts := newTestServer(t)
	b := ts.browser()
	b.signup("alice")
	alice, _ := ts.Store.UserByUsername(ts.Ctx, "alice")
	page := b.get("/settings").Body
	if !strings.Contains(page, `action="/settings/email"`) || strings.Contains(page, `name="email_digest" value="1" checked`) {
		t.Fatalf("settings page: mail is opt-in and must start off:\n%s", page)
	}
	if res := b.postRaw("/settings/email", url.Values{"email_digest": {"1"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("no CSRF: %d", res.StatusCode)
	}
	if res := b.post("/settings/email", url.Values{"email_digest": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	m, _ := ts.Svc.MailSettings(ts.Ctx, alice)
	if !m.EmailDigest || m.EmailNotifications {
		t.Fatalf("saved %+v", m)
	}
	if page := b.get("/settings").Body; !strings.Contains(page, `name="email_digest" value="1" checked`) {
		t.Error("settings page does not show the saved choice")
	}
	tok := ts.token(t, "bob", models.RoleMember)
	if code, out := ts.api(t, "PUT", "/api/v1/settings/email", tok, `{"email_notifications":true}`); code != 200 || out["email_notifications"] != true {
		t.Fatalf("API save: %d %v", code, out)
	}
	if code, out := ts.api(t, "GET", "/api/v1/settings/email", tok, ""); code != 200 || out["email_notifications"] != true || out["email_digest"] != false {
		t.Fatalf("API get: %d %v", code, out)
	}
}

func TestUnreadCounts(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	b := ts.browser()
	b.signup("alice")
	alice, _ := ts.Store.UserByUsername(ts.Ctx, "alice")
	bob := ts.User("bob", models.RoleMember)
	th, _ := ts.Thread(bob, "general", "Unread thread", "Body.")
	tpath := fmt.Sprintf("/t/%d", th.ID)
	if strings.Contains(b.get("/c/general").Body, " new<") {
		t.Fatal("unread count before ever reading")
	}
	b.get(tpath) // read up to post 1
	ts.Reply(bob, th.ID, "Second.")
	ts.Reply(bob, th.ID, "Third.")
	if page := b.get("/c/general").Body; !strings.Contains(page, `badge-unread">2 new`) {
		t.Fatalf("category page lacks the unread count:\n%s", page)
	}
	if home := b.get("/").Body; !strings.Contains(home, `badge-unread">2 new`) {
		t.Error("latest list lacks the unread count")
	}
	b.get(tpath)
	if strings.Contains(b.get("/c/general").Body, "badge-unread") {
		t.Error("unread count after reading")
	}
	// Muted: no count. Reading alone never overrides the category's level.
	ts.Reply(bob, th.ID, "Fourth.")
	if _, err := ts.Svc.SetCategoryLevel(ts.Ctx, alice, "general", "muted"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.get("/c/general").Body, "badge-unread") {
		t.Error("unread count in a muted category")
	}
	if _, err := ts.Svc.SetCategoryLevel(ts.Ctx, alice, "general", "watching"); err != nil {
		t.Fatal(err)
	}
	ts.Reply(bob, th.ID, "Fifth.")
	if !strings.Contains(b.get("/notifications").Body, "posted in") {
		t.Error("a read mark overrode the watched category")
	}
	if !strings.Contains(b.get("/c/general").Body, `badge-unread">2 new`) {
		t.Error("watched category: unread count")
	}
}
