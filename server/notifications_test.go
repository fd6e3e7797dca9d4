package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

func TestNotificationsPage(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	b := ts.browser()
	b.signup("alice")
	alice, err := ts.Store.UserByUsername(ts.Ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	bob := ts.User("bob", models.RoleMember)
	th, _ := ts.Thread(alice, "general", "Notify me", "First post.")
	reply := ts.Reply(bob, th.ID, "A reply for alice.")

	home := b.get("/").Body
	if !strings.Contains(home, `aria-label="Notifications, 1 unread"`) {
		t.Fatal("header lacks the unread count")
	}
	page := b.get("/notifications")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, fmt.Sprintf(`href="/p/%d"`, reply.ID)) ||
		!strings.Contains(page.Body, "Notify me") || !strings.Contains(page.Body, "replied") {
		t.Fatalf("notifications page: %d\n%s", page.StatusCode, page.Body)
	}

	// Logged out, the page asks for a login and the header has no link.
	anon := ts.browser()
	if res := anon.get("/notifications"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("logged-out /notifications: %d", res.StatusCode)
	}
	if strings.Contains(anon.get("/").Body, "Notifications") {
		t.Error("logged-out header shows notifications")
	}

	// Without the CSRF token, nothing is marked.
	if res := b.postRaw("/notifications/read", url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("mark read without CSRF: %d", res.StatusCode)
	}
	if !strings.Contains(b.get("/").Body, `aria-label="Notifications, 1 unread"`) {
		t.Fatal("count changed without CSRF")
	}

	// Another member cannot mark alice's notification read.
	l, err := ts.Svc.Notifications(ts.Ctx, alice, "", 0)
	if err != nil || len(l.Items) != 1 {
		t.Fatalf("%v %+v", err, l)
	}
	id := fmt.Sprint(l.Items[0].ID)
	other := ts.browser()
	other.signup("mallory")
	if res := other.post("/notifications/read", url.Values{"id": {id}}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("mallory marking alice's: %d", res.StatusCode)
	}
	if !strings.Contains(b.get("/").Body, `aria-label="Notifications, 1 unread"`) {
		t.Fatal("another member marked alice's notification read")
	}

	if res := b.post("/notifications/read", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark read: %d %s", res.StatusCode, res.Body)
	}
	if body := b.get("/").Body; strings.Contains(body, `aria-label="Notifications, `) || !strings.Contains(body, "Notifications") {
		t.Fatal("count still shown after marking read")
	}
}

func TestNotificationsAPI(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	tok := ts.token(t, "alice", models.RoleMember)
	alice, _ := ts.Store.UserByUsername(ts.Ctx, "alice")
	bob := ts.User("bob", models.RoleMember)
	_, first := ts.Thread(alice, "general", "Like me", "Please.")
	if _, err := ts.Svc.SetLike(ts.Ctx, bob, first.ID, true); err != nil {
		t.Fatal(err)
	}
	if status, _ := ts.api(t, http.MethodGet, "/api/v1/notifications", "", ""); status != http.StatusUnauthorized {
		t.Errorf("anonymous list: %d", status)
	}
	status, out := ts.api(t, http.MethodGet, "/api/v1/notifications", tok, "")
	items, _ := out["notifications"].([]any)
	if status != http.StatusOK || len(items) != 1 || out["unread"] != float64(1) {
		t.Fatalf("list: %d %v", status, out)
	}
	if n := items[0].(map[string]any); n["kind"] != "like" || n["post_id"] != float64(first.ID) {
		t.Fatalf("item: %v", n)
	}
	bobTok := ts.token(t, "bobby", models.RoleMember)
	id := fmt.Sprint(items[0].(map[string]any)["id"])
	if status, _ := ts.api(t, http.MethodPost, "/api/v1/notifications/read", bobTok, `{"id":`+id+`}`); status != http.StatusNotFound {
		t.Errorf("other member marking: %d", status)
	}
	status, out = ts.api(t, http.MethodPost, "/api/v1/notifications/read", tok, "")
	if status != http.StatusOK || out["unread"] != float64(0) {
		t.Fatalf("mark read: %d %v", status, out)
	}
}
