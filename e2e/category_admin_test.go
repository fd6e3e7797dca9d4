//go:build e2e

package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserCategoryAdmin: an admin renames a category from /admin (the
// old address then leads to the new one), moves another up the list, and
// deletes one by moving its thread into another, all without JavaScript of
// Hearth's own.
func TestBrowserCategoryAdmin(t *testing.T) {
	base, _ := startHearth(t)
	b := newBrowser(t, chromiumPath(t), base)
	b.open("/signup")
	b.signUp("alice", "alice@example.test", "correct horse battery") // the first account is the admin
	for _, cat := range []string{"Help", "Other"} {
		b.open("/admin")
		b.fill("#cat-name", cat)
		b.click(`form[action="/admin/categories"] button[type=submit]`, "/c/")
	}
	b.open("/c/help/new")
	b.fill("#nt-title", "A question in Help")
	b.fill("#nt-body", "Some text in Help")
	b.click(`form[action="/new"] button[type=submit]`, "/t/")

	b.open("/admin")
	b.click(`a[href="/admin/categories/help"]`, "/admin/categories/help")
	get(b, "clear name and slug", chromedp.Evaluate[any](`document.querySelector("#cat-name").value = "";
		document.querySelector("#cat-slug").value = ""`))
	b.fill("#cat-name", "Support")
	b.fill("#cat-slug", "helpdesk")
	b.click(`form[action="/admin/categories/help"] button[type=submit]`, "/admin/categories/helpdesk")
	b.expectText(".flash", "Category Support saved.")
	b.screenshot("admin-category-edit.png", 1200, 900, false)
	b.open("/c/help")
	if at := b.here(); at != "/c/helpdesk" {
		t.Fatalf("/c/help led to %s, want /c/helpdesk", at)
	}

	b.open("/admin")
	b.click(`form[action="/admin/categories/other/move"] button[value=up]`, "/admin")
	b.expectText(".admin-categories > li:first-child .category-name", "Other")
	b.screenshot("admin-categories.png", 1200, 900, false)

	b.open("/admin/categories/helpdesk")
	b.expectText(`label[for="cat-move-to"]`, "Delete category Support, moving its 1 thread to")
	get(b, "pick the target", chromedp.Evaluate[any](`document.querySelector("#cat-move-to").value = "other"`))
	b.click(`form[action="/admin/categories/helpdesk/delete"] button[type=submit]`, "/admin")
	b.expectText(".flash", "1 thread moved to Other")
	b.open("/c/helpdesk")
	if at := b.here(); at != "/c/other" {
		t.Fatalf("/c/helpdesk led to %s, want /c/other", at)
	}
	b.expectText("main", "A question in Help")
	b.expectNoConsoleErrors()
}
