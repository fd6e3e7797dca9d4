package server_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// A newcomer whose held thread is rejected hears of it on /notifications,
// reads the reason the moderator gave (not the private note) and gets their
// text back; one whose reply is approved gets a link to it.
func TestHeldPostDecisionsReachTheAuthor(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	th, _ := ts.Thread(ts.User("owner", models.RoleMember), "general", "Say hello here", "Introduce yourself")
	ts.User("moddy", models.RoleModerator)
	newbie := ts.browser()
	newbie.signupSandboxed("newbie")
	r := newbie.post("/new", url.Values{"category": {"general"}, "title": {"My first thread"}, "body": {"Text I *worked* on for an hour"}})
	heldPath := r.Header.Get("Location")
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(heldPath, "/held/") {
		t.Fatalf("held thread: %d %s", r.StatusCode, heldPath)
	}
	if r := newbie.post(fmt.Sprintf("/t/%d/reply", th.ID), url.Values{"body": {"Hi all, glad to be here"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("held reply: %d", r.StatusCode)
	}

	mod := ts.browser()
	mod.login("moddy")
	q := mod.get("/mod")
	items := regexp.MustCompile(`(?s)id="item-(\d+)".*?<blockquote class="held-body">(.*?)</blockquote>`).FindAllStringSubmatch(q.Body, -1)
	if len(items) != 2 || !strings.Contains(q.Body, `name="reason"`) {
		t.Fatalf("approval items or reason field missing on /mod:\n%s", q.Body)
	}
	for _, it := range items {
		action, form := "approve", url.Values{}
		if strings.Contains(it[2], "worked") {
			action = "delete"
			form.Set("reason", "Please search <first>")
			form.Set("note", "private: looks like spam")
		}
		form.Set("action", action)
		if r := mod.post("/mod/queue/"+it[1]+"/resolve", form); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", action, r.StatusCode, r.Body)
		}
	}

	page := newbie.get("/notifications").Body
	if !strings.Contains(page, `href="`+heldPath+`"`) || !strings.Contains(page, "My first thread") || !strings.Contains(page, "was not approved") {
		t.Fatalf("no rejection notice linking to %s:\n%s", heldPath, page)
	}
	if !strings.Contains(page, "was approved") || !regexp.MustCompile(`href="/p/\d+">Say hello here</a>`).MatchString(page) {
		t.Fatalf("no approval notice linking to the post:\n%s", page)
	}
	held := newbie.get(heldPath)
	if held.StatusCode != 200 || !strings.Contains(held.Body, html.EscapeString("Please search <first>")) ||
		!strings.Contains(held.Body, "Text I *worked* on for an hour</textarea>") || strings.Contains(held.Body, "private: looks like spam") {
		t.Fatalf("held page for the author: %d\n%s", held.StatusCode, held.Body)
	}

	nu, err := ts.Store.UserByUsername(ts.Ctx, "newbie")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := ts.Svc.CreateToken(ts.Ctx, nu.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	_, body := ts.api(t, "GET", "/api/v1/notifications", tok, "")
	var rejectedURL string
	for _, n := range body["notifications"].([]any) {
		m := n.(map[string]any)
		if m["kind"] == models.NotifyHeldRejected {
			rejectedURL, _ = m["url"].(string)
		}
	}
	if !strings.HasSuffix(rejectedURL, heldPath) {
		t.Fatalf("API rejection url %q, want …%s", rejectedURL, heldPath)
	}
	code, hj := ts.api(t, "GET", "/api/v1"+heldPath, tok, "")
	if code != 200 || hj["state"] != models.HeldRejected || hj["decision_reason"] != "Please search <first>" || hj["body"] != "Text I *worked* on for an hour" {
		t.Fatalf("API held post: %d %v", code, hj)
	}
	if code, _ := ts.api(t, "GET", "/api/v1"+heldPath, ts.token(t, "stranger", models.RoleMember), ""); code != http.StatusNotFound {
		t.Fatalf("someone else's held post: %d", code)
	}
}
