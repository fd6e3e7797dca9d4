package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

func TestAdminEditCategoryForm(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.browser()
	admin.signup("boss") // the first account is the administrator
	ts.Category("general")
	ts.Category("other")

	page := admin.get("/admin")
	for _, want := range []string{`href="/admin/categories/general"`, `action="/admin/categories/general/move"`, `value="up"`} {
		if !strings.Contains(page.Body, want) {
			t.Fatalf("/admin lacks %s", want)
		}
	}
	edit := admin.get("/admin/categories/general")
	if edit.StatusCode != http.StatusOK || !strings.Contains(edit.Body, `name="slug" value="general"`) {
		t.Fatalf("edit page: %d %s", edit.StatusCode, edit.Body)
	}

	form := url.Values{"name": {"Typed name"}, "slug": {"other"}, "description": {"typed words"}, "color": {"#112233"}, "parent": {""}, "position": {"4"}}
	bad := []struct {
		name, field, value, msg string
	}{
		{"duplicate slug", "slug", "other", "a category with that slug exists"},
		{"invalid slug", "slug", "Bad Slug", "lower-case letters"},
		{"own parent", "parent", "general", "cannot be its own parent"},
		{"position not a number", "position", "first", "whole number"},
	}
	for _, tc := range bad {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("slug", "general")
		f.Set(tc.field, tc.value)
		res := admin.post("/admin/categories/general", f)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, tc.msg) {
			t.Fatalf("%s: %d, want 422 with %q", tc.name, res.StatusCode, tc.msg)
		}
		if !strings.Contains(res.Body, `value="Typed name"`) || !strings.Contains(res.Body, "typed words</textarea>") {
			t.Fatalf("%s: the typed values were lost", tc.name)
		}
	}
	if res := admin.postRaw("/admin/categories/general", url.Values{"name": {"x"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("without CSRF: %d", res.StatusCode)
	}

	form.Set("slug", "chat")
	res := admin.post("/admin/categories/general", form)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/categories/chat" {
		t.Fatalf("save: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	c, err := ts.Store.CategoryBySlug(ts.Ctx, "chat")
	if err != nil || c.Name != "Typed name" || c.Description != "typed words" || c.Color != "#112233" || c.Position != 4 {
		t.Fatalf("saved: %+v %v", c, err)
	}
	visitor := ts.browser()
	for from, to := range map[string]string{
		"/c/general":                                "/c/chat",
		"/c/general/feed.rss":                       "/c/chat/feed.rss",
		"/c/General?after=x":                        "/c/chat?after=x",
		"/api/v1/categories/general":                "/api/v1/categories/chat",
		"/api/v1/categories/general/threads?after=": "/api/v1/categories/chat/threads?after=",
	} {
		res := visitor.get(from)
		if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != to {
			t.Errorf("GET %s: %d → %q, want 301 → %s", from, res.StatusCode, res.Header.Get("Location"), to)
		}
	}
	if res := visitor.get("/c/nowhere"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("an unknown slug: %d", res.StatusCode)
	}
	rows, err := ts.Store.AuditEntries(ts.Ctx, models.AuditQuery{Action: "category.edit"}, 10)
	if err != nil || len(rows) != 1 || rows[0].TargetID != c.ID {
		t.Fatalf("audit: %+v %v", rows, err)
	}
	if log := admin.get("/mod/audit?target_type=category"); !strings.Contains(log.Body, "edited the category <a href=\"/c/") ||
		!strings.Contains(log.Body, `<option value="category" selected>`) {
		t.Fatal("the audit log page does not list the edit under the category filter")
	}

	member := ts.browser()
	member.signup("member1")
	for _, path := range []string{"/admin/categories/chat", "/admin/categories/chat/move", "/admin/categories/chat/delete"} {
		var res *response
		if strings.HasSuffix(path, "chat") {
			res = member.get(path)
		} else {
			res = member.post(path, url.Values{"direction": {"up"}, "move_to": {"other"}})
		}
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("member %s: %d", path, res.StatusCode)
		}
	}
	if res := member.post("/admin/categories/chat", url.Values{"name": {"Mine"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("member edit: %d", res.StatusCode)
	}
}

func TestAdminReorderChangesHomeOrder(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.browser()
	admin.signup("boss")
	for _, s := range []string{"alpha", "beta", "gamma"} {
		ts.Category(s)
	}
	order := func() string {
		body := ts.browser().get("/").Body
		a, b, g := strings.Index(body, `href="/c/alpha"`), strings.Index(body, `href="/c/beta"`), strings.Index(body, `href="/c/gamma"`)
		if a < 0 || b < 0 || g < 0 {
			t.Fatal("the home page does not link every category")
		}
		names := map[int]string{a: "alpha", b: "beta", g: "gamma"}
		var out []string
		for len(names) > 0 {
			lo := -1
			for i := range names {
				if lo < 0 || i < lo {
					lo = i
				}
			}
			out = append(out, names[lo])
			delete(names, lo)
		}
		return strings.Join(out, " ")
	}
	if got := order(); got != "alpha beta gamma" {
		t.Fatalf("start: %s", got)
	}
	res := admin.post("/admin/categories/gamma/move", url.Values{"direction": {"up"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("move: %d %s", res.StatusCode, res.Body)
	}
	if got := order(); got != "alpha gamma beta" {
		t.Fatalf("after gamma up: %s", got)
	}
	admin.post("/admin/categories/alpha/move", url.Values{"direction": {"down"}})
	if got := order(); got != "gamma alpha beta" {
		t.Fatalf("after alpha down: %s", got)
	}
	_, body := ts.api(t, http.MethodGet, "/api/v1/categories", "", "")
	var slugs []string
	for _, c := range body["categories"].([]any) {
		slugs = append(slugs, c.(map[string]any)["slug"].(string))
	}
	if got := strings.Join(slugs, " "); got != "gamma alpha beta" {
		t.Fatalf("API order: %s", got)
	}
}

func TestAdminDeleteCategoryForm(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.browser()
	admin.signup("boss")
	ts.Category("old")
	ts.Category("dest")
	author := ts.User("author", models.RoleMember)
	th, _ := ts.Thread(author, "old", "Moving house", "body")

	page := admin.get("/admin/categories/old")
	if !strings.Contains(page.Body, "Delete category old, moving its 1 thread to") || strings.Contains(page.Body, `<option value="old"`) {
		t.Fatalf("delete form: %s", page.Body)
	}
	res := admin.post("/admin/categories/old/delete", url.Values{"move_to": {"old"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "cannot move into the category being deleted") {
		t.Fatalf("into itself: %d", res.StatusCode)
	}
	res = admin.post("/admin/categories/old/delete", url.Values{"move_to": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "choose the category") {
		t.Fatalf("no target: %d", res.StatusCode)
	}
	res = admin.post("/admin/categories/old/delete", url.Values{"move_to": {"dest"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin" {
		t.Fatalf("delete: %d %s", res.StatusCode, res.Body)
	}
	moved, err := ts.Store.ThreadByID(ts.Ctx, th.ID)
	dest, _ := ts.Store.CategoryBySlug(ts.Ctx, "dest")
	if err != nil || moved.CategoryID != dest.ID || dest.ThreadCount != 1 || dest.PostCount != 1 {
		t.Fatalf("after delete: thread %+v, dest %+v", moved, dest)
	}
	if res := ts.browser().get("/c/old"); res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/c/dest" {
		t.Fatalf("/c/old: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if !strings.Contains(admin.get("/admin").Body, "1 thread moved to dest") {
		t.Fatal("no flash after delete")
	}
}

func TestAPICategoryAdmin(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	ts.Category("other")
	ts.Category("sub")
	admin := ts.token(t, "boss", models.RoleAdmin)
	member := ts.token(t, "member1", models.RoleMember)
	moderator := ts.token(t, "moddy", models.RoleModerator)

	routes := []struct{ method, path, body string }{
		{http.MethodPatch, "/api/v1/categories/general", `{"name":"Mine"}`},
		{http.MethodDelete, "/api/v1/categories/general?move_to=other", ""},
	}
	for _, r := range routes {
		for _, who := range []struct {
			token string
			want  int
		}{{"", http.StatusUnauthorized}, {member, http.StatusForbidden}, {moderator, http.StatusForbidden}} {
			if code, _ := ts.api(t, r.method, r.path, who.token, r.body); code != who.want {
				t.Fatalf("%s %s as %q: %d, want %d", r.method, r.path, who.token, code, who.want)
			}
		}
	}

	code, body := ts.api(t, http.MethodPatch, "/api/v1/categories/sub", admin, `{"parent":"general","position":2}`)
	if code != http.StatusOK || body["parent"] != "general" || body["position"] != float64(2) {
		t.Fatalf("PATCH parent: %d %v", code, body)
	}
	bad := []struct{ body, field string }{
		{`{"slug":"other"}`, "slug"},
		{`{"slug":"NO WAY"}`, "slug"},
		{`{"parent":"sub"}`, "parent"}, // general has a subcategory: a loop
		{`{"position":-1}`, "position"},
	}
	for _, tc := range bad {
		code, body := ts.api(t, http.MethodPatch, "/api/v1/categories/general", admin, tc.body)
		if code != http.StatusUnprocessableEntity || !strings.Contains(jsonString(body), tc.field) {
			t.Fatalf("PATCH %s: %d %v", tc.body, code, body)
		}
	}
	code, body = ts.api(t, http.MethodPatch, "/api/v1/categories/general", admin, `{"slug":"talk","name":"Talk"}`)
	if code != http.StatusOK || body["slug"] != "talk" || body["name"] != "Talk" || body["description"] != "" {
		t.Fatalf("PATCH rename: %d %v", code, body)
	}
	if code, _ := ts.api(t, http.MethodGet, "/api/v1/categories/talk", "", ""); code != http.StatusOK {
		t.Fatalf("GET new slug: %d", code)
	}
	if code, _ := ts.api(t, http.MethodPatch, "/api/v1/categories/nowhere", admin, `{"name":"x"}`); code != http.StatusNotFound {
		t.Fatalf("PATCH unknown: %d", code)
	}

	for _, q := range []string{"", "?move_to=talk", "?move_to=sub", "?move_to=nowhere"} {
		if code, _ := ts.api(t, http.MethodDelete, "/api/v1/categories/talk"+q, admin, ""); code != http.StatusUnprocessableEntity {
			t.Fatalf("DELETE %s: %d, want 422", q, code)
		}
	}
	code, body = ts.api(t, http.MethodDelete, "/api/v1/categories/talk?move_to=other", admin, "")
	if code != http.StatusOK || body["moved_to"] != "other" || body["moved_threads"] != float64(0) {
		t.Fatalf("DELETE: %d %v", code, body)
	}
	rows, err := ts.Store.AuditEntries(ts.Ctx, models.AuditQuery{TargetType: "category"}, 10)
	if err != nil || len(rows) != 3 {
		t.Fatalf("audit: %d entries, %v", len(rows), err)
	}
}

// jsonString is an API answer as text, for checking what an error names.
func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestStaffOnlyThreadsThroughFormAndAPI(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.browser()
	admin.signup("boss")
	ts.Category("news")
	res := admin.post("/admin/categories/news", url.Values{"name": {"News"}, "slug": {"news"}, "description": {""},
		"color": {"#3b82f6"}, "parent": {""}, "position": {"0"}, "staff_only_threads": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.StatusCode, res.Body)
	}
	if page := admin.get("/admin/categories/news"); !strings.Contains(page.Body, `name="staff_only_threads" value="1" checked`) {
		t.Fatal("the edit form does not show the permission")
	}
	member := ts.token(t, "member1", models.RoleMember)
	code, body := ts.api(t, http.MethodPost, "/api/v1/threads", member, `{"category":"news","title":"Members cannot","body":"start here"}`)
	if code != http.StatusUnprocessableEntity || !strings.Contains(jsonString(body), "only staff") {
		t.Fatalf("member's thread: %d %v", code, body)
	}
	adminTok := ts.token(t, "boss2", models.RoleAdmin)
	code, body = ts.api(t, http.MethodPatch, "/api/v1/categories/news", adminTok, `{"staff_only_threads":false}`)
	if code != http.StatusOK || body["staff_only_threads"] != false {
		t.Fatalf("PATCH: %d %v", code, body)
	}
	if code, body := ts.api(t, http.MethodPost, "/api/v1/threads", member, `{"category":"news","title":"Now members can","body":"start here"}`); code != http.StatusCreated {
		t.Fatalf("member's thread after opening: %d %v", code, body)
	}
}
