package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

var modMenuRe = regexp.MustCompile(`(?s)<details class="mod-menu">\s*<summary class="btn btn-small">Moderate thread</summary>(.*?)</details>`)

// TestThreadModerateMenu: the thread tools sit in one labelled "Moderate
// thread" menu that staff see and members do not, and every tool in it
// still does its job through its existing route.
func TestThreadModerateMenu(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	ts.User("boss", models.RoleAdmin)
	author := ts.User("author", models.RoleMember)
	th, _ := ts.Thread(author, "general", "Starter loaf", "how do I feed it")
	into, _ := ts.Thread(author, "general", "Sourdough help", "all starter questions")
	path := fmt.Sprintf("/t/%d", th.ID)

	member := ts.browser()
	member.login("author")
	if r := member.get(path); strings.Contains(r.Body, `class="mod-menu"`) || strings.Contains(r.Body, "/mod/threads/") {
		t.Fatal("a member sees the Moderate menu")
	}

	staff := ts.browser()
	staff.login("boss")
	r := staff.get(path)
	m := modMenuRe.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatal("staff see no Moderate thread menu")
	}
	base := fmt.Sprintf("/mod/threads/%d/", th.ID)
	for _, action := range []string{base + "lock", base + "pin", base + "pin_global", base + "slow_mode", base + "merge", base + "fetch_replies", fmt.Sprintf("/t/%d/meta", th.ID)} {
		if !strings.Contains(m[1], `action="`+action+`"`) {
			t.Errorf("the menu lacks %s", action)
		}
		if strings.Count(r.Body, `action="`+action+`"`) != 1 {
			t.Errorf("%s is also outside the menu", action)
		}
	}
	for _, lbl := range []string{`<label for="slow-`, `<label for="merge-`, `<label for="meta-title-`, `<label for="meta-tags-`} {
		if !strings.Contains(m[1], lbl) {
			t.Errorf("the menu lacks %s", lbl)
		}
	}

	post := func(action string, form url.Values) {
		t.Helper()
		if res := staff.post(action, form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", action, res.StatusCode, res.Body)
		}
	}
	post(base+"lock", nil)
	post(base+"pin", nil)
	post(base+"pin_global", nil)
	post(base+"slow_mode", url.Values{"interval": {"10m"}})
	post(fmt.Sprintf("/t/%d/meta", th.ID), url.Values{"title": {"Starter loaf, fed daily"}, "tags": {"sourdough"}})
	got, err := ts.Store.ThreadByID(ts.Ctx, th.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Locked || !got.Pinned || !got.PinnedGlobal || got.SlowModeSeconds != 600 || got.Title != "Starter loaf, fed daily" {
		t.Fatalf("the tools did not act: %+v", got)
	}
	if r := staff.get(path); !strings.Contains(r.Body, `action="`+base+`unlock"`) || !strings.Contains(r.Body, `action="`+base+`unpin_global"`) {
		t.Error("the menu does not offer Unlock and Unpin from home after acting")
	}
	post(base+"merge", url.Values{"into": {fmt.Sprint(into.ID)}})
	if got, err := ts.Store.ThreadByID(ts.Ctx, th.ID); err != nil || got.MergedIntoID == nil || *got.MergedIntoID != into.ID {
		t.Fatalf("merge did not act: %+v %v", got, err)
	}
}

// TestPostModerateMenu: each post has its own Moderate menu for staff with
// a labelled reason the author will see; all menus share the page's one
// form, so the reason typed under one post must reach that post alone.
func TestPostModerateMenu(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	ts.User("boss", models.RoleAdmin)
	author := ts.User("author", models.RoleMember)
	th, p1 := ts.Thread(author, "general", "Starter loaf", "how do I feed it")
	p2 := ts.Reply(author, th.ID, "buy watches")
	path := fmt.Sprintf("/t/%d", th.ID)

	member := ts.browser()
	member.login("author")
	if r := member.get(path); strings.Contains(r.Body, "post-mod-menu") {
		t.Fatal("a member sees a post's Moderate menu")
	}
	staff := ts.browser()
	staff.login("boss")
	r := staff.get(path)
	for _, p := range []*models.Post{p1, p2} {
		want := fmt.Sprintf(`<label for="mod-reason-%d">Reason, shown to the author</label>`, p.ID)
		if !strings.Contains(r.Body, want) || !strings.Contains(r.Body, fmt.Sprintf(`name="reason_%d" form="post-action"`, p.ID)) {
			t.Errorf("post %d has no labelled reason in its menu", p.ID)
		}
	}
	form := url.Values{"on": {"1"}, fmt.Sprintf("reason_%d", p1.ID): {""}, fmt.Sprintf("reason_%d", p2.ID): {"selling watches"}}
	if res := staff.post(fmt.Sprintf("/p/%d/hide", p2.ID), form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("hide: %d", res.StatusCode)
	}
	form = url.Values{fmt.Sprintf("reason_%d", p1.ID): {"wrong post"}, fmt.Sprintf("reason_%d", p2.ID): {"duplicate"}}
	if res := staff.post(fmt.Sprintf("/p/%d/delete", p2.ID), form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	for action, want := range map[string]string{"post.hide": "selling watches", "post.delete": "duplicate"} {
		es, err := ts.Store.AuditEntries(ts.Ctx, models.AuditQuery{Action: action}, 5)
		if err != nil || len(es) != 1 || es[0].TargetID != p2.ID || es[0].Reason != want {
			t.Errorf("%s: %+v %v, want reason %q on post %d", action, es, err, want, p2.ID)
		}
	}
}

// TestStaffNavIsCompact: the staff links are marked nav-staff (app.css
// shows them as icons from 1024 px so the header stays one row at 1366 px;
// measured in headless Chromium) and keep their text labels and titles.
func TestStaffNavIsCompact(t *testing.T) {
	ts := newTestServer(t)
	ts.User("boss", models.RoleAdmin)
	ts.User("plain", models.RoleMember)
	admin := ts.browser()
	admin.login("boss")
	r := admin.get("/")
	for href, label := range map[string]string{"/mod": "Moderation", "/community": "Community", "/admin": "Admin"} {
		re := regexp.MustCompile(`<li class="nav-staff"><a class="nav-icon" href="` + href + `" title="` + label + `"><svg[^>]*>.*?</svg><span class="nav-label">` + label + `</span></a></li>`)
		if !re.MatchString(r.Body) {
			t.Errorf("the %s link is not a labelled staff icon", href)
		}
	}
	member := ts.browser()
	member.login("plain")
	if r := member.get("/"); strings.Contains(r.Body, "nav-staff") {
		t.Error("a member's nav has staff links")
	}
}
