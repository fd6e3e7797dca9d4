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

// A category moderator gets Edit, Delete and Hide under others' posts in
// the categories they moderate, and nowhere else; the buttons work, and the
// fragment cache never hands one viewer's buttons to another.
func TestCategoryModeratorButtonsOnThreadPage(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	ts.Category("other")
	admin := ts.User("chief", models.RoleAdmin)
	ts.User("helper", models.RoleMember)
	if _, err := ts.Svc.SetRole(ts.Ctx, admin, "helper", models.RoleModerator, []string{"general"}); err != nil {
		t.Fatal(err)
	}
	author := ts.User("author", models.RoleMember)
	inTh, inP := ts.Thread(author, "general", "Inside", "inside body")
	outTh, outP := ts.Thread(author, "other", "Outside", "outside body")
	inPath, outPath := fmt.Sprintf("/t/%d", inTh.ID), fmt.Sprintf("/t/%d", outTh.ID)
	buttons := func(id int64) []string {
		return []string{
			fmt.Sprintf(`href="/p/%d/edit"`, id),
			fmt.Sprintf(`formaction="/p/%d/delete"`, id),
			fmt.Sprintf(`formaction="/p/%d/hide"`, id),
		}
	}
	expect := func(who, body string, id int64, want bool) {
		t.Helper()
		for _, b := range buttons(id) {
			if strings.Contains(body, b) != want {
				t.Errorf("%s: %s shown=%v, want %v", who, b, !want, want)
			}
		}
	}

	// A plain member looks first, so their (button-less) foot fragments
	// are in the cache when the moderator comes.
	member := ts.browser()
	member.signup("reader")
	expect("member inside", member.get(inPath).Body, inP.ID, false)
	expect("member outside", member.get(outPath).Body, outP.ID, false)

	mod := ts.browser()
	mod.login("helper")
	expect("category moderator inside", mod.get(inPath).Body, inP.ID, true)
	expect("category moderator outside", mod.get(outPath).Body, outP.ID, false)
	// And the member still gets none after the moderator warmed the cache.
	expect("member inside, after", member.get(inPath).Body, inP.ID, false)

	if r := mod.get(fmt.Sprintf("/p/%d/edit", inP.ID)); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "inside body") {
		t.Fatalf("edit form inside: %d", r.StatusCode)
	}
	if r := mod.get(fmt.Sprintf("/p/%d/edit", outP.ID)); r.StatusCode != http.StatusForbidden {
		t.Fatalf("edit form outside: %d", r.StatusCode)
	}
	if r := mod.post(fmt.Sprintf("/p/%d/hide", outP.ID), url.Values{"on": {"1"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("hide outside: %d", r.StatusCode)
	}
	if r := member.post(fmt.Sprintf("/p/%d/hide", inP.ID), url.Values{"on": {"1"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("member hides: %d", r.StatusCode)
	}

	// Hide from the thread page: visitors get the placeholder, the
	// moderator the text and an Unhide button.
	if r := mod.post(fmt.Sprintf("/p/%d/hide", inP.ID), url.Values{"on": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("hide inside: %d %s", r.StatusCode, r.Body)
	}
	if body := ts.browser().get(inPath).Body; strings.Contains(body, "inside body") || !strings.Contains(body, forum.HiddenPlaceholder) {
		t.Fatal("visitor sees the hidden post's text")
	}
	body := mod.get(inPath).Body
	if !strings.Contains(body, "inside body") || !strings.Contains(body, ">Unhide<") {
		t.Fatalf("moderator's view of the hidden post lacks its text or Unhide:\n%s", body)
	}
	if !auditHas(t, ts, "post.hide", inP.ID) {
		t.Fatal("hiding was not audited")
	}
	if r := mod.post(fmt.Sprintf("/p/%d/hide", inP.ID), url.Values{"on": {"0"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("unhide: %d", r.StatusCode)
	}
	if body := ts.browser().get(inPath).Body; !strings.Contains(body, "inside body") {
		t.Fatal("unhidden post still hidden")
	}

	reply := ts.Reply(author, inTh.ID, "a reply to delete")
	if r := mod.post(fmt.Sprintf("/p/%d/delete", reply.ID), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete inside: %d", r.StatusCode)
	}
	if r := mod.post(fmt.Sprintf("/p/%d/delete", outP.ID), nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("delete outside: %d", r.StatusCode)
	}

	// The same viewer's buttons change with their role: an author made a
	// moderator of the category gets Hide under their own post at once,
	// although every other permission of the cached foot is the same.
	writer := ts.browser()
	writer.signup("writer")
	w, err := ts.Store.UserByUsername(ts.Ctx, "writer")
	if err != nil {
		t.Fatal(err)
	}
	wTh, wP := ts.Thread(w, "general", "Mine", "my own body")
	wPath := fmt.Sprintf("/t/%d", wTh.ID)
	hide := fmt.Sprintf(`formaction="/p/%d/hide"`, wP.ID)
	if strings.Contains(writer.get(wPath).Body, hide) {
		t.Fatal("a member may hide their own post")
	}
	if _, err := ts.Svc.SetRole(ts.Ctx, admin, "writer", models.RoleModerator, []string{"general"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(writer.get(wPath).Body, hide) {
		t.Fatal("a new category moderator got the cached foot without Hide")
	}
}

// auditHas reports whether the audit log holds action on post id.
func auditHas(t *testing.T, ts *testServer, action string, postID int64) bool {
	t.Helper()
	_, body := ts.api(t, "GET", "/api/v1/mod/audit", ts.token(t, fmt.Sprintf("auditor%d", postID), models.RoleAdmin), "")
	items, _ := body["entries"].([]any)
	for _, it := range items {
		m := it.(map[string]any)
		if m["action"] == action && fmt.Sprint(m["target_id"]) == fmt.Sprint(postID) {
			return true
		}
	}
	return false
}
