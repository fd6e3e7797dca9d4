package server_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/models"
)

// TestGeneratedAvatarsDiffer: members without a picture get their initials
// on a colour of their own, the same on every page, instead of one orange
// circle for all.
func TestGeneratedAvatarsDiffer(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	// Names picked so their colours differ (avatarColour is a hash).
	ana, ben := ts.User("ana", models.RoleMember), ts.User("ben", models.RoleMember)
	th, _ := ts.Thread(ana, "general", "Colours", "first")
	ts.Reply(ben, th.ID, "second")
	r := ts.browser().get(fmt.Sprintf("/t/%d", th.ID))
	classes := regexp.MustCompile(`<span class="avatar avatar-initial (avatar-c\d+)" aria-hidden="true">([^<]+)</span>`).FindAllStringSubmatch(r.Body, -1)
	if len(classes) < 2 {
		t.Fatalf("thread page shows %d generated avatars, want 2:\n%s", len(classes), r.Body)
	}
	if classes[0][1] == classes[1][1] {
		t.Errorf("ana and ben share the avatar colour %s", classes[0][1])
	}
	if classes[0][2] != "A" || classes[1][2] != "B" {
		t.Errorf("initials %q, %q; want A, B", classes[0][2], classes[1][2])
	}
	prof := ts.browser().get("/u/ana")
	if !strings.Contains(prof.Body, "avatar-xl avatar-initial "+classes[0][1]) {
		t.Errorf("ana's profile does not use her thread colour %s", classes[0][1])
	}
}

// TestLikeCountOnlyAboveZero: an unliked post's button reads "Like", not
// "Like 0"; once liked it shows the count.
func TestLikeCountOnlyAboveZero(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	ana := ts.User("ana", models.RoleMember)
	ts.User("ben", models.RoleMember)
	th, p := ts.Thread(ana, "general", "Likes", "like me")
	b := ts.browser()
	b.login("ben")
	path := fmt.Sprintf("/t/%d", th.ID)
	button := regexp.MustCompile(`(?s)class="btn btn-small btn-like"[^>]*>.*?</button>`)
	got := button.FindString(b.get(path).Body)
	if got == "" {
		t.Fatal("no Like button for ben")
	}
	if strings.Contains(got, "like-count") || !strings.Contains(got, "Like") {
		t.Errorf("unliked post's button: %s", got)
	}
	if r := b.post(fmt.Sprintf("/p/%d/like", p.ID), map[string][]string{"on": {"1"}}); r.StatusCode >= 400 {
		t.Fatalf("like: %d", r.StatusCode)
	}
	got = button.FindString(b.get(path).Body)
	if !strings.Contains(got, `<span class="like-count">1</span>`) {
		t.Errorf("liked post's button lacks its count: %s", got)
	}
}

// TestRelativeDatesOnPages: a post's date reads relative to the service's
// clock, with the exact time in the <time> element, and a post older than a
// year shows its full date (never "Oct 2025").
func TestRelativeDatesOnPages(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	ana := ts.User("ana", models.RoleMember)
	th, p := ts.Thread(ana, "general", "When", "then")
	created := p.CreatedAt.UTC()
	for _, tc := range []struct {
		name  string
		after time.Duration
		want  string
	}{
		{"hours", 3*time.Hour + 5*time.Minute, "3 hours ago"},
		{"over a year", 400 * 24 * time.Hour, created.Format("2 Jan 2006")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := created.Add(tc.after)
			ts.Svc.SetClock(func() time.Time { return now })
			b := ts.browser()
			b.login("ana") // members' pages are not cached across the clock change
			for _, path := range []string{fmt.Sprintf("/t/%d", th.ID), "/c/general"} {
				body := b.get(path).Body
				want := fmt.Sprintf(`<time datetime="%s" title="%s UTC">%s</time>`, created.Format(time.RFC3339), created.Format("2 Jan 2006 15:04"), tc.want)
				if !strings.Contains(body, want) {
					t.Errorf("%s lacks %s", path, want)
				}
			}
		})
	}
}

// TestNotFoundPage: a missing page says so once, in words, with a search
// form and a way home, and answers 404.
func TestNotFoundPage(t *testing.T) {
	ts := newTestServer(t)
	r := ts.browser().get("/t/999999")
	if r.StatusCode != 404 {
		t.Fatalf("status %d", r.StatusCode)
	}
	for _, want := range []string{"<title>Page not found · ", "<h1>Page not found</h1>", `action="/search"`, `aria-label="Find the page"`, `href="/"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("404 page lacks %s", want)
		}
	}
	if n := strings.Count(r.Body, "Not Found"); n != 0 {
		t.Errorf(`404 page says "Not Found" %d times`, n)
	}
}

// TestLandmarkNamesAreUnique: a thread long enough to page shows its pager
// twice; the two navigation landmarks (and every other landmark of a kind)
// must have different names.
func TestLandmarkNamesAreUnique(t *testing.T) {
	ts := newTestServer(t) // forumtest: 5 posts a page
	ts.Category("general")
	ana := ts.User("ana", models.RoleMember)
	th, _ := ts.Thread(ana, "general", "Long", "one")
	for i := 0; i < 6; i++ {
		ts.Reply(ana, th.ID, fmt.Sprintf("reply %d", i))
	}
	b := ts.browser()
	b.login("ana")
	landmark := regexp.MustCompile(`<(nav|form[^>]*role="search"|aside)[^>]*?aria-label="([^"]*)"`)
	for _, path := range []string{fmt.Sprintf("/t/%d", th.ID), fmt.Sprintf("/t/%d?page=2", th.ID), "/", "/c/general", "/t/999999"} {
		body := b.get(path).Body
		seen := map[string]bool{}
		for _, m := range landmark.FindAllStringSubmatch(body, -1) {
			kind := strings.Fields(m[1])[0]
			if seen[kind+" "+m[2]] {
				t.Errorf("%s: two %s landmarks named %q", path, kind, m[2])
			}
			seen[kind+" "+m[2]] = true
		}
		if strings.HasPrefix(path, "/t/") && !strings.Contains(path, "999") && (!seen["nav Pages, top"] || !seen["nav Pages, bottom"]) {
			t.Errorf("%s: pagers not named top and bottom: %v", path, seen)
		}
	}
}
