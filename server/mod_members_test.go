package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

func TestMemberListAPIPermissions(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	admin := ts.token(t, "chief", models.RoleAdmin)
	mod := ts.token(t, "moddy", models.RoleModerator)
	member := ts.token(t, "plain", models.RoleMember)
	catmod := ts.token(t, "helper", models.RoleMember)
	if code, body := ts.api(t, "POST", "/api/v1/admin/users/helper/role", admin, `{"role":"moderator","categories":["general"]}`); code != 200 {
		t.Fatalf("scope helper: %d %v", code, body)
	}
	for _, c := range []struct {
		who, token string
		want       int
	}{{"visitor", "", http.StatusUnauthorized}, {"member", member, http.StatusForbidden},
		{"category moderator", catmod, http.StatusForbidden}, {"moderator", mod, 200}, {"admin", admin, 200}} {
		if code, _ := ts.api(t, "GET", "/api/v1/mod/members", c.token, ""); code != c.want {
			t.Errorf("%s: %d, want %d", c.who, code, c.want)
		}
	}
}

func TestMemberListAPI(t *testing.T) {
	ts := newTestServer(t)
	mod := ts.token(t, "moddy", models.RoleModerator)
	ts.User("alice", models.RoleMember)
	ts.User("a_b", models.RoleMember)
	ts.User("axb", models.RoleMember)
	code, body := ts.api(t, "GET", "/api/v1/mod/members?q="+url.QueryEscape("a_"), mod, "")
	rows, _ := body["members"].([]any)
	if code != 200 || len(rows) != 1 {
		t.Fatalf("search a_: %d %v", code, body)
	}
	row := rows[0].(map[string]any)
	if row["user"].(map[string]any)["username"] != "a_b" || !strings.HasSuffix(row["staff_url"].(string), "/mod/users/a_b") ||
		row["two_factor"] != false || row["suspended"] != false || row["post_count"] != float64(0) {
		t.Fatalf("row: %v", row)
	}
	_, body = ts.api(t, "GET", "/api/v1/mod/members?role=moderator", mod, "")
	if rows := body["members"].([]any); len(rows) != 1 || rows[0].(map[string]any)["user"].(map[string]any)["username"] != "moddy" {
		t.Fatalf("role filter: %v", body)
	}
	if code, body := ts.api(t, "GET", "/api/v1/mod/members?sort=name", mod, ""); code != http.StatusUnprocessableEntity {
		t.Fatalf("bad sort: %d %v", code, body)
	}
	if code, body := ts.api(t, "GET", "/api/v1/mod/members?joined_after=soon", mod, ""); code != http.StatusUnprocessableEntity {
		t.Fatalf("bad date: %d %v", code, body)
	}
}

func TestMemberListPage(t *testing.T) {
	ts := newTestServer(t)
	ts.User("chief", models.RoleAdmin)
	for i := 0; i < 55; i++ {
		ts.User(fmt.Sprintf("m%02d", i), models.RoleMember)
	}
	if r := ts.browser().get("/mod/members"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Fatalf("visitor: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	member := ts.browser()
	member.signup("plain")
	if r := member.get("/mod/members"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("member: %d", r.StatusCode)
	}
	admin := ts.browser()
	admin.login("chief")
	if r := admin.get("/mod"); !strings.Contains(r.Body, `href="/mod/members"`) {
		t.Fatal("the staff navigation does not link the member list")
	}
	r := admin.get("/mod/members?q=m0&role=member&origin=local&sanction=silenced&sandboxed=1&domain=x.example&joined_after=2020-01-02&seen_before=2099-01-01&sort=seen")
	for _, want := range []string{`name="q" value="m0"`, `<option value="member" selected>`, `<option value="local" selected>`,
		`<option value="silenced" selected>`, `name="sandboxed" value="1" checked`, `name="domain" value="x.example"`,
		`name="joined_after" value="2020-01-02"`, `name="seen_before" value="2099-01-01"`, `<option value="seen" selected>`, "No members match."} {
		if !strings.Contains(r.Body, want) {
			t.Fatalf("filtered page lacks %q: %d", want, r.StatusCode)
		}
	}
	r = admin.get("/mod/members?q=m0&joined_before=tomorrow")
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `value="tomorrow"`) || !strings.Contains(r.Body, "YYYY-MM-DD") {
		t.Fatalf("bad date: %d", r.StatusCode)
	}
	r = admin.get("/mod/members")
	if r.StatusCode != 200 || !strings.Contains(r.Body, `<a href="/mod/users/m54">m54</a>`) || strings.Contains(r.Body, `/mod/users/m03"`) {
		t.Fatalf("first page: %d", r.StatusCode)
	}
	i := strings.Index(r.Body, `href="/mod/members?before=`)
	if i < 0 {
		t.Fatal("no next page link")
	}
	next := strings.ReplaceAll(r.Body[i+6:i+strings.Index(r.Body[i+6:], `"`)+6], "&amp;", "&")
	r = admin.get(next)
	if !strings.Contains(r.Body, `/mod/users/m03"`) || !strings.Contains(r.Body, `/mod/users/chief"`) || strings.Contains(r.Body, `/mod/users/m54"`) {
		t.Fatalf("second page %s: %d", next, r.StatusCode)
	}
}
