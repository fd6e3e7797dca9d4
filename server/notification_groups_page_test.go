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

// TestNotificationsGroupedWithBadge: five likes of one post read as one
// line ("eve, dee and 3 others liked your post in …") with faces and the
// like icon, styled unread; the header's bell carries a visible badge; Mark
// all read (a CSRF form) clears both, and the API still lists every
// notification on its own.
func TestNotificationsGroupedWithBadge(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	b := ts.browser()
	b.signup("alice")
	alice, err := ts.Store.UserByUsername(ts.Ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	th, first := ts.Thread(alice, "general", "Starter loaf", "Look at it.")
	for _, name := range []string{"ana", "ben", "cy", "dee", "eve"} {
		if _, err := ts.Svc.SetLike(ts.Ctx, ts.User(name, models.RoleMember), first.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	reply := ts.Reply(ts.User("fay", models.RoleMember), th.ID, "Lovely crumb.")

	page := b.get("/notifications").Body
	lines := regexp.MustCompile(`(?s)<li class="notification notification-(\w+)( unread)?">(.*?)</li>`).FindAllStringSubmatch(page, -1)
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2 (the reply, the five likes):\n%s", len(lines), page)
	}
	text := func(html string) string {
		return strings.Join(strings.Fields(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(html, "")), " ")
	}
	if lines[0][1] != "reply" || lines[0][2] == "" || !strings.Contains(text(lines[0][3]), "fay replied in Starter loaf") ||
		!strings.Contains(lines[0][3], fmt.Sprintf(`href="/p/%d"`, reply.ID)) {
		t.Errorf("reply line: %q", lines[0][0])
	}
	like := lines[1]
	if like[1] != "like" || like[2] == "" {
		t.Errorf("likes line is not an unread like: %q", like[0])
	}
	if got := text(like[3]); !strings.Contains(got, "eve, dee and 3 others liked your post in Starter loaf") {
		t.Errorf("likes sentence: %q", got)
	}
	if n := strings.Count(like[3], `class="avatar avatar-initial`); n != 3 {
		t.Errorf("likes line shows %d faces, want 3", n)
	}
	if !strings.Contains(like[3], `class="notification-icon" aria-hidden="true"><svg`) {
		t.Error("likes line has no icon")
	}
	badge := regexp.MustCompile(`href="/notifications" aria-label="Notifications, 6 unread">.*?<span class="nav-badge" aria-hidden="true">6</span></a>`)
	for _, path := range []string{"/", "/notifications", fmt.Sprintf("/t/%d", th.ID)} {
		if !badge.MatchString(b.get(path).Body) {
			t.Errorf("%s: the bell has no badge with 6", path)
		}
	}

	// Every header layout carries the badge: the wide row's bell, the
	// narrow screens' bell beside the Menu, and the Menu's own entry.
	if n := strings.Count(b.get("/").Body, `<span class="nav-badge" aria-hidden="true">6</span>`); n != 3 {
		t.Errorf("%d notification badges in the header, want 3 (wide, narrow, menu)", n)
	}

	// Mark all read needs the form's token.
	if res := b.postRaw("/notifications/read", url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("mark all read without CSRF: %d", res.StatusCode)
	}
	if !strings.Contains(page, `action="/notifications/read"`) || !strings.Contains(page, "Mark all read") {
		t.Fatal("no Mark all read form")
	}
	if res := b.post("/notifications/read", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark all read: %d", res.StatusCode)
	}
	page = b.get("/notifications").Body
	if strings.Contains(page, " unread\"") || strings.Contains(page, "nav-badge") || strings.Contains(page, "Mark all read") {
		t.Error("still unread after Mark all read")
	}
	if !strings.Contains(text(page), "eve, dee and 3 others liked your post in Starter loaf") {
		t.Error("read likes no longer grouped")
	}

	// Grouping is only the page's: the list underneath (which the API
	// serves unchanged) still has one item per notification.
	l, err := ts.Svc.Notifications(ts.Ctx, alice, "", 0)
	if err != nil || len(l.Items) != 6 {
		t.Fatalf("service lists %d notifications (%v), want 6", len(l.Items), err)
	}
}

// TestNarrowMenuListsTheLinks: narrow screens get a labelled Menu, a
// <details> that opens without JavaScript and names every link, instead
// of a row of unlabelled icons.
func TestNarrowMenuListsTheLinks(t *testing.T) {
	ts := newTestServer(t)
	ts.User("chief", models.RoleAdmin)
	b := ts.browser()
	b.login("chief")
	body := b.get("/").Body
	menu := regexp.MustCompile(`(?s)<details class="nav-menu">\s*<summary>Menu</summary>\s*<nav aria-label="Site menu">(.*?)</nav>\s*</details>`).FindStringSubmatch(body)
	if menu == nil {
		t.Fatalf("no Menu in the header:\n%s", body)
	}
	for _, link := range []struct{ href, label string }{
		{"/new", "New thread"}, {"/bookmarks", "Bookmarks"}, {"/following", "Following"}, {"/messages", "Messages"},
		{"/notifications", "Notifications"}, {"/settings", "Settings"}, {"/mod", "Moderation"}, {"/admin", "Admin"},
	} {
		if !regexp.MustCompile(`href="` + link.href + `"[^>]*>.*?<span class="nav-label">` + link.label + `</span>`).MatchString(menu[1]) {
			t.Errorf("the menu lacks %s (%s)", link.label, link.href)
		}
	}
	if !strings.Contains(menu[1], `action="/logout"`) {
		t.Error("the menu has no Log out")
	}
	// Visitors have two links, Log in and Sign up: they stay in view (a
	// nav without the wide-only class) and there is no menu to open.
	anon := ts.browser().get("/").Body
	if strings.Contains(anon, "nav-menu") || strings.Contains(anon, "site-nav-wide") ||
		!regexp.MustCompile(`(?s)<nav class="site-nav" aria-label="Site">\s*<ul>\s*<li><a href="/login">Log in</a>`).MatchString(anon) {
		t.Error("logged out, Log in is not shown outside a menu")
	}
}
