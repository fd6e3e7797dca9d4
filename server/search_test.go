package server_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// TestSearchPageHighlightsFiltersAndPages: the page shows the count, the
// author's HTML escaped around <mark>, keeps bad filters with their error
// (422), never shows a private category, and its "Next results" links walk
// every match once.
func TestSearchPageHighlightsFiltersAndPages(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("garden")
	admin := ts.User("boss", models.RoleAdmin)
	if _, err := ts.Svc.CreateCategory(ts.Ctx, admin, forum.CategoryInput{Name: "Inner", Slug: "inner", AmbassadorsOnly: true}); err != nil {
		t.Fatal(err)
	}
	alice := ts.User("alice", models.RoleMember)
	th, _ := ts.Thread(alice, "garden", "Radish rows", "Radish <script>alert(1)</script> seeds")
	for i := 0; i < 24; i++ {
		ts.Reply(alice, th.ID, fmt.Sprintf("radish note %d", i))
	}
	ts.Thread(admin, "inner", "Radish secret", "radish plans for staff")
	b := ts.browser()

	r := b.get("/search?q=radish&type=posts")
	if r.StatusCode != 200 || !strings.Contains(r.Body, "25 posts found") {
		t.Fatalf("count: %d %s", r.StatusCode, r.Body)
	}
	if r2 := b.get("/search?q=seeds"); !strings.Contains(r2.Body, "&lt;script&gt;alert(1)&lt;/script&gt; <mark>seeds</mark>") || strings.Contains(r2.Body, "<script>alert") {
		t.Fatalf("snippet not escaped and highlighted: %s", r2.Body)
	}
	seen := map[string]bool{}
	next := regexp.MustCompile(`href="(/search\?[^"]*after=[^"]*)" rel="next"`)
	post := regexp.MustCompile(`href="/p/(\d+)"`)
	for page := 0; ; page++ {
		if strings.Contains(r.Body, "secret") || strings.Contains(r.Body, "Inner") {
			t.Fatalf("private category on the search page")
		}
		for _, m := range post.FindAllStringSubmatch(r.Body, -1) {
			if seen[m[1]] {
				t.Fatalf("post %s twice", m[1])
			}
			seen[m[1]] = true
		}
		m := next.FindStringSubmatch(r.Body)
		if m == nil {
			break
		}
		if page > 3 {
			t.Fatal("paging does not end")
		}
		u := strings.ReplaceAll(m[1], "&amp;", "&")
		if q, _ := url.ParseQuery(u[len("/search?"):]); q.Get("type") != "posts" {
			t.Fatalf("next link lost the filter: %s", u)
		}
		r = b.get(u)
	}
	if len(seen) != 25 {
		t.Fatalf("saw %d of 25 posts", len(seen))
	}

	r = b.get("/search?q=radish&from=soon&author=alice")
	if r.StatusCode != 422 || !strings.Contains(r.Body, "use a date like") || !strings.Contains(r.Body, `value="alice"`) || !strings.Contains(r.Body, `value="soon"`) {
		t.Fatalf("bad date: %d %s", r.StatusCode, r.Body)
	}
	r = b.get("/search?q=radish&category=inner")
	if strings.Contains(r.Body, "secret") || !strings.Contains(r.Body, "0 threads and 0 posts") {
		t.Fatalf("private category by name: %s", r.Body)
	}

	code, out := ts.api(t, "GET", "/api/v1/search?q=radish&type=posts&sort=date", "", "")
	if code != 200 || out["post_count"].(float64) != 25 || out["next"] == "" {
		t.Fatalf("api: %d %v", code, out)
	}
	first := out["posts"].([]any)[0].(map[string]any)
	if !strings.Contains(first["snippet_html"].(string), "<mark>radish</mark>") {
		t.Fatalf("api snippet: %v", first)
	}
	code, out = ts.api(t, "GET", "/api/v1/search?q=radish&sort=likes", "", "")
	if code != 422 {
		t.Fatalf("api bad sort: %d %v", code, out)
	}
}
