package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// A conversation from the profile's Message button to the recipient's
// /messages, with the header count, and nobody else's view of it.
func TestMessagesPages(t *testing.T) {
	ts := newTestServer(t)
	ann, bob, eve := ts.browser(), ts.browser(), ts.browser()
	ann.signup("ann")
	bob.signup("bob")
	eve.signup("eve")

	if res := ann.get("/u/bob"); !strings.Contains(res.Body, `href="/messages/new?to=bob"`) {
		t.Fatalf("profile has no Message button: %d", res.StatusCode)
	}
	if res := ann.get("/messages/new?to=bob"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `value="bob"`) {
		t.Fatalf("new message form: %d", res.StatusCode)
	}
	// Without the CSRF token: refused, nothing sent.
	if res := ann.postRaw("/messages/new", url.Values{"to": {"bob"}, "body": {"forged"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("no CSRF: %d", res.StatusCode)
	}
	// An unknown recipient keeps the text.
	res := ann.post("/messages/new", url.Values{"to": {"bob, ghost"}, "body": {"keep this text zqxkeep"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "zqxkeep") || !strings.Contains(res.Body, "ghost") {
		t.Errorf("unknown recipient: %d, text kept %v", res.StatusCode, strings.Contains(res.Body, "zqxkeep"))
	}
	res = ann.post("/messages/new", url.Values{"to": {"@bob"}, "subject": {"Sourdough"}, "body": {"My starter zqxpm died"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d %s", res.StatusCode, res.Body)
	}
	path := res.Header.Get("Location")
	if !strings.HasPrefix(path, "/messages/") {
		t.Fatalf("redirect to %q", path)
	}
	home := bob.get("/")
	if !strings.Contains(home.Body, `aria-label="Messages, 1 unread"`) {
		t.Errorf("bob's header has no unread message count")
	}
	list := bob.get("/messages")
	if !strings.Contains(list.Body, "Sourdough") || !strings.Contains(list.Body, "1 unread") {
		t.Errorf("bob's list: %s", list.Body)
	}
	page := bob.get(path)
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "zqxpm") {
		t.Fatalf("bob reads: %d", page.StatusCode)
	}
	if home := bob.get("/"); strings.Contains(home.Body, `aria-label="Messages, 1 unread"`) {
		t.Errorf("count stayed after reading")
	}
	if res := bob.post(path, url.Values{"body": {"Feed it zqxreply"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("bob replies: %d", res.StatusCode)
	}
	if page := ann.get(path); !strings.Contains(page.Body, "zqxreply") {
		t.Errorf("ann does not see the reply")
	}
	if res := ann.get("/messages?q=feed"); !strings.Contains(res.Body, "zqxreply") {
		t.Errorf("search within own messages found nothing")
	}
	// Someone else: 404 on every conversation route, no marker anywhere.
	for _, r := range []struct{ method, path string }{
		{"GET", path}, {"POST", path}, {"POST", path + "/leave"}, {"POST", path + "/mute"},
	} {
		var res *response
		if r.method == "GET" {
			res = eve.get(r.path)
		} else {
			res = eve.post(r.path, url.Values{"body": {"hi"}})
		}
		if res.StatusCode != http.StatusNotFound || strings.Contains(res.Body, "zqxpm") {
			t.Errorf("eve %s %s: %d", r.method, r.path, res.StatusCode)
		}
	}
	if res := eve.get("/messages?q=zqxpm"); strings.Contains(res.Body, "My starter") {
		t.Errorf("eve's search found ann's message")
	}
	// A visitor is sent to log in.
	if res := ts.browser().get(path); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("visitor: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	// bob blocks ann: her next message is refused, saying why, text kept.
	if res := bob.post("/messages/blocks", url.Values{"username": {"ann"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("block: %d", res.StatusCode)
	}
	res = ann.post(path, url.Values{"body": {"are you there zqxblocked"}})
	if res.StatusCode != http.StatusForbidden || !strings.Contains(res.Body, "do not accept messages from you") || !strings.Contains(res.Body, "zqxblocked") {
		t.Errorf("blocked sender: %d", res.StatusCode)
	}
	// Leaving takes it out of the list.
	if res := bob.post(path+"/leave", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("leave: %d", res.StatusCode)
	}
	if res := bob.get(path); res.StatusCode != http.StatusNotFound {
		t.Errorf("after leaving: %d", res.StatusCode)
	}
}

func TestConversationAPI(t *testing.T) {
	ts := newTestServer(t)
	ann := ts.token(t, "ann", models.RoleMember)
	bob := ts.token(t, "bob", models.RoleMember)
	eve := ts.token(t, "eve", models.RoleMember)
	mod := ts.token(t, "mody", models.RoleAdmin)

	if code, _ := ts.api(t, "GET", "/api/v1/conversations", "", ""); code != http.StatusUnauthorized {
		t.Errorf("visitor list: %d", code)
	}
	if code, _ := ts.api(t, "POST", "/api/v1/conversations", "", `{"participants":["bob"],"body":"x"}`); code != http.StatusUnauthorized {
		t.Errorf("visitor start: %d", code)
	}
	if code, _ := ts.api(t, "POST", "/api/v1/conversations", ann, `{"participants":["bob"],`); code != http.StatusBadRequest {
		t.Errorf("malformed JSON: %d", code)
	}
	if code, _ := ts.api(t, "POST", "/api/v1/conversations", ann, `{"participants":[],"body":"x"}`); code != http.StatusUnprocessableEntity {
		t.Errorf("no participants: %d", code)
	}
	code, out := ts.api(t, "POST", "/api/v1/conversations", ann, `{"participants":["bob"],"subject":"Plans","body":"zqxapi secret"}`)
	if code != http.StatusCreated {
		t.Fatalf("start: %d %v", code, out)
	}
	id := strconv.FormatInt(int64(out["id"].(float64)), 10)
	msgs := "/api/v1/conversations/" + id + "/messages"
	if code, _ := ts.api(t, "GET", msgs, "", ""); code != http.StatusUnauthorized {
		t.Errorf("visitor read: %d", code)
	}
	for _, tok := range []string{eve, mod} {
		if code, out := ts.api(t, "GET", msgs, tok, ""); code != http.StatusNotFound {
			t.Errorf("non-participant read: %d %v", code, out)
		}
		if code, _ := ts.api(t, "POST", msgs, tok, `{"body":"hi"}`); code != http.StatusNotFound {
			t.Errorf("non-participant write: %d", code)
		}
		if _, out := ts.api(t, "GET", "/api/v1/conversations", tok, ""); len(out["conversations"].([]any)) != 0 {
			t.Errorf("non-participant lists it: %v", out)
		}
	}
	if code, _ := ts.api(t, "POST", msgs, bob, `{"body":"zqxanswer"}`); code != http.StatusCreated {
		t.Errorf("bob answers: %d", code)
	}
	code, out = ts.api(t, "GET", msgs, ann, "")
	if code != http.StatusOK {
		t.Fatalf("ann reads: %d", code)
	}
	list := out["messages"].([]any)
	if len(list) != 2 || list[1].(map[string]any)["body"] != "zqxanswer" || list[1].(map[string]any)["author"].(map[string]any)["username"] != "bob" {
		t.Errorf("messages: %v", list)
	}
	_, out = ts.api(t, "GET", "/api/v1/conversations", bob, "")
	convs := out["conversations"].([]any)
	if len(convs) != 1 || convs[0].(map[string]any)["subject"] != "Plans" || len(convs[0].(map[string]any)["participants"].([]any)) != 2 {
		t.Errorf("bob's list: %v", convs)
	}
	if code, _ := ts.api(t, "GET", "/api/v1/conversations/999/messages", ann, ""); code != http.StatusNotFound {
		t.Errorf("missing conversation: %d", code)
	}
}

// A participant reports a message from the conversation page; the /mod
// queue shows that copy (and the API lists it), never the conversation.
func TestReportMessagePage(t *testing.T) {
	ts := newTestServer(t)
	admin, ann, bob, eve := ts.browser(), ts.browser(), ts.browser(), ts.browser()
	admin.signup("boss") // the first account is the administrator
	ann.signup("ann")
	bob.signup("bob")
	eve.signup("eve")
	res := ann.post("/messages/new", url.Values{"to": {"bob"}, "body": {"earlier zqxearly"}})
	path := res.Header.Get("Location")
	ann.post(path, url.Values{"body": {"nasty zqxnasty"}})
	annUser, _ := ts.Store.UserByUsername(ts.Ctx, "ann")
	var msgs []models.Message
	ts.Store.DB(ts.Ctx).Where("user_id = ?", annUser.ID).Order("id").Find(&msgs)
	if len(msgs) != 2 {
		t.Fatalf("messages: %d", len(msgs))
	}
	report := func() url.Values {
		return url.Values{"message": {strconv.FormatInt(msgs[1].ID, 10)}, "reason": {"rude"}}
	}
	if page := bob.get(path); !strings.Contains(page.Body, `action="`+path+`/report"`) {
		t.Errorf("no report form on the conversation page")
	}
	if res := bob.postRaw(path+"/report", report()); res.StatusCode != http.StatusForbidden {
		t.Errorf("report without CSRF: %d", res.StatusCode)
	}
	if res := eve.post(path+"/report", report()); res.StatusCode != http.StatusNotFound {
		t.Errorf("non-participant report: %d", res.StatusCode)
	}
	if res := bob.post(path+"/report", report()); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("report: %d %s", res.StatusCode, res.Body)
	}
	mod := admin.get("/mod")
	if !strings.Contains(mod.Body, "zqxnasty") || !strings.Contains(mod.Body, "zqxearly") || !strings.Contains(mod.Body, "reported a private message") {
		t.Errorf("/mod does not show the reported copy")
	}
	if res := admin.get(path); res.StatusCode != http.StatusNotFound {
		t.Errorf("the administrator opens the conversation: %d", res.StatusCode)
	}
}
