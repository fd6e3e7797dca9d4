package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// Deleting someone else's post from the thread page is a moderation
// action: audited as post.delete with the moderator and reason, shown on
// the author's /notices, appealable, and reversing the appeal restores the
// post. Deleting one's own post is not audited and makes no notice.
func TestThreadPageDeleteIsAuditedAndAppealable(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	ts.User("moddy", models.RoleModerator)
	ts.User("reviewer", models.RoleModerator)
	author := ts.User("author", models.RoleMember)
	th, _ := ts.Thread(author, "general", "Bread", "how to bake")
	own := ts.Reply(author, th.ID, "my own second thoughts")
	victim := ts.Reply(author, th.ID, "buy my bread at example.com")

	member := ts.browser()
	member.login("author")
	if r := member.post(fmt.Sprintf("/p/%d/delete", own.ID), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("own delete: %d", r.StatusCode)
	}
	if auditHas(t, ts, "post.delete", own.ID) {
		t.Fatal("a member deleting their own post was audited as moderation")
	}
	if r := member.get("/notices"); strings.Contains(r.Body, "deleted by a moderator") {
		t.Fatalf("own delete made a notice: %s", r.Body)
	}

	mod := ts.browser()
	mod.login("moddy")
	if r := mod.post(fmt.Sprintf("/p/%d/delete", victim.ID), url.Values{"reason": {"advertising"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("moderator delete: %d %s", r.StatusCode, r.Body)
	}
	if !auditHas(t, ts, "post.delete", victim.ID) {
		t.Fatal("moderator's delete from the thread page was not audited")
	}
	r := member.get("/notices")
	if !strings.Contains(r.Body, "Your post was deleted by a moderator") || !strings.Contains(r.Body, "advertising") {
		t.Fatalf("notices lack the deletion: %s", r.Body)
	}
	ns, err := ts.Svc.Notices(ts.Ctx, author)
	if err != nil || len(ns) != 1 || ns[0].Entry.Action != "post.delete" || ns[0].Entry.ActorID != mustUser(t, ts, "moddy").ID {
		t.Fatalf("notices: %+v %v", ns, err)
	}
	if r := member.post(fmt.Sprintf("/notices/%d/appeal", ns[0].Entry.ID), url.Values{"message": {"it was a recipe"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("appeal: %d %s", r.StatusCode, r.Body)
	}
	_, qb := ts.api(t, "GET", "/api/v1/mod/queue", ts.token(t, "queuereader", models.RoleModerator), "")
	items, _ := qb["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("queue: %v", qb)
	}
	rev := ts.browser()
	rev.login("reviewer")
	resolve := fmt.Sprintf("/mod/queue/%d/resolve", int64(items[0].(map[string]any)["id"].(float64)))
	if r := rev.post(resolve, url.Values{"action": {"reverse"}, "note": {"fair"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("reverse: %d %s", r.StatusCode, r.Body)
	}
	p, err := ts.Store.PostByID(ts.Ctx, victim.ID)
	if err != nil || p.DeletedAt != nil {
		t.Fatalf("post not restored by the reversed appeal: %+v %v", p, err)
	}
}
