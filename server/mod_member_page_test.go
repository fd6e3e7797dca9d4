package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// TestStaffMemberPageAccount: the staff page shows the member's email,
// verification, two-factor and sessions, and signs a session out
// (CSRF-checked, audited); none of it reaches members or the public.
func TestStaffMemberPageAccount(t *testing.T) {
	ts := newTestServer(t)
	ts.User("chief", models.RoleAdmin)
	modTok := ts.token(t, "moddy", models.RoleModerator)
	memberTok := ts.token(t, "other", models.RoleMember)
	target := ts.browser()
	target.signup("target")
	u, _ := ts.Store.UserByUsername(ts.Ctx, "target")
	if err := ts.Store.DB(ts.Ctx).Model(&models.User{}).Where("id = ?", u.ID).Updates(map[string]any{"two_factor": true}).Error; err != nil {
		t.Fatal(err)
	}

	mod := ts.browser()
	mod.login("moddy")
	r := mod.get("/mod/users/target")
	for _, want := range []string{"target@example.com", "<dt>Email verified</dt><dd>no</dd>", "<dt>Two-factor login</dt><dd>on</dd>", "Signed-in browsers (1)", `name="session"`} {
		if !strings.Contains(r.Body, want) {
			t.Fatalf("staff page lacks %q: %d", want, r.StatusCode)
		}
	}
	code, rec := ts.api(t, "GET", "/api/v1/mod/users/target", modTok, "")
	sessions, _ := rec["sessions"].([]any)
	if code != 200 || rec["email"] != "target@example.com" || rec["two_factor"] != true || rec["email_verified"] != false || len(sessions) != 1 {
		t.Fatalf("API record: %d %v", code, rec)
	}
	sid := sessions[0].(map[string]any)["id"].(string)

	// Not for members or the public.
	if r := target.get("/mod/users/target"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("member reads a staff page: %d", r.StatusCode)
	}
	if r := ts.browser().get("/u/target"); strings.Contains(r.Body, "target@example.com") || strings.Contains(r.Body, "Two-factor") {
		t.Fatal("the public profile shows staff-only fields")
	}
	if code, _ := ts.api(t, "GET", "/api/v1/mod/users/target", memberTok, ""); code != http.StatusForbidden {
		t.Fatalf("member API record: %d", code)
	}
	for _, c := range []struct {
		token string
		want  int
	}{{"", http.StatusUnauthorized}, {memberTok, http.StatusForbidden}} {
		if code, _ := ts.api(t, "POST", "/api/v1/mod/users/target/sessions/end", c.token, `{"session":"`+sid+`"}`); code != c.want {
			t.Fatalf("end session as %q: %d, want %d", c.token, code, c.want)
		}
	}
	if r := mod.postRaw("/mod/users/target/sessions", url.Values{"session": {sid}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("sign out without CSRF: %d", r.StatusCode)
	}
	if r := target.get("/settings"); r.StatusCode != 200 {
		t.Fatalf("the member was signed out early: %d", r.StatusCode)
	}
	if r := mod.post("/mod/users/target/sessions", url.Values{"session": {sid}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/mod/users/target" {
		t.Fatalf("sign out: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := target.get("/settings"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("the member is still signed in: %d", r.StatusCode)
	}
	if r := mod.get("/mod/audit?action=user.session_end"); !strings.Contains(r.Body, `ended a session of <a href="/u/target">target</a>`) {
		t.Fatal("the sign-out is not audited")
	}
	if code, _ := ts.api(t, "POST", "/api/v1/mod/users/target/sessions/end", modTok, `{"session":"`+sid+`"}`); code != http.StatusNotFound {
		t.Fatalf("ending it again: %d", code)
	}
}
