package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

func TestAdminInstanceBlockForms(t *testing.T) {
	ts := newTestServer(t)
	ts.User("chief", models.RoleAdmin)
	ts.User("moddy", models.RoleModerator)
	admin := ts.browser()
	admin.login("chief")
	if r := admin.get("/admin"); !strings.Contains(r.Body, `href="/admin/instances"`) || !strings.Contains(r.Body, `href="/admin/users"`) {
		t.Fatalf("/admin does not link the forms: %s", r.Body)
	}
	// A bad domain keeps what was typed and says what is wrong.
	r := admin.post("/admin/instances", url.Values{"domain": {"https://bad.example/x"}, "severity": {"silence"}, "reason": {"spam wave"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "bare host name") ||
		!strings.Contains(r.Body, `value="https://bad.example/x"`) || !strings.Contains(r.Body, `value="spam wave"`) ||
		!strings.Contains(r.Body, `value="silence" selected`) {
		t.Fatalf("bad domain: %d %s", r.StatusCode, r.Body)
	}
	if r := admin.post("/admin/instances", url.Values{"domain": {"spam.example"}, "severity": {"bogus"}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "severity must be") {
		t.Fatalf("bad severity: %d", r.StatusCode)
	}
	// Without the CSRF token nothing happens.
	if r := admin.postRaw("/admin/instances", url.Values{"domain": {"spam.example"}, "severity": {"suspend"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("no CSRF: %d", r.StatusCode)
	}
	if r := admin.post("/admin/instances", url.Values{"domain": {"Spam.Example"}, "severity": {"suspend"}, "reason": {"spam wave"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("block: %d %s", r.StatusCode, r.Body)
	}
	r = admin.get("/admin/instances")
	if !strings.Contains(r.Body, "spam.example is now suspended") || !strings.Contains(r.Body, "<td>spam.example</td>") ||
		!strings.Contains(r.Body, "<td>suspend</td>") || !strings.Contains(r.Body, "spam wave") ||
		!strings.Contains(r.Body, `action="/admin/instances/spam.example/unblock"`) {
		t.Fatalf("blocks list: %s", r.Body)
	}
	if ok, _ := ts.Svc.InstanceSuspended(ts.Ctx, "spam.example"); !ok {
		t.Fatal("form block not in force")
	}
	// Moderators are not administrators.
	mod := ts.browser()
	mod.login("moddy")
	if r := mod.get("/admin/instances"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("moderator sees blocks: %d", r.StatusCode)
	}
	if r := mod.post("/admin/instances/spam.example/unblock", nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("moderator unblocks: %d", r.StatusCode)
	}
	if r := admin.post("/admin/instances/spam.example/unblock", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("unblock: %d %s", r.StatusCode, r.Body)
	}
	if r := admin.get("/admin/instances"); !strings.Contains(r.Body, "No instance is blocked") {
		t.Fatalf("after unblock: %s", r.Body)
	}
}

func TestAdminRoleForm(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	ts.Category("help")
	ts.User("chief", models.RoleAdmin)
	ts.User("helper", models.RoleMember)
	admin := ts.browser()
	admin.login("chief")
	if r := admin.get("/admin/users"); r.StatusCode != 200 || !strings.Contains(r.Body, `<option value="help">`) {
		t.Fatalf("roles page: %d %s", r.StatusCode, r.Body)
	}
	r := admin.post("/admin/users/role", url.Values{"username": {"helper"}, "role": {"member"}, "categories": {"help"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "only moderators and ambassadors") ||
		!strings.Contains(r.Body, `value="helper"`) || !strings.Contains(r.Body, `value="help" selected`) {
		t.Fatalf("member limited to categories: %d %s", r.StatusCode, r.Body)
	}
	if r := admin.post("/admin/users/role", url.Values{"username": {"nobody"}, "role": {"moderator"}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "no member with that name") {
		t.Fatalf("unknown member: %d %s", r.StatusCode, r.Body)
	}
	if r := admin.post("/admin/users/role", url.Values{"username": {"helper"}, "role": {"moderator"}, "categories": {"help", "general"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("set role: %d %s", r.StatusCode, r.Body)
	}
	u := mustUser(t, ts, "helper")
	ids, _ := ts.Store.RoleCategoryIDs(ts.Ctx, u.ID)
	if u.Role != models.RoleModerator || !u.RoleScoped || len(ids) != 2 {
		t.Fatalf("role not set: %+v %v", u, ids)
	}
	if r := admin.get("/admin/users"); !strings.Contains(r.Body, "helper is now moderator in help, general") || !strings.Contains(r.Body, "general, help") {
		t.Fatalf("after setting: %s", r.Body)
	}
	// A comma list works too (site-wide when empty).
	if r := admin.post("/admin/users/role", url.Values{"username": {"helper"}, "role": {"ambassador"}, "categories": {"help, general"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("comma list: %d %s", r.StatusCode, r.Body)
	}
	if u := mustUser(t, ts, "helper"); u.Role != models.RoleAmbassador {
		t.Fatalf("ambassador: %+v", u)
	}
	mod := ts.browser()
	mod.signup("someone")
	if r := mod.post("/admin/users/role", url.Values{"username": {"someone"}, "role": {"admin"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("member sets a role: %d", r.StatusCode)
	}
}
