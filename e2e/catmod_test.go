//go:build e2e

package e2e

import (
	"path"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserCategoryModeratorButtons: a moderator of one category gets
// Edit, Delete and Hide under others' posts there, none in another
// category, and Hide works from the thread page.
func TestBrowserCategoryModeratorButtons(t *testing.T) {
	base, admin := startHearth(t)
	b := newBrowser(t, chromiumPath(t), base)
	b.open("/signup")
	b.signUp("alice", "alice@example.test", "correct horse battery") // the first account is the admin
	threads := map[string]string{}
	for _, cat := range []string{"Help", "Other"} {
		b.open("/admin")
		b.fill("#cat-name", cat)
		slug := "/c/" + map[string]string{"Help": "help", "Other": "other"}[cat]
		b.click(`form[action="/admin/categories"] button[type=submit]`, slug)
		b.open(slug + "/new")
		b.fill("#nt-title", "A question in "+cat)
		b.fill("#nt-body", "Some text in "+cat)
		threads[cat] = b.click(`form[action="/new"] button[type=submit]`, "/t/")
	}
	admin("create-user", "--username", "dora", "--email", "dora@example.test", "--password", "moderator password")
	b.open("/admin/users")
	b.fill("#role-username", "dora")
	get(b, "pick role and category", chromedp.Evaluate[any](`document.querySelector("#role-role").value = "moderator";
		for (const o of document.querySelector("#role-categories").options) { o.selected = o.value === "help" }`))
	b.click(`form[action="/admin/users/role"] button[type=submit]`, "/admin/users")
	b.click(`header form[action="/logout"] button[type=submit]`, "/")

	b.open("/login")
	b.fill("#li-login", "dora")
	b.fill("#li-password", "moderator password")
	b.click(`form[action="/login"] button[type=submit]`, "/")
	buttons := []string{`#post-1 a[href$="/edit"]`, `#post-1 button[formaction$="/delete"]`, `#post-1 button[formaction$="/hide"]`}
	b.open(threads["Other"])
	for _, sel := range buttons {
		b.expectAbsent(sel)
	}
	b.open(threads["Help"])
	for _, sel := range buttons {
		b.expectText(sel, "")
	}
	// Hide and Delete sit in the post's Moderate menu: open it as a
	// moderator would (a closed <details> hides its buttons' text).
	openPostMenu := func() {
		get(b, "open post 1's Moderate menu", chromedp.Evaluate[any](`document.querySelector("#post-1 details.post-mod-menu > summary").click()`))
	}
	openPostMenu()
	b.click(`#post-1 button[formaction$="/hide"]`, path.Dir(threads["Help"]))
	b.expectText(".flash", "Post hidden pending review.")
	openPostMenu()
	b.expectText(`#post-1 button[formaction$="/hide"]`, "Unhide")
	b.expectText("#post-1 .post-body", "Some text in Help")

	// Delete asks first without a script's dialog: the red "Delete…"
	// only opens a disclosure; the submit inside it deletes.
	if get(b, "delete confirmation closed", chromedp.Evaluate[bool](`document.querySelector("#post-1 details.post-delete").open`)) {
		t.Fatal("the Delete confirmation starts open")
	}
	get(b, "open the Delete confirmation", chromedp.Evaluate[any](`document.querySelector("#post-1 details.post-delete > summary").click()`))
	b.expectText(`#post-1 details.post-delete button[formaction$="/delete"]`, "Yes, delete post #1")
	b.click(`#post-1 details.post-delete button[formaction$="/delete"]`, path.Dir(threads["Help"]))
	b.expectText(".flash", "Post deleted.")
	b.expectNoConsoleErrors()
}
