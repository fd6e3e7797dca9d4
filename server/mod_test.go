package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

func TestModAPIMemberForbidden(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	member := ts.token(t, "member1", models.RoleMember)
	th, _ := ts.Thread(ts.User("author", models.RoleMember), "general", "A thread", "body")
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/v1/mod/queue", ""},
		{"GET", "/api/v1/mod/audit", ""},
		{"POST", "/api/v1/mod/queue/1/resolve", `{"action":"approve"}`},
		{"POST", fmt.Sprintf("/api/v1/mod/threads/%d/lock", th.ID), ""},
		{"POST", fmt.Sprintf("/api/v1/mod/threads/%d/unlock", th.ID), ""},
		{"POST", fmt.Sprintf("/api/v1/mod/threads/%d/pin", th.ID), ""},
		{"POST", fmt.Sprintf("/api/v1/mod/threads/%d/unpin", th.ID), ""},
		{"POST", fmt.Sprintf("/api/v1/mod/threads/%d/move", th.ID), `{"category":"general"}`},
	} {
		if code, body := ts.api(t, c.method, c.path, member, c.body); code != http.StatusForbidden || errCode(body) != "forbidden" {
			t.Errorf("%s %s as member: %d %v", c.method, c.path, code, body)
		}
		if code, _ := ts.api(t, c.method, c.path, "", c.body); code != http.StatusUnauthorized {
			t.Errorf("%s %s logged out: %d", c.method, c.path, code)
		}
	}
}

func TestModAPIFlagQueueResolve(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	ts.Category("other")
	mod := ts.token(t, "moddy", models.RoleModerator)
	m1 := ts.token(t, "member1", models.RoleMember)
	amb := ts.token(t, "amba", models.RoleAmbassador)
	th, p := ts.Thread(ts.User("author", models.RoleMember), "general", "Cheap watches", "buy now")
	flags := fmt.Sprintf("/api/v1/posts/%d/flags", p.ID)

	if code, body := ts.api(t, "POST", flags, m1, `{"reason":"nope"}`); code != http.StatusUnprocessableEntity || errCode(body) != "validation_failed" {
		t.Fatalf("bad reason: %d %v", code, body)
	}
	if code, body := ts.api(t, "POST", flags, m1, `{"reason":"spam","message":"ads"}`); code != http.StatusCreated || body["weight"] != float64(1) {
		t.Fatalf("flag: %d %v", code, body)
	}
	if code, body := ts.api(t, "POST", flags, m1, `{"reason":"spam"}`); code != http.StatusConflict {
		t.Fatalf("second flag: %d %v", code, body)
	}
	if code, body := ts.api(t, "POST", "/api/v1/posts/99999/flags", m1, `{"reason":"spam"}`); code != http.StatusNotFound {
		t.Fatalf("missing post: %d %v", code, body)
	}
	if code, body := ts.api(t, "POST", flags, amb, `{"reason":"spam"}`); code != http.StatusCreated || body["weight"] != float64(2) {
		t.Fatalf("ambassador flag: %d %v", code, body)
	}
	// Hidden now: the public API shows the placeholder.
	_, tb := ts.api(t, "GET", fmt.Sprintf("/api/v1/threads/%d", th.ID), "", "")
	if html := tb["posts"].([]any)[0].(map[string]any)["html"].(string); strings.Contains(html, "buy now") || !strings.Contains(html, "hidden pending review") {
		t.Fatalf("public API shows hidden post: %s", html)
	}

	code, body := ts.api(t, "GET", "/api/v1/mod/queue", mod, "")
	items, _ := body["items"].([]any)
	if code != 200 || len(items) != 1 {
		t.Fatalf("queue: %d %v", code, body)
	}
	item := items[0].(map[string]any)
	if item["weight"] != float64(3) || item["hidden"] != true || len(item["flags"].([]any)) != 2 || item["post"].(map[string]any)["body"] != "buy now" {
		t.Fatalf("queue item: %v", item)
	}
	resolve := fmt.Sprintf("/api/v1/mod/queue/%d/resolve", int64(item["id"].(float64)))
	if code, body := ts.api(t, "POST", resolve, mod, `{"action":"explode"}`); code != http.StatusUnprocessableEntity {
		t.Fatalf("bad action: %d %v", code, body)
	}
	if code, body := ts.api(t, "POST", resolve, mod, `{"action":"approve","note":"fine"}`); code != 200 || body["state"] != "resolved" {
		t.Fatalf("resolve: %d %v", code, body)
	}
	if code, _ := ts.api(t, "POST", resolve, mod, `{"action":"hide"}`); code != http.StatusConflict {
		t.Fatalf("resolve twice: %d", code)
	}
	if code, _ := ts.api(t, "POST", "/api/v1/mod/queue/424242/resolve", mod, `{"action":"hide"}`); code != http.StatusNotFound {
		t.Fatalf("unknown item: %d", code)
	}

	lock := fmt.Sprintf("/api/v1/mod/threads/%d/lock", th.ID)
	if code, body := ts.api(t, "POST", lock, mod, `{"reason":"calm down"}`); code != 200 || body["locked"] != true {
		t.Fatalf("lock: %d %v", code, body)
	}
	if code, body := ts.api(t, "POST", lock, mod, ""); code != 200 || body["locked"] != true {
		t.Fatalf("lock again: %d %v", code, body)
	}
	if code, body := ts.api(t, "POST", fmt.Sprintf("/api/v1/mod/threads/%d/pin", th.ID), mod, ""); code != 200 || body["pinned"] != true {
		t.Fatalf("pin: %d %v", code, body)
	}
	move := fmt.Sprintf("/api/v1/mod/threads/%d/move", th.ID)
	if code, _ := ts.api(t, "POST", move, mod, `{"category":"missing"}`); code != http.StatusUnprocessableEntity {
		t.Fatalf("move to missing: %d", code)
	}
	if code, body := ts.api(t, "POST", move, mod, `{"category":"other"}`); code != 200 || body["category"] != "other" {
		t.Fatalf("move: %d %v", code, body)
	}
	if code, _ := ts.api(t, "POST", fmt.Sprintf("/api/v1/mod/threads/%d/explode", th.ID), mod, ""); code != http.StatusNotFound {
		t.Fatalf("unknown tool: %d", code)
	}
	if code, _ := ts.api(t, "POST", "/api/v1/mod/threads/99999/lock", mod, ""); code != http.StatusNotFound {
		t.Fatalf("unknown thread: %d", code)
	}

	code, body = ts.api(t, "GET", "/api/v1/mod/audit?action=thread.lock", mod, "")
	entries, _ := body["entries"].([]any)
	if code != 200 || len(entries) != 1 {
		t.Fatalf("audit: %d %v", code, body)
	}
	e0 := entries[0].(map[string]any)
	if e0["reason"] != "calm down" || e0["actor"].(map[string]any)["username"] != "moddy" || e0["target_id"] != float64(th.ID) {
		t.Fatalf("audit entry: %v", e0)
	}
	_, body = ts.api(t, "GET", "/api/v1/mod/audit?limit=2", mod, "")
	if body["next"] == nil {
		t.Fatalf("no next cursor: %v", body)
	}
	if code, _ := ts.api(t, "GET", "/api/v1/mod/audit?before="+url.QueryEscape(body["next"].(string)), mod, ""); code != 200 {
		t.Fatalf("audit page 2: %d", code)
	}
	if code, _ := ts.api(t, "GET", "/api/v1/mod/audit?before=junk", mod, ""); code != http.StatusUnprocessableEntity {
		t.Fatalf("bad cursor: %d", code)
	}
}
