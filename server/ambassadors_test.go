package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

func TestAmbassadorProgrammePages(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	ts.User("chief", models.RoleAdmin)
	modTok := ts.token(t, "moddy", models.RoleModerator)
	helper := ts.User("helper", models.RoleMember)
	newbie := ts.User("newbie", models.RoleMember)
	th, _ := ts.Thread(newbie, "general", "First question", "hello all")
	ts.Reply(helper, th.ID, "welcome, here is how")

	admin := ts.browser()
	admin.login("chief")
	r := admin.get("/mod/ambassadors")
	if r.StatusCode != 200 || !strings.Contains(r.Body, "First responses to newcomers") || !strings.Contains(r.Body, `href="/u/helper"`) {
		t.Fatalf("candidates page: %d %s", r.StatusCode, r.Body)
	}
	if r := admin.post("/mod/ambassadors", url.Values{"username": {"helper"}, "categories": {"nowhere"}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `value="nowhere"`) {
		t.Fatalf("bad category: %d", r.StatusCode)
	}
	if r := admin.postRaw("/mod/ambassadors", url.Values{"username": {"helper"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("appoint without CSRF: %d", r.StatusCode)
	}
	if r := admin.post("/mod/ambassadors", url.Values{"username": {"helper"}, "categories": {"general"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("appoint: %d %s", r.StatusCode, r.Body)
	}
	// The badge shows on their posts (the fragment cache keys on role) and profile.
	if r := ts.browser().get(fmt.Sprintf("/t/%d", th.ID)); !strings.Contains(r.Body, "badge-ambassador") {
		t.Fatal("no ambassador badge on the thread page")
	}
	if r := ts.browser().get("/u/helper"); !strings.Contains(r.Body, "badge-ambassador") {
		t.Fatal("no ambassador badge on the profile")
	}
	if r := admin.get("/mod/ambassadors"); !strings.Contains(r.Body, "<td>general</td>") {
		t.Fatalf("activity lacks the ambassador: %s", r.Body)
	}
	member := ts.browser()
	member.signup("plain")
	if r := member.get("/mod/ambassadors"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("member reads ambassadors: %d", r.StatusCode)
	}
	mod := ts.browser()
	mod.login("moddy")
	if r := mod.get("/mod/ambassadors"); r.StatusCode != 200 || strings.Contains(r.Body, "Appoint an ambassador") {
		t.Fatalf("moderator sees appointments: %d", r.StatusCode)
	}
	_ = modTok

	amb := ts.browser()
	amb.login("helper")
	if r := amb.get(fmt.Sprintf("/t/%d", th.ID)); !strings.Contains(r.Body, fmt.Sprintf(`action="/t/%d/meta"`, th.ID)) {
		t.Fatal("ambassador has no title/tags form")
	}
	if r := amb.post(fmt.Sprintf("/t/%d/meta", th.ID), url.Values{"title": {"How to get started"}, "tags": {"start newcomers"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit meta: %d %s", r.StatusCode, r.Body)
	}
	if got, _ := ts.Store.ThreadByID(ts.Ctx, th.ID); got.Title != "How to get started" {
		t.Fatalf("title: %s", got.Title)
	}
	plain := ts.token(t, "plain2", models.RoleMember)
	if code, _ := ts.api(t, "PATCH", fmt.Sprintf("/api/v1/threads/%d", th.ID), plain, `{"title":"hijacked"}`); code != http.StatusForbidden {
		t.Fatalf("member PATCH thread: %d", code)
	}
}

// TestAppointUnknownMember: a mistyped username in the appoint form comes
// back as the form with what was typed and a field error, not a 404 page.
func TestAppointUnknownMember(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	ts.User("chief", models.RoleAdmin)
	admin := ts.browser()
	admin.login("chief")
	r := admin.post("/mod/ambassadors", url.Values{"username": {"nobody-here"}, "categories": {"general"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("unknown username: %d, want 422", r.StatusCode)
	}
	for _, want := range []string{`value="nobody-here"`, `value="general"`, "no member is called that", `aria-invalid="true"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
}
