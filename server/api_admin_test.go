package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// TestSuspendKillsSessionAndToken: through the real router, a suspended
// member's old cookie is logged out and their token gets 401 at once.
func TestSuspendKillsSessionAndToken(t *testing.T) {
	ts := newTestServer(t)
	mod := ts.token(t, "moddy", models.RoleModerator)
	b := ts.browser()
	b.signup("victim")
	if r := b.get("/settings"); r.StatusCode != http.StatusOK {
		t.Fatalf("settings before suspend: %d", r.StatusCode)
	}
	u, _ := ts.Svc.UserByUsername(ts.Ctx, "victim")
	tok, _ := ts.Svc.CreateToken(ts.Ctx, u.ID, "t")
	if code, _ := ts.api(t, "GET", "/api/v1/me", tok, ""); code != http.StatusOK {
		t.Fatalf("me before: %d", code)
	}
	if code, body := ts.api(t, "POST", "/api/v1/mod/users/victim/suspend", mod, `{"duration":"72h","reason":"spam"}`); code != http.StatusOK || body["kind"] != "suspend" || body["ends_at"] == nil {
		t.Fatalf("suspend: %d %v", code, body)
	}
	if r := b.get("/settings"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Fatalf("old cookie still logged in: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if code, _ := ts.api(t, "GET", "/api/v1/me", tok, ""); code != http.StatusUnauthorized {
		t.Fatalf("token after suspend: %d", code)
	}
	r := ts.browser().post("/login", url.Values{"login": {"victim"}, "password": {signupPassword}})
	if r.StatusCode == http.StatusSeeOther || !strings.Contains(r.Body, "suspended until") {
		t.Fatalf("login while suspended: %d", r.StatusCode)
	}
}

func TestSilencedCannotPostAPI(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	mod := ts.token(t, "moddy", models.RoleModerator)
	m := ts.token(t, "quiet", models.RoleMember)
	if code, body := ts.api(t, "POST", "/api/v1/mod/users/quiet/silence", mod, `{"duration":"","reason":"cool off"}`); code != http.StatusOK || body["ends_at"] != nil {
		t.Fatalf("silence: %d %v", code, body)
	}
	code, body := ts.api(t, "POST", "/api/v1/threads", m, `{"category":"general","title":"Hello world","body":"hi"}`)
	msg, _ := body["error"].(map[string]any)["message"].(string)
	if code != http.StatusForbidden || !strings.Contains(msg, "silenced until further notice") {
		t.Fatalf("silenced thread: %d %v", code, body)
	}
	if code, _ := ts.api(t, "GET", "/api/v1/me", m, ""); code != http.StatusOK {
		t.Fatalf("silenced member can still read: %d", code)
	}
	if code, _ := ts.api(t, "POST", "/api/v1/mod/users/quiet/unsilence", mod, ""); code != http.StatusOK {
		t.Fatalf("unsilence: %d", code)
	}
	if code, body := ts.api(t, "POST", "/api/v1/threads", m, `{"category":"general","title":"Hello world","body":"hi"}`); code != http.StatusCreated {
		t.Fatalf("after unsilence: %d %v", code, body)
	}
}

func TestAdminAPIAccess(t *testing.T) {
	ts := newTestServer(t)
	member := ts.token(t, "member1", models.RoleMember)
	mod := ts.token(t, "moddy", models.RoleModerator)
	admin := ts.token(t, "boss", models.RoleAdmin)
	ts.User("boss2", models.RoleAdmin)
	for _, c := range []struct {
		method, path, token, body string
		want                      int
	}{
		{"POST", "/api/v1/mod/users/moddy/suspend", member, `{}`, 403},
		{"POST", "/api/v1/mod/users/boss2/suspend", mod, `{}`, 403},
		{"POST", "/api/v1/mod/users/ghost/suspend", mod, `{}`, 404},
		{"POST", "/api/v1/mod/users/member1/suspend", mod, `{"duration":"soon"}`, 422},
		{"POST", "/api/v1/mod/users/member1/explode", mod, `{}`, 404},
		{"POST", "/api/v1/admin/users/member1/role", mod, `{"role":"moderator"}`, 403},
		{"POST", "/api/v1/admin/users/member1/role", admin, `{"role":"emperor"}`, 422},
		{"POST", "/api/v1/admin/users/ghost/role", admin, `{"role":"moderator"}`, 404},
		{"POST", "/api/v1/admin/users/member1/role", admin, `{"role":"ambassador"}`, 200},
		{"GET", "/api/v1/admin/instance-blocks", mod, ``, 403},
		{"POST", "/api/v1/admin/instance-blocks", mod, `{"domain":"bad.example","severity":"suspend"}`, 403},
		{"POST", "/api/v1/admin/instance-blocks", admin, `{"domain":"https://bad.example/x","severity":"suspend"}`, 422},
		{"POST", "/api/v1/admin/instance-blocks", admin, `{"domain":"bad.example","severity":"nuke"}`, 422},
		{"POST", "/api/v1/admin/instance-blocks", admin, `{"domain":"Bad.Example","severity":"suspend","reason":"spam"}`, 200},
		{"POST", "/api/v1/admin/instance-blocks", admin, `{"domain":"bad.example","severity":"suspend","reason":"spam"}`, 200},
		{"GET", "/api/v1/admin/instance-blocks", admin, ``, 200},
		{"DELETE", "/api/v1/admin/instance-blocks/bad.example", mod, ``, 403},
		{"DELETE", "/api/v1/admin/instance-blocks/bad.example", admin, ``, 204},
		{"DELETE", "/api/v1/admin/instance-blocks/bad.example", admin, ``, 404},
	} {
		if code, body := ts.api(t, c.method, c.path, c.token, c.body); code != c.want {
			t.Errorf("%s %s: %d, want %d: %v", c.method, c.path, code, c.want, body)
		}
	}
	var n int64
	ts.Store.DB(ts.Ctx).Model(&models.AuditEntry{}).Where("action LIKE 'instance.%'").Count(&n)
	if n != 2 { // one block (the repeat changed nothing) and one unblock
		t.Fatalf("instance audit entries: %d", n)
	}
}
