package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// login logs a browser in as an existing member (password "password123").
func (b *browser) login(name string) {
	b.t.Helper()
	res := b.post("/login", url.Values{"login": {name}, "password": {"password123"}})
	if res.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("login %s: %d %s", name, res.StatusCode, res.Body)
	}
}

func TestModPagesAndForms(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	ts.User("moddy", models.RoleModerator)
	th, p := ts.Thread(ts.User("author", models.RoleMember), "general", "Flag me please", "questionable words")
	threadPath := fmt.Sprintf("/t/%d", th.ID)

	member := ts.browser()
	member.signup("member1")
	if r := member.get("/mod"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("member /mod: %d", r.StatusCode)
	}
	if r := member.get("/mod/audit"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("member /mod/audit: %d", r.StatusCode)
	}
	if r := member.get(threadPath); !strings.Contains(r.Body, fmt.Sprintf(`href="/p/%d/flag"`, p.ID)) || strings.Contains(r.Body, "/lock\"") {
		t.Fatalf("member thread page: want a Flag link and no Lock button")
	}
	if r := member.post(fmt.Sprintf("/mod/threads/%d/lock", th.ID), nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("member lock form: %d", r.StatusCode)
	}
	if r := member.get(fmt.Sprintf("/p/%d/flag", p.ID)); r.StatusCode != 200 || !strings.Contains(r.Body, `name="_csrf"`) {
		t.Fatalf("flag form: %d", r.StatusCode)
	}
	if r := member.postRaw(fmt.Sprintf("/p/%d/flag", p.ID), url.Values{"reason": {"spam"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("flag without CSRF: %d", r.StatusCode)
	}
	if r := member.post(fmt.Sprintf("/p/%d/flag", p.ID), url.Values{"reason": {"bogus"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("flag with bad reason: %d", r.StatusCode)
	}
	if r := member.post(fmt.Sprintf("/p/%d/flag", p.ID), url.Values{"reason": {"off_topic"}, "message": {"not about forums"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("flag: %d %s", r.StatusCode, r.Body)
	}

	mod := ts.browser()
	mod.login("moddy")
	r := mod.get("/mod")
	if r.StatusCode != 200 || !strings.Contains(r.Body, "questionable words") || !strings.Contains(r.Body, "not about forums") || !strings.Contains(r.Body, `name="_csrf"`) {
		t.Fatalf("/mod: %d %s", r.StatusCode, r.Body)
	}
	if !strings.Contains(r.Body, `href="/mod"`) {
		t.Fatal("no Moderation link in the nav for staff")
	}
	q, err := ts.Svc.Queue(ts.Ctx, ts.User("checker", models.RoleAdmin), "", "")
	if err != nil || len(q.Items) != 1 {
		t.Fatalf("queue: %v", err)
	}
	resolve := fmt.Sprintf("/mod/queue/%d/resolve", q.Items[0].ID)
	if r := mod.postRaw(resolve, url.Values{"action": {"hide"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("resolve without CSRF: %d", r.StatusCode)
	}
	if r := member.post(resolve, url.Values{"action": {"hide"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("member resolve: %d", r.StatusCode)
	}
	if r := mod.post(resolve, url.Values{"action": {"hide"}, "note": {"off topic"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("resolve: %d %s", r.StatusCode, r.Body)
	}

	// Thread tools from the thread page.
	if r := mod.get(threadPath); !strings.Contains(r.Body, fmt.Sprintf(`action="/mod/threads/%d/lock"`, th.ID)) || !strings.Contains(r.Body, "only staff see this text") {
		t.Fatalf("staff thread page lacks the Lock form or the hidden marker")
	}
	if r := mod.postRaw(fmt.Sprintf("/mod/threads/%d/lock", th.ID), nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("lock without CSRF: %d", r.StatusCode)
	}
	if r := mod.post(fmt.Sprintf("/mod/threads/%d/lock", th.ID), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("lock: %d", r.StatusCode)
	}
	if r := mod.get(threadPath); !strings.Contains(r.Body, fmt.Sprintf(`action="/mod/threads/%d/unlock"`, th.ID)) {
		t.Fatal("locked thread shows no Unlock form")
	}
	r = mod.get("/mod/audit?action=thread.lock")
	if r.StatusCode != 200 || !strings.Contains(r.Body, `>moddy</a> locked ‘<a href="`) || strings.Contains(r.Body, `hid <a href="/p/`) {
		t.Fatalf("audit page (filtered): %d", r.StatusCode)
	}
	if r := mod.get("/mod/audit"); !strings.Contains(r.Body, fmt.Sprintf(`>moddy</a> hid <a href="/p/%d">a post</a> by <a href="/u/author">author</a> in ‘<a href="%s`, p.ID, threadPath)) || !strings.Contains(r.Body, "from the review queue <span class=\"audit-reason\">— off topic</span>") {
		t.Fatal("audit page lacks the resolution")
	}
}

// A logged-out reader who saw a post must see the placeholder as soon as
// flags hide it: the thread's cached page version has to change.
func TestAutoHideReachesCachedAnonymousPage(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	th, p := ts.Thread(ts.User("author", models.RoleMember), "general", "Cache me", "secret sauce text")
	anon := ts.browser()
	path := fmt.Sprintf("/t/%d", th.ID)
	anon.get(path)
	if r := anon.get(path); r.Header.Get("X-Hearth-Cache") != "hit" || !strings.Contains(r.Body, "secret sauce") {
		t.Fatalf("warm cache: %q", r.Header.Get("X-Hearth-Cache"))
	}
	for _, u := range []*models.User{ts.User("member1", models.RoleMember), ts.User("amba", models.RoleAmbassador)} {
		if _, err := ts.Svc.FlagPost(ts.Ctx, u, p.ID, "spam", ""); err != nil {
			t.Fatal(err)
		}
	}
	r := anon.get(path)
	if strings.Contains(r.Body, "secret sauce") || !strings.Contains(r.Body, "This post is hidden pending review.") {
		t.Fatalf("logged-out reader still sees the hidden post (cache %q)", r.Header.Get("X-Hearth-Cache"))
	}
}
