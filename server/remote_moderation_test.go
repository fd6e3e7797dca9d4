package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// TestRemoteModeration: a flagged remote post offers "forward" and "block"
// in the queue; both work by form and API; a remote-user block is listed,
// audited and lifted by moderators only; the public page lists instance
// blocks with their reasons.
func TestRemoteModeration(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	alice := ts.User("alice", models.RoleMember)
	thread, first := ts.Thread(alice, "general", "Hello", "First post.")
	actor, err := ts.Store.UpsertRemoteActor(ts.Ctx, &models.RemoteActor{
		APID: "https://mastodon.example/users/spammer", Inbox: "https://mastodon.example/users/spammer/inbox",
		PreferredUsername: "spammer", Domain: "mastodon.example",
	})
	remoteModOK(t, err)
	spammer, err := ts.Svc.RemoteUser(ts.Ctx, actor)
	remoteModOK(t, err)
	post, err := ts.Svc.ReplyFromRemote(ts.Ctx, spammer, thread.ID, first.ID, forum.RemoteNote{
		APID: "https://mastodon.example/users/spammer/statuses/1", HTML: "<p>cheap pills</p>"})
	remoteModOK(t, err)
	_, err = ts.Svc.FlagPost(ts.Ctx, alice, post.ID, "spam", "")
	remoteModOK(t, err)
	item, err := ts.Store.UnresolvedQueueItem(ts.Ctx, post.ID)
	remoteModOK(t, err)

	ts.User("moddy", models.RoleModerator)
	mod := ts.browser()
	mod.login("moddy")
	page := mod.get("/mod").Body
	for _, want := range []string{fmt.Sprintf(`action="/mod/queue/%d/forward"`, item.ID), `value="spammer@mastodon.example"`, "Forward report to mastodon.example"} {
		if !strings.Contains(page, want) {
			t.Errorf("queue page lacks %q", want)
		}
	}
	if r := mod.postRaw(fmt.Sprintf("/mod/queue/%d/forward", item.ID), url.Values{"comment": {"x"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("forward without CSRF: %d", r.StatusCode)
	}
	if r := mod.post(fmt.Sprintf("/mod/queue/%d/forward", item.ID), url.Values{"comment": {"please look"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("forward form: %d %s", r.StatusCode, r.Body)
	}
	if r := mod.post("/mod/remote-blocks", url.Values{"actor": {"spammer@mastodon.example"}, "reason": {"pills"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("block form: %d %s", r.StatusCode, r.Body)
	}

	member := ts.token(t, "member1", models.RoleMember)
	modTok := ts.token(t, "moddy2", models.RoleModerator)
	for _, c := range []struct {
		method, path, token, body string
		want                      int
	}{
		{"GET", "/api/v1/mod/remote-blocks", member, ``, 403},
		{"POST", "/api/v1/mod/remote-blocks", member, `{"actor":"https://x.example/users/y"}`, 403},
		{"POST", "/api/v1/mod/remote-blocks", modTok, `{"actor":"nobody here"}`, 422},
		{"POST", "/api/v1/mod/remote-blocks", modTok, `{"actor":"http://` + remoteModHost(ts.Cfg.URL) + `/u/alice"}`, 422},
		{"POST", "/api/v1/mod/remote-blocks", modTok, `{"actor":"https://x.example/users/y","reason":"abuse"}`, 200},
		{"POST", fmt.Sprintf("/api/v1/mod/queue/%d/forward", item.ID), member, `{"comment":"x"}`, 403},
		{"POST", fmt.Sprintf("/api/v1/mod/queue/%d/forward", item.ID), modTok, `{"comment":"again"}`, 200},
		{"POST", "/api/v1/mod/queue/999999/forward", modTok, `{}`, 404},
	} {
		if code, body := ts.api(t, c.method, c.path, c.token, c.body); code != c.want {
			t.Errorf("%s %s: %d, want %d: %v", c.method, c.path, code, c.want, body)
		}
	}
	code, body := ts.api(t, "GET", "/api/v1/mod/remote-blocks", modTok, "")
	blocks, _ := body["blocks"].([]any)
	if code != 200 || len(blocks) != 2 {
		t.Fatalf("remote blocks: %d %v", code, body)
	}
	first0 := blocks[1].(map[string]any) // newest first: the form's block is second
	if first0["actor"] != actor.APID || first0["reason"] != "pills" {
		t.Errorf("block from the form: %v", first0)
	}
	id := int64(first0["id"].(float64))
	if code, _ := ts.api(t, "DELETE", fmt.Sprintf("/api/v1/mod/remote-blocks/%d", id), member, ""); code != 403 {
		t.Errorf("member unblock: %d", code)
	}
	if code, _ := ts.api(t, "DELETE", fmt.Sprintf("/api/v1/mod/remote-blocks/%d", id), modTok, ""); code != 204 {
		t.Errorf("unblock: %d", code)
	}
	var n int64
	ts.Store.DB(ts.Ctx).Model(&models.AuditEntry{}).Where("action IN ('remote_user.block','remote_user.unblock','queue.forward')").Count(&n)
	if n != 5 { // two blocks, one unblock, two forwards
		t.Errorf("audit entries: %d", n)
	}

	// The public list of blocked instances, for anyone.
	admin := ts.User("boss", models.RoleAdmin)
	_, err = ts.Svc.BlockInstance(ts.Ctx, admin, "bad.example", models.BlockSuspend, "harassment campaign")
	remoteModOK(t, err)
	r := ts.browser().get("/instances/blocked")
	if r.StatusCode != 200 || !strings.Contains(r.Body, "bad.example") || !strings.Contains(r.Body, "harassment campaign") {
		t.Errorf("/instances/blocked: %d %s", r.StatusCode, r.Body)
	}
}

func remoteModHost(u string) string {
	parsed, _ := url.Parse(u)
	return parsed.Host
}

func remoteModOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
