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

func TestSandboxedReplyWebFlow(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	th, _ := ts.Thread(ts.User("owner", models.RoleMember), "general", "Say hello here", "Introduce yourself")
	ts.User("amby", models.RoleAmbassador)
	threadPath := fmt.Sprintf("/t/%d", th.ID)

	newbie := ts.browser()
	newbie.signupSandboxed("newbie")
	// Too many links: refused, text kept.
	long := "see [a](https://a.example) [b](https://b.example) [c](https://c.example)"
	if r := newbie.post(threadPath+"/reply", url.Values{"body": {long}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "at most 2 links") || !strings.Contains(r.Body, "https://c.example") {
		t.Fatalf("links: %d", r.StatusCode)
	}
	r := newbie.post(threadPath+"/reply", url.Values{"body": {"Hi all, glad to be here"}})
	if r.StatusCode != http.StatusSeeOther || !strings.HasSuffix(r.Header.Get("Location"), "#pending") {
		t.Fatalf("held reply: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := newbie.get(threadPath); !strings.Contains(r.Body, "glad to be here") || !strings.Contains(r.Body, "Waiting for approval") {
		t.Fatal("author does not see their held reply with a notice")
	}
	anon := ts.browser()
	if r := anon.get(threadPath); strings.Contains(r.Body, "glad to be here") {
		t.Fatal("anonymous visitor sees a held reply")
	}

	amb := ts.browser()
	amb.login("amby")
	q := amb.get("/mod")
	if q.StatusCode != 200 || !strings.Contains(q.Body, "glad to be here") {
		t.Fatalf("ambassador /mod: %d", q.StatusCode)
	}
	m := regexp.MustCompile(`action="/mod/queue/(\d+)/resolve"`).FindStringSubmatch(q.Body)
	if m == nil {
		t.Fatal("no resolve form")
	}
	if r := amb.postRaw("/mod/queue/"+m[1]+"/resolve", url.Values{"action": {"approve"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("approve without CSRF: %d", r.StatusCode)
	}
	if r := amb.post("/mod/queue/"+m[1]+"/resolve", url.Values{"action": {"approve"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", r.StatusCode, r.Body)
	}
	if r := anon.get(threadPath); !strings.Contains(r.Body, "glad to be here") {
		t.Fatal("approved reply not shown to an anonymous visitor (stale cache?)")
	}
}

func TestSandboxedThreadAndVouch(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	ts.User("amby", models.RoleAmbassador)
	newbie := ts.browser()
	newbie.signupSandboxed("newbie")
	r := newbie.post("/new", url.Values{"category": {"general"}, "title": {"My first thread"}, "body": {"Hello there"}})
	loc := r.Header.Get("Location")
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/held/") {
		t.Fatalf("held thread: %d %s", r.StatusCode, loc)
	}
	if p := newbie.get(loc); p.StatusCode != 200 || !strings.Contains(p.Body, "Waiting for approval") || !strings.Contains(p.Body, "Hello there") {
		t.Fatalf("held page: %d", p.StatusCode)
	}
	if p := ts.browser().get(loc); p.StatusCode == 200 {
		t.Fatal("anonymous visitor sees a held thread page")
	}
	if c := ts.browser().get("/c/general"); strings.Contains(c.Body, "My first thread") {
		t.Fatal("held thread listed")
	}

	amb := ts.browser()
	amb.login("amby")
	if p := amb.get("/u/newbie"); !strings.Contains(p.Body, `action="/u/newbie/vouch"`) {
		t.Fatal("no vouch button for an ambassador")
	}
	if p := newbie.get("/u/newbie"); strings.Contains(p.Body, "/vouch") {
		t.Fatal("vouch button shown to the member themself")
	}
	if r := amb.post("/u/newbie/vouch", url.Values{"reason": {"known from the meetup"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("vouch: %d", r.StatusCode)
	}
	if p := amb.get("/u/newbie"); strings.Contains(p.Body, `action="/u/newbie/vouch"`) {
		t.Fatal("vouch button still shown")
	}
	r = newbie.post("/new", url.Values{"category": {"general"}, "title": {"Second thread"}, "body": {"now trusted"}})
	if !strings.HasPrefix(r.Header.Get("Location"), "/t/") {
		t.Fatalf("post after vouch: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
}

func TestAdmissionAPI(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	th, _ := ts.Thread(ts.User("owner", models.RoleMember), "general", "Say hello here", "Introduce yourself")
	mod := ts.token(t, "moddy", models.RoleModerator)
	amb := ts.token(t, "amby", models.RoleAmbassador)
	member := ts.token(t, "plain", models.RoleMember)
	newbieUser := ts.User("newbie", models.RoleMember)
	if err := ts.Svc.SetSandboxed(ts.Ctx, newbieUser.ID, true); err != nil {
		t.Fatal(err)
	}
	newbie, _ := ts.Svc.CreateToken(ts.Ctx, newbieUser.ID, "t")

	code, body := ts.api(t, "POST", fmt.Sprintf("/api/v1/threads/%d/posts", th.ID), newbie, `{"body":"held via the API"}`)
	if code != http.StatusAccepted || body["held"] != true {
		t.Fatalf("held reply: %d %v", code, body)
	}
	if code, _ := ts.api(t, "GET", "/api/v1/mod/queue", member, ""); code != http.StatusForbidden {
		t.Fatalf("member queue: %d", code)
	}
	code, body = ts.api(t, "GET", "/api/v1/mod/queue", amb, "")
	items, _ := body["items"].([]any)
	if code != 200 || len(items) != 1 {
		t.Fatalf("ambassador queue: %d %v", code, body)
	}
	item := items[0].(map[string]any)
	held, _ := item["held_post"].(map[string]any)
	if item["kind"] != "approval" || held == nil || held["body"] != "held via the API" {
		t.Fatalf("item: %v", item)
	}
	code, _ = ts.api(t, "POST", fmt.Sprintf("/api/v1/mod/queue/%v/resolve", item["id"]), amb, `{"action":"approve","note":"ok"}`)
	if code != 200 {
		t.Fatalf("approve: %d", code)
	}
	_, tb := ts.api(t, "GET", fmt.Sprintf("/api/v1/threads/%d", th.ID), "", "")
	if posts, _ := tb["posts"].([]any); len(posts) != 2 {
		t.Fatalf("posts after approval: %v", tb["posts"])
	}

	// Vouch.
	other := ts.User("other", models.RoleMember)
	_ = ts.Svc.SetSandboxed(ts.Ctx, other.ID, true)
	if code, _ := ts.api(t, "POST", "/api/v1/mod/users/other/vouch", member, ""); code != http.StatusForbidden {
		t.Fatalf("member vouch: %d", code)
	}
	if code, b := ts.api(t, "POST", "/api/v1/mod/users/other/vouch", amb, `{"reason":"ok"}`); code != 200 || b["sandboxed"] != false {
		t.Fatalf("vouch: %d %v", code, b)
	}

	// Watched words.
	if code, _ := ts.api(t, "POST", "/api/v1/mod/watched-words", amb, `{"pattern":"casino","action":"block"}`); code != http.StatusForbidden {
		t.Fatalf("ambassador adding a word: %d", code)
	}
	if code, b := ts.api(t, "POST", "/api/v1/mod/watched-words", mod, `{"pattern":"*","action":"block"}`); code != 422 {
		t.Fatalf("bad pattern: %d %v", code, b)
	}
	code, w := ts.api(t, "POST", "/api/v1/mod/watched-words", mod, `{"pattern":"casino","action":"block"}`)
	if code != http.StatusCreated {
		t.Fatalf("add: %d %v", code, w)
	}
	code, b := ts.api(t, "POST", fmt.Sprintf("/api/v1/threads/%d/posts", th.ID), member, `{"body":"visit my casino"}`)
	if fields, _ := b["error"].(map[string]any)["fields"].(map[string]any); code != 422 || !strings.Contains(fmt.Sprint(fields["body"]), "casino") {
		t.Fatalf("blocked post: %d %v", code, b)
	}
	_, list := ts.api(t, "GET", "/api/v1/mod/watched-words", mod, "")
	if ws, _ := list["watched_words"].([]any); len(ws) != 1 {
		t.Fatalf("list: %v", list)
	}
	if code, _ := ts.api(t, "DELETE", fmt.Sprintf("/api/v1/mod/watched-words/%v", w["id"]), mod, ""); code != http.StatusNoContent {
		t.Fatalf("delete: %d", code)
	}
	if code, _ := ts.api(t, "POST", fmt.Sprintf("/api/v1/threads/%d/posts", th.ID), member, `{"body":"visit my casino"}`); code != http.StatusCreated {
		t.Fatalf("post after removal: %d", code)
	}
}

func TestWatchedWordsPage(t *testing.T) {
	ts := newTestServer(t)
	ts.User("moddy", models.RoleModerator)
	member := ts.browser()
	member.signup("member1")
	if r := member.get("/mod/watched-words"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("member: %d", r.StatusCode)
	}
	mod := ts.browser()
	mod.login("moddy")
	if r := mod.postRaw("/mod/watched-words", url.Values{"pattern": {"casino"}, "action": {"block"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("without CSRF: %d", r.StatusCode)
	}
	if r := mod.post("/mod/watched-words", url.Values{"pattern": {"(oops"}, "regex": {"on"}, "action": {"block"}}); r.StatusCode != 422 ||
		!strings.Contains(r.Body, "regular expression") || !strings.Contains(r.Body, "(oops") {
		t.Fatalf("bad regex: %d", r.StatusCode)
	}
	if r := mod.post("/mod/watched-words", url.Values{"pattern": {"darn"}, "action": {"replace"}, "replacement": {"d***"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d %s", r.StatusCode, r.Body)
	}
	page := mod.get("/mod/watched-words")
	m := regexp.MustCompile(`action="/mod/watched-words/(\d+)/delete"`).FindStringSubmatch(page.Body)
	if !strings.Contains(page.Body, "darn") || m == nil {
		t.Fatal("word not listed")
	}
	if r := mod.post("/mod/watched-words/"+m[1]+"/delete", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", r.StatusCode)
	}
	if page := mod.get("/mod/watched-words"); strings.Contains(page.Body, "<code>darn</code>") {
		t.Fatal("removed word still listed")
	}
}
