package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

func TestAmbassadorsPrivateCategory(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	ts.User("chief", models.RoleAdmin)
	admin := ts.browser()
	admin.login("chief")
	if r := admin.post("/admin/categories", url.Values{"name": {"Ambassadors"}, "slug": {"ambassadors"}, "ambassadors_only": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create private category: %d %s", r.StatusCode, r.Body)
	}
	amb := ts.User("amb", models.RoleAmbassador)
	th, p := ts.Thread(amb, "ambassadors", "Secret roadmap", "zanzibar plans")

	anon := ts.browser()
	member := ts.browser()
	member.signup("plain")
	for _, b := range []*browser{anon, member} {
		for _, path := range []string{"/c/ambassadors", fmt.Sprintf("/t/%d", th.ID), fmt.Sprintf("/p/%d", p.ID), "/c/ambassadors/feed.rss", fmt.Sprintf("/t/%d/feed.rss", th.ID)} {
			if r := b.get(path); r.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d", path, r.StatusCode)
			}
		}
		for _, path := range []string{"/", "/search?q=zanzibar"} {
			if r := b.get(path); strings.Contains(r.Body, "Secret roadmap") || strings.Contains(r.Body, "zanzibar plans") || strings.Contains(r.Body, `href="/c/ambassadors"`) {
				t.Errorf("%s leaks the private category", path)
			}
		}
	}
	if r := member.post(fmt.Sprintf("/t/%d/reply", th.ID), url.Values{"body": {"let me in"}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("member reply: %d", r.StatusCode)
	}
	tok := ts.token(t, "plain2", models.RoleMember)
	if code, _ := ts.api(t, "POST", "/api/v1/threads", tok, `{"category":"ambassadors","title":"Sneaky thread","body":"hi"}`); code != http.StatusUnprocessableEntity {
		t.Errorf("member posts into the private category: %d", code)
	}
	if _, body := ts.api(t, "GET", "/api/v1/categories", tok, ""); strings.Contains(fmt.Sprint(body), "ambassadors") {
		t.Errorf("categories API lists the private category: %v", body)
	}

	ab := ts.browser()
	ab.login("amb")
	if r := ab.get("/"); !strings.Contains(r.Body, `href="/c/ambassadors"`) {
		t.Error("ambassador's home lacks the private category")
	}
	if r := ab.get("/c/ambassadors"); r.StatusCode != 200 || !strings.Contains(r.Body, "Secret roadmap") {
		t.Errorf("ambassador category page: %d", r.StatusCode)
	}
	if r := ab.post(fmt.Sprintf("/t/%d/reply", th.ID), url.Values{"body": {"on it"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("ambassador reply: %d", r.StatusCode)
	}
	if r := admin.get(fmt.Sprintf("/t/%d", th.ID)); r.StatusCode != 200 {
		t.Errorf("admin thread page: %d", r.StatusCode)
	}
}
