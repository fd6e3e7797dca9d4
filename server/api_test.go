package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

func TestAPIForumLifecycle(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.token(t, "root1", models.RoleAdmin)
	member := ts.token(t, "member1", models.RoleMember)
	other := ts.token(t, "member2", models.RoleMember)

	if code, body := ts.api(t, "POST", "/api/v1/categories", member, `{"name":"Nope"}`); code != http.StatusForbidden || errCode(body) != "forbidden" {
		t.Fatalf("member created category: %d %v", code, body)
	}
	code, body := ts.api(t, "POST", "/api/v1/categories", admin, `{"name":"Help","slug":"help","description":"Ask"}`)
	if code != http.StatusCreated || body["slug"] != "help" {
		t.Fatalf("create category: %d %v", code, body)
	}
	if code, body := ts.api(t, "GET", "/api/v1/categories", "", ""); code != 200 || len(body["categories"].([]any)) != 1 {
		t.Fatalf("list categories: %d %v", code, body)
	}
	if code, _ := ts.api(t, "POST", "/api/v1/threads", "", `{"category":"help","title":"Anon","body":"x"}`); code != http.StatusUnauthorized {
		t.Fatalf("anonymous thread: %d", code)
	}
	code, body = ts.api(t, "POST", "/api/v1/threads", member, `{"category":"help","title":"API thread","body":"Hello *api*","tags":["api"]}`)
	if code != http.StatusCreated || body["id"] == nil || body["first_post_id"] == nil || !strings.HasPrefix(body["url"].(string), "http://forum.test/t/") {
		t.Fatalf("create thread: %d %v", code, body)
	}
	tid := int64(body["id"].(float64))
	first := int64(body["first_post_id"].(float64))

	code, body = ts.api(t, "POST", fmt.Sprintf("/api/v1/threads/%d/posts", tid), other, fmt.Sprintf(`{"body":"An answer","reply_to":%d}`, first))
	if code != http.StatusCreated || body["number"] != float64(2) || body["url"] == nil {
		t.Fatalf("reply: %d %v", code, body)
	}
	reply := int64(body["id"].(float64))

	code, body = ts.api(t, "GET", fmt.Sprintf("/api/v1/threads/%d", tid), "", "")
	posts, _ := body["posts"].([]any)
	if code != 200 || len(posts) != 2 {
		t.Fatalf("get thread: %d %v", code, body)
	}
	p0 := posts[0].(map[string]any)
	for _, k := range []string{"id", "number", "author", "body", "html", "created_at"} {
		if _, ok := p0[k]; !ok {
			t.Errorf("post lacks %q", k)
		}
	}
	if p0["html"] != "<p>Hello <em>api</em></p>\n" && !strings.Contains(p0["html"].(string), "<em>api</em>") {
		t.Fatalf("html: %v", p0["html"])
	}
	if code, body := ts.api(t, "GET", "/api/v1/categories/help/threads", "", ""); code != 200 || len(body["threads"].([]any)) != 1 {
		t.Fatalf("category threads: %d %v", code, body)
	}

	if code, _ := ts.api(t, "PATCH", fmt.Sprintf("/api/v1/posts/%d", reply), member, `{"body":"hijack"}`); code != http.StatusForbidden {
		t.Fatalf("edit someone else's post: %d", code)
	}
	if code, body := ts.api(t, "PATCH", fmt.Sprintf("/api/v1/posts/%d", reply), other, `{"body":"A better answer"}`); code != 200 || body["body"] != "A better answer" || body["edited_at"] == nil {
		t.Fatalf("edit: %d %v", code, body)
	}
	if code, body := ts.api(t, "GET", fmt.Sprintf("/api/v1/posts/%d/revisions", reply), "", ""); code != 200 || len(body["revisions"].([]any)) != 1 {
		t.Fatalf("revisions: %d %v", code, body)
	}
	if code, body := ts.api(t, "POST", fmt.Sprintf("/api/v1/posts/%d/like", reply), member, ""); code != 200 || body["like_count"] != float64(1) {
		t.Fatalf("like: %d %v", code, body)
	}
	if code, _ := ts.api(t, "DELETE", fmt.Sprintf("/api/v1/posts/%d", reply), other, ""); code != http.StatusNoContent {
		t.Fatalf("delete: %d", code)
	}
	if code, body := ts.api(t, "GET", fmt.Sprintf("/api/v1/posts/%d", reply), "", ""); code != 200 || body["deleted"] != true || body["body"] != "" {
		t.Fatalf("deleted post: %d %v", code, body)
	}
	if code, body := ts.api(t, "GET", "/api/v1/tags/api", "", ""); code != 200 || len(body["threads"].([]any)) != 1 {
		t.Fatalf("tag: %d %v", code, body)
	}
	if code, body := ts.api(t, "GET", "/api/v1/search?q=hello", "", ""); code != 200 || len(body["posts"].([]any)) != 1 {
		t.Fatalf("search: %d %v", code, body)
	}
}

func TestAPIErrors(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.token(t, "member1", models.RoleMember)
	ts.Category("help")
	cases := []struct {
		name, method, path, token, body string
		status                          int
		code                            string
	}{
		{"malformed json", "POST", "/api/v1/threads", tok, `{"title":`, 400, "malformed_json"},
		{"wrong type", "POST", "/api/v1/threads", tok, `{"title":42}`, 400, "malformed_json"},
		{"empty body", "POST", "/api/v1/threads", tok, ``, 400, "malformed_json"},
		{"validation", "POST", "/api/v1/threads", tok, `{"category":"help","title":"","body":""}`, 422, "validation_failed"},
		{"unknown category", "POST", "/api/v1/threads", tok, `{"category":"nope","title":"Hello","body":"x"}`, 422, "validation_failed"},
		{"missing thread", "GET", "/api/v1/threads/424242", "", "", 404, "not_found"},
		{"bad id", "GET", "/api/v1/threads/abc", "", "", 404, "not_found"},
		{"unknown route", "GET", "/api/v1/nothing-here", "", "", 404, "not_found"},
		{"bad token", "GET", "/api/v1/me", "hth_wrong", "", 401, "unauthorized"},
		{"no auth", "POST", "/api/v1/threads/1/posts", "", `{"body":"x"}`, 401, "unauthorized"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, body := ts.api(t, tc.method, tc.path, tc.token, tc.body)
			if code != tc.status || errCode(body) != tc.code {
				t.Fatalf("got %d %v, want %d %s", code, body, tc.status, tc.code)
			}
			if msg, _ := body["error"].(map[string]any)["message"].(string); msg == "" {
				t.Fatal("error without message")
			}
		})
	}
	// A browser session (cookie) calling the API must send the CSRF header.
	b := ts.browser()
	b.signup("cookieuser")
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/threads", strings.NewReader(`{"category":"help","title":"Via cookie","body":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if r := b.do(req); r.StatusCode != http.StatusForbidden {
		t.Fatalf("cookie API POST without CSRF header: %d", r.StatusCode)
	}
	req, _ = http.NewRequest("POST", ts.URL+"/api/v1/threads", strings.NewReader(`{"category":"help","title":"Via cookie","body":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", b.csrf())
	if r := b.do(req); r.StatusCode != http.StatusCreated {
		t.Fatalf("cookie API POST with CSRF header: %d %s", r.StatusCode, r.Body)
	}
}

func errCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}
