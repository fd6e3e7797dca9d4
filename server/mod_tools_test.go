package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// flaggedItem flags the post and returns the id of its queue item.
func flaggedItem(t *testing.T, ts *testServer, postID int64, mod string) int64 {
	t.Helper()
	flagger := ts.token(t, fmt.Sprintf("flagger%d", postID), models.RoleMember)
	if code, body := ts.api(t, "POST", fmt.Sprintf("/api/v1/posts/%d/flags", postID), flagger, `{"reason":"spam"}`); code != http.StatusCreated {
		t.Fatalf("flag: %d %v", code, body)
	}
	_, body := ts.api(t, "GET", "/api/v1/mod/queue", mod, "")
	items := body["items"].([]any)
	return int64(items[len(items)-1].(map[string]any)["id"].(float64))
}

func TestQueueToolsForms(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	modTok := ts.token(t, "moddy", models.RoleModerator)
	th, p := ts.Thread(ts.User("author", models.RoleMember), "general", "Rude thread", "rude words")
	item := flaggedItem(t, ts, p.ID, modTok)
	base := fmt.Sprintf("/mod/queue/%d", item)

	mod := ts.browser()
	mod.login("moddy")
	if r := mod.postRaw(base+"/claim", url.Values{"op": {"claim"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("claim without CSRF: %d", r.StatusCode)
	}
	if r := mod.post(base+"/claim", url.Values{"op": {"claim"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("claim: %d %s", r.StatusCode, r.Body)
	}
	if r := mod.post(base+"/notes", url.Values{"note": {"second time this week"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("note: %d", r.StatusCode)
	}
	if r := mod.post(base+"/notes", url.Values{"note": {"and again"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("note 2: %d", r.StatusCode)
	}
	r := mod.get("/mod?state=claimed")
	if !strings.Contains(r.Body, "claimed by moddy") || !strings.Contains(r.Body, "second time this week") || !strings.Contains(r.Body, "and again") || !strings.Contains(r.Body, "Unclaim") {
		t.Fatalf("claimed queue page: %s", r.Body)
	}
	// Bad input: the error is shown on the item and what was typed stays.
	r = mod.post(base+"/act", url.Values{"op": {"silence"}, "duration": {"soon"}, "reason": {"cool down please"}, "state": {"claimed"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "use a duration like") || !strings.Contains(r.Body, `value="cool down please"`) {
		t.Fatalf("bad duration: %d %s", r.StatusCode, r.Body)
	}
	if r := mod.post(base+"/act", url.Values{"op": {"warn"}, "state": {"claimed"}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "the member reads this") {
		t.Fatalf("warn without reason: %d", r.StatusCode)
	}
	for _, op := range []string{"warn", "lock", "silence"} {
		if r := mod.post(base+"/act", url.Values{"op": {op}, "duration": {"24h"}, "reason": {"be civil"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", op, r.StatusCode, r.Body)
		}
	}
	if got, _ := ts.Store.ThreadByID(ts.Ctx, th.ID); !got.Locked {
		t.Fatal("lock from the queue did not lock")
	}
	author, _ := ts.Store.UserByUsername(ts.Ctx, "author")
	if sn, _ := ts.Svc.ActiveSanction(ts.Ctx, author.ID, models.SanctionSilence); sn == nil || sn.EndsAt == nil || sn.Reason != "be civil" {
		t.Fatalf("silence: %+v", sn)
	}
	if ws, _ := ts.Store.WarningsFor(ts.Ctx, author.ID, 10); len(ws) != 1 || ws[0].Reason != "be civil" || ws[0].PostID != p.ID {
		t.Fatalf("warnings: %+v", ws)
	}
	// A moderator cannot suspend an administrator from the queue.
	_, ap := ts.Thread(ts.User("chief", models.RoleAdmin), "general", "Admin thread", "admin words")
	adminItem := flaggedItem(t, ts, ap.ID, modTok)
	if r := mod.post(fmt.Sprintf("/mod/queue/%d/act", adminItem), url.Values{"op": {"suspend"}, "reason": {"x"}}); r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "equal to or above") {
		t.Fatalf("suspend admin: %d", r.StatusCode)
	}

	// The JSON twins.
	if code, body := ts.api(t, "POST", fmt.Sprintf("/api/v1/mod/queue/%d/notes", adminItem), modTok, `{"note":"api note"}`); code != http.StatusCreated || body["body"] != "api note" {
		t.Fatalf("api note: %d %v", code, body)
	}
	if code, body := ts.api(t, "POST", fmt.Sprintf("/api/v1/mod/queue/%d/claim", adminItem), modTok, ""); code != 200 || body["state"] != "claimed" {
		t.Fatalf("api claim: %d %v", code, body)
	}
	other := ts.token(t, "othermod", models.RoleModerator)
	if code, _ := ts.api(t, "POST", fmt.Sprintf("/api/v1/mod/queue/%d/claim", adminItem), other, ""); code != http.StatusConflict {
		t.Fatalf("claim of a claimed item: %d", code)
	}
	if code, body := ts.api(t, "POST", fmt.Sprintf("/api/v1/mod/queue/%d/act", adminItem), modTok, `{"action":"explode"}`); code != http.StatusUnprocessableEntity {
		t.Fatalf("api bad act: %d %v", code, body)
	}
	member := ts.token(t, "plain", models.RoleMember)
	if code, _ := ts.api(t, "POST", fmt.Sprintf("/api/v1/mod/queue/%d/claim", adminItem), member, ""); code != http.StatusForbidden {
		t.Fatalf("member claim: %d", code)
	}
}

func TestWarningNoticeAndAppeal(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	modTok := ts.token(t, "moddy", models.RoleModerator)
	ts.User("author", models.RoleMember)
	if code, body := ts.api(t, "POST", "/api/v1/mod/users/author/warn", modTok, `{"reason":"please stay on topic"}`); code != http.StatusCreated {
		t.Fatalf("warn: %d %v", code, body)
	}
	member := ts.browser()
	member.login("author")
	if r := member.get("/notifications"); !strings.Contains(r.Body, `href="/notices"`) {
		t.Fatalf("notification: %s", r.Body)
	}
	r := member.get("/notices")
	if r.StatusCode != 200 || !strings.Contains(r.Body, "You were warned") || !strings.Contains(r.Body, "please stay on topic") {
		t.Fatalf("notices: %d %s", r.StatusCode, r.Body)
	}
	ns, _ := ts.Svc.Notices(ts.Ctx, mustUser(t, ts, "author"))
	appeal := fmt.Sprintf("/notices/%d/appeal", ns[0].Entry.ID)
	if r := member.post(appeal, url.Values{"message": {""}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "explain in up to") {
		t.Fatalf("empty appeal: %d", r.StatusCode)
	}
	if r := member.post(appeal, url.Values{"message": {"I was answering a question"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("appeal: %d %s", r.StatusCode, r.Body)
	}
	if r := member.post(appeal, url.Values{"message": {"again"}}); r.StatusCode != http.StatusConflict {
		t.Fatalf("second appeal: %d", r.StatusCode)
	}
	// Someone else cannot appeal this member's action.
	stranger := ts.token(t, "stranger", models.RoleMember)
	if code, _ := ts.api(t, "POST", fmt.Sprintf("/api/v1/notices/%d/appeal", ns[0].Entry.ID), stranger, `{"message":"me too"}`); code != http.StatusNotFound {
		t.Fatalf("stranger appeal: %d", code)
	}

	mod := ts.browser()
	mod.login("moddy")
	r = mod.get("/mod")
	if !strings.Contains(r.Body, "I was answering a question") || !strings.Contains(r.Body, `value="reverse"`) {
		t.Fatalf("appeal not in queue: %s", r.Body)
	}
	_, qb := ts.api(t, "GET", "/api/v1/mod/queue", modTok, "")
	item := qb["items"].([]any)[0].(map[string]any)
	if item["kind"] != "appeal" {
		t.Fatalf("queue item: %v", item)
	}
	// moddy gave the warning: another moderator reviews the appeal.
	resolve := fmt.Sprintf("/mod/queue/%d/resolve", int64(item["id"].(float64)))
	if r := mod.post(resolve, url.Values{"action": {"reverse"}, "note": {"fair point"}}); r.StatusCode != http.StatusForbidden ||
		!strings.Contains(r.Body, "another moderator reviews the appeal") || !strings.Contains(r.Body, `value="reverse"`) {
		t.Fatalf("actor decides appeal: %d %s", r.StatusCode, r.Body)
	}
	code, eb := ts.api(t, "POST", "/api/v1"+resolve, modTok, `{"action":"uphold"}`)
	if e, _ := eb["error"].(map[string]any); code != http.StatusForbidden || e == nil || !strings.Contains(fmt.Sprint(e["message"]), "another moderator") {
		t.Fatalf("actor decides appeal via API: %d %v", code, eb)
	}
	ts.User("reviewer", models.RoleModerator)
	mod = ts.browser()
	mod.login("reviewer")
	if r := mod.post(resolve, url.Values{"action": {"reverse"}, "note": {"fair point"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("reverse: %d %s", r.StatusCode, r.Body)
	}
	ws, _ := ts.Store.WarningsFor(ts.Ctx, mustUser(t, ts, "author").ID, 10)
	if len(ws) != 1 || ws[0].RevokedAt == nil {
		t.Fatalf("warning not revoked: %+v", ws)
	}
	if r := member.get("/notices"); !strings.Contains(r.Body, "granted: the action was reversed") {
		t.Fatalf("notice after reversal: %s", r.Body)
	}
	_, ab := ts.api(t, "GET", "/api/v1/mod/audit?action=appeal.reverse", modTok, "")
	if es := ab["entries"].([]any); len(es) != 1 {
		t.Fatalf("appeal.reverse audit: %v", ab)
	}
}

func mustUser(t *testing.T, ts *testServer, name string) *models.User {
	t.Helper()
	u, err := ts.Store.UserByUsername(ts.Ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSuspendedMemberAppealsAtLogin(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	modTok := ts.token(t, "moddy", models.RoleModerator)
	ts.User("author", models.RoleMember)
	if code, body := ts.api(t, "POST", "/api/v1/mod/users/author/suspend", modTok, `{"duration":"72h","reason":"spamming links"}`); code != 200 {
		t.Fatalf("suspend: %d %v", code, body)
	}
	b := ts.browser()
	r := b.post("/login", url.Values{"login": {"author"}, "password": {"password123"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "spamming links") || !strings.Contains(r.Body, `action="/login/appeal"`) {
		t.Fatalf("suspended login: %d %s", r.StatusCode, r.Body)
	}
	ns, _ := ts.Svc.Notices(ts.Ctx, mustUser(t, ts, "author"))
	auditID := fmt.Sprint(ns[0].Entry.ID)
	// A wrong password gets nowhere, so nobody appeals on another's behalf.
	if r := b.post("/login/appeal", url.Values{"login": {"author"}, "password": {"nope"}, "audit_id": {auditID}, "message": {"sorry"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("wrong password appeal: %d", r.StatusCode)
	}
	if r := b.post("/login/appeal", url.Values{"login": {"author"}, "password": {"password123"}, "audit_id": {auditID}, "message": {"sorry, it was a bot"}}); r.StatusCode != 200 || !strings.Contains(r.Body, "Your appeal was sent") {
		t.Fatalf("appeal: %d %s", r.StatusCode, r.Body)
	}
	if r := b.post("/login", url.Values{"login": {"author"}, "password": {"password123"}}); !strings.Contains(r.Body, "Your appeal (open) was received") {
		t.Fatalf("login after appeal: %s", r.Body)
	}
	_, qb := ts.api(t, "GET", "/api/v1/mod/queue", modTok, "")
	id := int64(qb["items"].([]any)[0].(map[string]any)["id"].(float64))
	if code, body := ts.api(t, "POST", fmt.Sprintf("/api/v1/mod/queue/%d/resolve", id), modTok, `{"action":"approve"}`); code != http.StatusUnprocessableEntity {
		t.Fatalf("appeal resolved with approve: %d %v", code, body)
	}
	// Another moderator decides: moddy took the action.
	if code, body := ts.api(t, "POST", fmt.Sprintf("/api/v1/mod/queue/%d/resolve", id), ts.token(t, "reviewer", models.RoleModerator), `{"action":"reverse","note":"ok"}`); code != 200 {
		t.Fatalf("reverse: %d %v", code, body)
	}
	b.login("author")
}

func TestScopedModeratorThroughAPI(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	ts.Category("other")
	admin := ts.token(t, "chief", models.RoleAdmin)
	catmod := ts.token(t, "helper", models.RoleMember)
	author := ts.User("author", models.RoleMember)
	inTh, inP := ts.Thread(author, "general", "Inside", "inside body")
	outTh, outP := ts.Thread(author, "other", "Outside", "outside body")
	if code, body := ts.api(t, "POST", "/api/v1/admin/users/helper/role", admin, `{"role":"moderator","categories":["nowhere"]}`); code != http.StatusUnprocessableEntity {
		t.Fatalf("unknown category: %d %v", code, body)
	}
	if code, body := ts.api(t, "POST", "/api/v1/admin/users/helper/role", admin, `{"role":"moderator","categories":["general"]}`); code != 200 ||
		body["role"] != "moderator" || fmt.Sprint(body["categories"]) != "[general]" {
		t.Fatalf("scoped role: %d %v", code, body)
	}
	if code, body := ts.api(t, "POST", fmt.Sprintf("/api/v1/mod/threads/%d/lock", inTh.ID), catmod, ""); code != 200 {
		t.Fatalf("lock inside: %d %v", code, body)
	}
	if code, _ := ts.api(t, "POST", fmt.Sprintf("/api/v1/mod/threads/%d/lock", outTh.ID), catmod, ""); code != http.StatusForbidden {
		t.Fatalf("lock outside: %d", code)
	}
	if code, _ := ts.api(t, "POST", fmt.Sprintf("/api/v1/mod/threads/%d/move", inTh.ID), catmod, `{"category":"other"}`); code != http.StatusForbidden {
		t.Fatalf("move out of scope: %d", code)
	}
	if code, _ := ts.api(t, "GET", "/api/v1/mod/audit", catmod, ""); code != http.StatusForbidden {
		t.Fatalf("audit: %d", code)
	}
	flaggedItem(t, ts, inP.ID, admin)
	flaggedItem(t, ts, outP.ID, admin)
	_, qb := ts.api(t, "GET", "/api/v1/mod/queue", catmod, "")
	items := qb["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["post"].(map[string]any)["body"] != "inside body" {
		t.Fatalf("scoped queue: %v", qb)
	}
	b := ts.browser()
	b.login("helper")
	if r := b.get("/mod"); r.StatusCode != 200 || !strings.Contains(r.Body, "inside body") || strings.Contains(r.Body, "outside body") || !strings.Contains(r.Body, `href="/mod"`) {
		t.Fatalf("scoped /mod: %d", r.StatusCode)
	}
	if r := b.get("/mod/users/author"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("scoped member record: %d", r.StatusCode)
	}
}

func TestMemberRecordPage(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	modTok := ts.token(t, "moddy", models.RoleModerator)
	_, p := ts.Thread(ts.User("author", models.RoleMember), "general", "Thread", "flag this")
	item := flaggedItem(t, ts, p.ID, modTok)
	ts.api(t, "POST", fmt.Sprintf("/api/v1/mod/queue/%d/notes", item), modTok, `{"note":"known spammer"}`)
	ts.api(t, "POST", "/api/v1/mod/users/author/silence", modTok, `{"duration":"1h","reason":"cool off"}`)
	mod := ts.browser()
	mod.login("moddy")
	if r := mod.post("/mod/users/author/warn", url.Values{"reason": {"last warning"}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/mod/users/author" {
		t.Fatalf("warn: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := mod.post("/mod/users/author/notes", url.Values{"note": {""}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty note: %d", r.StatusCode)
	}
	if r := mod.post("/mod/users/author/notes", url.Values{"note": {"talked on chat"}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/mod/users/author" {
		t.Fatalf("note: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	r := mod.get("/mod/users/author")
	for _, want := range []string{"spam", "known spammer", "talked on chat", "cool off", "last warning", "user.silence", "user.warn"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("record page lacks %q", want)
		}
	}
	if code, body := ts.api(t, "GET", "/api/v1/mod/users/author", modTok, ""); code != 200 || len(body["flags"].([]any)) != 1 || len(body["notes"].([]any)) != 2 {
		t.Fatalf("record API: %d %v", code, body)
	}
	member := ts.browser()
	member.signup("nosy")
	if r := member.get("/mod/users/author"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("member sees record: %d", r.StatusCode)
	}
}
