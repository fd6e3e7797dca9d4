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

// Deleting a post asks first, without JavaScript: on the thread page every
// Delete submit sits inside a closed <details class="confirm"> whose
// summary is the red "Delete…", so the first click only opens it (no
// data-confirm script). The confirming POST, with CSRF, deletes; a GET or
// a POST without the token never does.
func TestPostDeleteAsksFirstWithoutJavaScript(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	ts.User("moddy", models.RoleModerator)
	author := ts.User("author", models.RoleMember)
	th, _ := ts.Thread(author, "general", "Bread", "how to bake")
	reply := ts.Reply(author, th.ID, "my second thoughts")

	deleteButton := regexp.MustCompile(`<button[^>]*formaction="/p/\d+/delete"[^>]*>`)
	confirmed := regexp.MustCompile(`(?s)<details class="confirm post-delete">\s*<summary class="btn btn-small[^"]*">Delete…</summary>\s*<button type="submit" form="post-action" formaction="/p/\d+/delete" class="btn btn-small btn-destructive">Yes, delete post #\d+</button>\s*</details>`)
	for _, who := range []string{"author", "moddy"} {
		t.Run(who, func(t *testing.T) {
			b := ts.browser()
			b.login(who)
			page := b.get(fmt.Sprintf("/t/%d", th.ID)).Body
			all := len(deleteButton.FindAllString(page, -1))
			behind := len(confirmed.FindAllString(page, -1))
			if all == 0 || all != behind {
				t.Fatalf("%s: %d Delete submits, %d behind a confirmation", who, all, behind)
			}
			if strings.Contains(page, "data-confirm") {
				t.Errorf("%s: the page still relies on data-confirm", who)
			}
		})
	}

	b := ts.browser()
	b.login("author")
	path := fmt.Sprintf("/p/%d/delete", reply.ID)
	if r := b.get(path); r.StatusCode == http.StatusSeeOther || r.StatusCode == http.StatusOK {
		t.Fatalf("GET %s: %d", path, r.StatusCode)
	}
	if r := b.postRaw(path, url.Values{}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("POST without CSRF: %d", r.StatusCode)
	}
	if p, err := ts.Store.PostByID(ts.Ctx, reply.ID); err != nil || p.DeletedAt != nil {
		t.Fatalf("the post was deleted without confirming: %+v %v", p, err)
	}
	if r := b.post(path, nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirmed delete: %d %s", r.StatusCode, r.Body)
	}
	if p, err := ts.Store.PostByID(ts.Ctx, reply.ID); err != nil || p.DeletedAt == nil {
		t.Fatalf("the confirmed delete did not delete: %+v %v", p, err)
	}
}
