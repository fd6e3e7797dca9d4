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
