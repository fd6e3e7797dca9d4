package server_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/server"
)

// memberBrowser is a browser signed in as u (a session started in the
// domain, as the login form would).
func (ts *testServer) memberBrowser(u *models.User) *browser {
	ts.T.Helper()
	b := ts.browser()
	sess, err := ts.Svc.StartSession(ts.Ctx, u.ID, "127.0.0.1", "test")
	if err != nil {
		ts.T.Fatal(err)
	}
	base, _ := url.Parse(ts.URL)
	b.client.Jar.SetCookies(base, []*http.Cookie{{Name: "hearth_session", Value: sess, Path: "/"}})
	return b
}

// secondProcess is another Hearth process on ts's database: its own
// forum.Service and Server, so its own caches, as a second `hearth serve`
// behind the same load balancer has.
func (ts *testServer) secondProcess(t *testing.T) *testServer {
	t.Helper()
	svc := forum.New(ts.Store, ts.Cfg)
	svc.BcryptCost = ts.Svc.BcryptCost
	s, err := server.New(ts.Cfg, svc, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return &testServer{Env: &forumtest.Env{T: t, Svc: svc, Store: ts.Store, Cfg: ts.Cfg, Ctx: ts.Ctx}, URL: hs.URL, srv: hs}
}

// The statements a signed-in member's page costs once warm: the session
// with its member and suspension; then for a thread page the thread and
// its category with the header's counts, banner and site
// (MemberThreadRead); the viewer's own state (bookmark, watch level, read
// mark, draft and likes on the page together); held replies (on the last
// page only, which these one-page threads are). A category page: its gate
// with its version; the header's counts with banner and site; and the
// category's followers with the member's watch level, read marks and
// muted categories, one statement since each was a round trip of its own
// (7 statements, on PostgreSQL at 1M posts 0.44 ms of the database's CPU
// a page).
// Raise them only with a reason: each is a round trip on every member page.
const (
	memberThreadStatements   = 4
	memberCategoryStatements = 4
)

// TestMemberPageStatements pins how many statements a signed-in member's
// thread page and category page cost once warm, and that the count does
// not grow with what is on the page: a full page of posts (liked, replying,
// one hidden) costs what a one-post page does, and a category with five
// threads what one with one does. A per-post or per-thread query fails it.
func TestMemberPageStatements(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("small")
	ts.Category("large")
	writer := ts.User("writer", models.RoleMember)
	reader := ts.User("reader", models.RoleMember)
	mod := ts.User("moira", models.RoleModerator)
	one, _ := ts.Thread(writer, "small", "One post", "Alone.")
	full, first := ts.Thread(writer, "large", "Full page", "Brown and green.")
	for i := 0; i < 4; i++ {
		p, err := ts.Svc.Reply(ts.Ctx, ts.User(fmt.Sprintf("r%d", i), models.RoleMember), full.ID, forum.NewReply{Body: fmt.Sprintf("Reply %d", i), ReplyTo: first.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ts.Svc.SetLike(ts.Ctx, reader, p.ID, true); err != nil {
			t.Fatal(err)
		}
		if i == 3 {
			if err := ts.Svc.SetPostHidden(ts.Ctx, mod, p.ID, true, "checking"); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := 0; i < 4; i++ {
		ts.Thread(writer, "large", fmt.Sprintf("Another %d", i), "More.")
	}
	b := ts.memberBrowser(reader)
	c := countStatements(t, ts.Store)
	cost := func(path string) int {
		t.Helper()
		b.get(path) // warm: caches filled, read mark written
		before := int(c.n.Load())
		if r := b.get(path); r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, r.StatusCode)
		}
		got := c.since(before)
		t.Logf("%s: %d statements:\n%s", path, len(got), strings.Join(got, "\n"))
		return len(got)
	}
	for _, tc := range []struct {
		name        string
		small, full string
		max         int
	}{
		{"thread page", fmt.Sprintf("/t/%d", one.ID), fmt.Sprintf("/t/%d", full.ID), memberThreadStatements},
		{"category page", "/c/small", "/c/large", memberCategoryStatements},
	} {
		s, f := cost(tc.small), cost(tc.full)
		if f != s {
			t.Errorf("%s: %d statements with more on the page, %d with one: a query per item", tc.name, f, s)
		}
		if f > tc.max {
			t.Errorf("%s: %d statements, budget %d", tc.name, f, tc.max)
		}
	}
}

// article returns post number n's <article> from a thread page.
func article(t *testing.T, body string, n int) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<article class="post[^"]*" id="post-` + fmt.Sprint(n) + `".*?</article>`).FindString(body)
	if m == "" {
		t.Fatalf("no post %d on the page", n)
	}
	return m
}

// TestMemberPageSharesRowsNotState: members' thread pages share the page's
// rows and rendered posts, and each viewer still gets their own state on
// them: their likes, what a moderator may do, a hidden post's text only for
// staff. Edits, likes and hiding show on the next request, also in a
// second process that had the page cached.
func TestMemberPageSharesRowsNotState(t *testing.T) {
	ts := newTestServer(t)
	other := ts.secondProcess(t)
	ts.Category("general")
	writer := ts.User("writer", models.RoleMember)
	alice := ts.User("alice", models.RoleMember)
	bob := ts.User("bob", models.RoleMember)
	mod := ts.User("moira", models.RoleModerator)
	th, _ := ts.Thread(writer, "general", "Compost questions", "Brown and green.")
	p2 := ts.Reply(writer, th.ID, "Turn it weekly.")
	p3 := ts.Reply(writer, th.ID, "Nettles help.")
	p4 := ts.Reply(writer, th.ID, "zanzibarquux is a secret.")
	if _, err := ts.Svc.SetLike(ts.Ctx, alice, p3.ID, true); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/t/%d", th.ID)
	viewers := map[string]*browser{
		"alice": ts.memberBrowser(alice), "bob": ts.memberBrowser(bob), "moira": ts.memberBrowser(mod),
		"alice, process 2": other.memberBrowser(alice), "moira, process 2": other.memberBrowser(mod),
	}
	likeOn := `value="0" class="btn btn-small btn-like" aria-pressed="true"`
	likeOff := `value="1" class="btn btn-small btn-like" aria-pressed="false"`
	bobLikes := false
	check := func(step string, want map[string][]string, wantNot map[string][]string) {
		t.Helper()
		for name, b := range viewers {
			r := b.get(path)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("%s: %s: %d", step, name, r.StatusCode)
			}
			who := strings.TrimSuffix(name, ", process 2")
			for _, w := range want[who] {
				if !strings.Contains(r.Body, w) {
					t.Errorf("%s: %s does not see %q", step, name, w)
				}
			}
			for _, w := range wantNot[who] {
				if strings.Contains(r.Body, w) {
					t.Errorf("%s: %s sees %q", step, name, w)
				}
			}
			post3 := article(t, r.Body, 3)
			liked := who == "alice" || (who == "bob" && bobLikes)
			if liked != strings.Contains(post3, likeOn) || liked == strings.Contains(post3, likeOff) {
				t.Errorf("%s: %s: post 3's Like pressed should be %v:\n%s", step, name, liked, post3)
			}
		}
	}
	check("first views", map[string][]string{
		"alice": {"Nettles help.", `<span class="like-count">1</span>`},
		"bob":   {"Turn it weekly."},
	}, nil)
	check("cached", map[string][]string{"alice": {"Nettles help."}}, nil)

	if _, err := ts.Svc.SetLike(ts.Ctx, bob, p3.ID, true); err != nil {
		t.Fatal(err)
	}
	bobLikes = true
	check("bob liked post 3", map[string][]string{
		"alice": {`<span class="like-count">2</span>`}, "bob": {`<span class="like-count">2</span>`},
	}, nil)

	if _, err := ts.Svc.EditPost(ts.Ctx, writer, p2.ID, "Turn it every fortnight."); err != nil {
		t.Fatal(err)
	}
	if err := ts.Svc.SetPostHidden(ts.Ctx, mod, p4.ID, true, "checking"); err != nil {
		t.Fatal(err)
	}
	unhide := fmt.Sprintf(`formaction="/p/%d/hide" name="on" value="0"`, p4.ID)
	check("edited and hidden", map[string][]string{
		"alice": {"Turn it every fortnight.", forum.HiddenPlaceholder},
		"bob":   {"Turn it every fortnight.", forum.HiddenPlaceholder},
		"moira": {"Turn it every fortnight.", "zanzibarquux", unhide},
	}, map[string][]string{
		"alice": {"Turn it weekly.", "zanzibarquux", unhide},
		"bob":   {"Turn it weekly.", "zanzibarquux", unhide},
		"moira": {"Turn it weekly."},
	})
	// Staff first this time, then members: the order caches fill in must
	// not matter.
	if err := ts.Svc.SetPostHidden(ts.Ctx, mod, p4.ID, false, ""); err != nil {
		t.Fatal(err)
	}
	if err := ts.Svc.SetPostHidden(ts.Ctx, mod, p4.ID, true, "again"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"moira, process 2", "alice, process 2", "bob"} {
		r := viewers[name].get(path)
		if staff := strings.HasPrefix(name, "moira"); staff != strings.Contains(r.Body, "zanzibarquux") || staff != strings.Contains(r.Body, unhide) {
			t.Errorf("hidden again: %s (staff %v) sees the text %v, Unhide %v", name, staff,
				strings.Contains(r.Body, "zanzibarquux"), strings.Contains(r.Body, unhide))
		}
	}
}

// TestMemberCategoryPageSharesList: members' category pages share the
// thread list; each sees their own unread counts on it, and a new thread
// or reply shows at once in a process that had the list cached.
func TestMemberCategoryPageSharesList(t *testing.T) {
	ts := newTestServer(t)
	other := ts.secondProcess(t)
	ts.Category("general")
	writer := ts.User("writer", models.RoleMember)
	alice := ts.User("alice", models.RoleMember)
	bob := ts.User("bob", models.RoleMember)
	th, _ := ts.Thread(writer, "general", "Compost questions", "Brown and green.")
	a, b := other.memberBrowser(alice), ts.memberBrowser(bob)
	a.get(fmt.Sprintf("/t/%d", th.ID)) // alice has read it: her read mark
	for _, br := range []*browser{a, b} {
		if r := br.get("/c/general"); !strings.Contains(r.Body, "Compost questions") || strings.Contains(r.Body, "badge-unread") {
			t.Fatalf("first view: %d %q", r.StatusCode, r.Body)
		}
	}
	ts.Reply(writer, th.ID, "Turn it weekly.")
	ts.Thread(writer, "general", "Seed swap", "Saturday.")
	ra, rb := a.get("/c/general"), b.get("/c/general")
	for name, r := range map[string]*response{"alice": ra, "bob": rb} {
		if !strings.Contains(r.Body, "Seed swap") {
			t.Errorf("%s does not see the new thread", name)
		}
	}
	if !strings.Contains(ra.Body, `<span class="badge badge-unread">1 new`) {
		t.Errorf("alice does not see her unread reply")
	}
	if strings.Contains(rb.Body, "badge-unread") {
		t.Errorf("bob, who never opened the thread, sees an unread count")
	}
}

// TestMemberThreadPageOwnState: a member's bookmark, watch level (their
// own on the thread, else their category's, else tracking) and read mark
// come from one query; each member sees their own on the same cached page.
func TestMemberThreadPageOwnState(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	writer := ts.User("writer", models.RoleMember)
	th, _ := ts.Thread(writer, "general", "Compost questions", "Brown and green.")
	path := fmt.Sprintf("/t/%d", th.ID)
	selected := func(level string) string { return `<option value="` + level + `" selected>` }
	for _, tc := range []struct {
		name     string
		setup    func(u *models.User) error
		level    string
		bookmark bool
	}{
		{"nothing set", func(*models.User) error { return nil }, "tracking", false},
		{"bookmarked, watching the thread", func(u *models.User) error {
			if err := ts.Svc.SetBookmark(ts.Ctx, u, th.ID, true); err != nil {
				return err
			}
			_, err := ts.Svc.SetThreadLevel(ts.Ctx, u, th.ID, "watching")
			return err
		}, "watching", true},
		{"muted the category", func(u *models.User) error {
			_, err := ts.Svc.SetCategoryLevel(ts.Ctx, u, "general", "muted")
			return err
		}, "muted", false},
		{"category muted, thread watched", func(u *models.User) error {
			if _, err := ts.Svc.SetCategoryLevel(ts.Ctx, u, "general", "muted"); err != nil {
				return err
			}
			_, err := ts.Svc.SetThreadLevel(ts.Ctx, u, th.ID, "watching")
			return err
		}, "watching", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := ts.User(strings.ReplaceAll(strings.ReplaceAll(tc.name, " ", ""), ",", ""), models.RoleMember)
			if err := tc.setup(u); err != nil {
				t.Fatal(err)
			}
			r := ts.memberBrowser(u).get(path)
			if !strings.Contains(r.Body, selected(tc.level)) {
				t.Errorf("level: want %s selected", tc.level)
			}
			if got := strings.Contains(r.Body, `aria-pressed="true">`+"\n        "+`<svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path d="M3 1h10v14l-5-4-5 4z"`); got != tc.bookmark {
				t.Errorf("bookmarked shown %v, want %v", got, tc.bookmark)
			}
		})
	}
	// The read mark: a view records it, a later reply is unread on the
	// category page, and viewing the thread again reads it.
	reader := ts.User("reader", models.RoleMember)
	b := ts.memberBrowser(reader)
	b.get(path)
	ts.Reply(writer, th.ID, "Turn it weekly.")
	if r := b.get("/c/general"); !strings.Contains(r.Body, `badge-unread">1 new`) {
		t.Fatal("the reply is not unread")
	}
	b.get(path)
	if r := b.get("/c/general"); strings.Contains(r.Body, "badge-unread") {
		t.Fatal("viewing the thread did not read the reply")
	}
}

// TestThreadDescriptionFollowsTheFirstPost: a member's thread page's meta
// description is the first post's excerpt (cached per post version and
// visibility), so an edit shows at once, in this process and another, and
// a first post hidden pending review gives its text to staff only.
func TestThreadDescriptionFollowsTheFirstPost(t *testing.T) {
	ts := newTestServer(t)
	other := ts.secondProcess(t)
	ts.Category("general")
	writer := ts.User("writer", models.RoleMember)
	reader := ts.User("reader", models.RoleMember)
	mod := ts.User("moira", models.RoleModerator)
	th, first := ts.Thread(writer, "general", "Seed swaps", "Bring tomato seeds on Saturday.")
	path := fmt.Sprintf("/t/%d", th.ID)
	description := func(b *browser) string {
		t.Helper()
		r := b.get(path)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, r.StatusCode)
		}
		m := regexp.MustCompile(`<meta name="description" content="([^"]*)"`).FindStringSubmatch(r.Body)
		if m == nil {
			t.Fatalf("no description in\n%s", r.Body)
		}
		return m[1]
	}
	readers := map[string]*browser{"here": ts.memberBrowser(reader), "process 2": other.memberBrowser(reader)}
	for name, b := range readers {
		if d := description(b); !strings.Contains(d, "tomato seeds") {
			t.Fatalf("%s: description %q", name, d)
		}
	}
	if _, err := ts.Svc.EditPost(ts.Ctx, writer, first.ID, "Bring pumpkin seeds on Sunday."); err != nil {
		t.Fatal(err)
	}
	for name, b := range readers {
		if d := description(b); !strings.Contains(d, "pumpkin seeds") || strings.Contains(d, "tomato") {
			t.Fatalf("%s after the edit: description %q", name, d)
		}
	}
	if err := ts.Svc.SetPostHidden(ts.Ctx, mod, first.ID, true, "checking"); err != nil {
		t.Fatal(err)
	}
	for name, b := range readers {
		if d := description(b); strings.Contains(d, "pumpkin") {
			t.Fatalf("%s sees the hidden first post's text in the description: %q", name, d)
		}
	}
	if d := description(ts.memberBrowser(mod)); !strings.Contains(d, "pumpkin seeds") {
		t.Fatalf("staff description of the hidden post: %q", d)
	}
}
