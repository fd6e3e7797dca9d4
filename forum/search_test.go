package forum_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// searchFixture: two public categories, one private, two authors, posts on
// three days of a pinned clock (every clock of the service pinned: the
// store's too, through SetClock).
type searchFixture struct {
	e          *forumtest.Env
	alice, bob *models.User
	day        time.Time
}

func newSearchFixture(t *testing.T) *searchFixture {
	e := forumtest.New(t)
	day := time.Date(2031, 5, 10, 12, 0, 0, 0, time.UTC)
	now := day
	e.Svc.SetClock(func() time.Time { return now })
	e.Category("garden")
	e.Category("kitchen")
	admin := e.User("boss", models.RoleAdmin)
	if _, err := e.Svc.CreateCategory(e.Ctx, admin, forum.CategoryInput{Name: "Inner", Slug: "inner", AmbassadorsOnly: true}); err != nil {
		t.Fatal(err)
	}
	f := &searchFixture{e: e, alice: e.User("alice", models.RoleMember), bob: e.User("bob", models.RoleMember), day: day}
	g, _ := e.Thread(f.alice, "garden", "Tomato blight again", "My tomato leaves have spots")
	now = day.Add(24 * time.Hour)
	e.Reply(f.bob, g.ID, "Copper spray helps tomato plants, <script>alert(1)</script> & more")
	k, _ := e.Thread(f.bob, "kitchen", "Tomato soup", "Roast the tomato first")
	now = day.Add(48 * time.Hour)
	e.Reply(f.alice, k.ID, "Tomato soup needs basil")
	e.Thread(admin, "inner", "Tomato secret plans", "The tomato secret for staff")
	return f
}

func TestSearchHighlightEscapesHTML(t *testing.T) {
	f := newSearchFixture(t)
	res, err := f.e.Svc.SearchWith(f.e.Ctx, forum.SearchQuery{Q: "copper", Kind: forum.SearchPosts})
	if err != nil || len(res.Posts) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	snip := res.Posts[0].Snippet
	if !strings.Contains(snip, "<mark>Copper</mark>") || strings.Contains(snip, "<script") || !strings.Contains(snip, "&lt;script&gt;") || !strings.Contains(snip, "&amp;") {
		t.Fatalf("snippet not highlighted and escaped: %q", snip)
	}
	res, err = f.e.Svc.SearchWith(f.e.Ctx, forum.SearchQuery{Q: "blight", Kind: forum.SearchThreads})
	if err != nil || len(res.Threads) != 1 || res.TitleMarks[res.Threads[0].ID] != "Tomato <mark>blight</mark> again" {
		t.Fatalf("title marks: %+v %v", res.TitleMarks, err)
	}
}

func TestHighlightHTMLPairsSentinels(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a " + models.MarkStart + "b" + models.MarkEnd + " <i>", "a <mark>b</mark> &lt;i&gt;"},
		{models.MarkEnd + "x" + models.MarkStart + "y", "x<mark>y</mark>"},
		{models.MarkStart + models.MarkStart + "z" + models.MarkEnd + models.MarkEnd, "<mark>z</mark>"},
		{`"q" & 'r'`, "&#34;q&#34; &amp; &#39;r&#39;"},
	} {
		if got := forum.HighlightHTML(c.in); got != c.want {
			t.Errorf("HighlightHTML(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSearchFiltersAndCount(t *testing.T) {
	f := newSearchFixture(t)
	cases := []struct {
		name          string
		q             forum.SearchQuery
		posts, thread int64
		err           string
	}{
		{"all", forum.SearchQuery{Q: "tomato"}, 4, 2, ""},
		{"category", forum.SearchQuery{Q: "tomato", Category: "kitchen"}, 2, 1, ""},
		{"private category named", forum.SearchQuery{Q: "tomato", Category: "inner"}, 0, 0, ""},
		{"author", forum.SearchQuery{Q: "tomato", Author: "@bob"}, 2, 1, ""},
		{"unknown author", forum.SearchQuery{Q: "tomato", Author: "nobody"}, 0, 0, ""},
		{"from", forum.SearchQuery{Q: "tomato", From: "2031-05-11"}, 3, 1, ""},
		{"to includes its day", forum.SearchQuery{Q: "tomato", To: "2031-05-11"}, 3, 2, ""},
		{"one day", forum.SearchQuery{Q: "tomato", From: "2031-05-11", To: "2031-05-11"}, 2, 1, ""},
		{"posts only", forum.SearchQuery{Q: "tomato", Kind: forum.SearchPosts}, 4, 0, ""},
		{"threads only", forum.SearchQuery{Q: "tomato", Kind: forum.SearchThreads}, 0, 2, ""},
		{"bad date", forum.SearchQuery{Q: "tomato", From: "yesterday"}, 0, 0, "from"},
		{"reversed dates", forum.SearchQuery{Q: "tomato", From: "2031-05-12", To: "2031-05-10"}, 0, 0, "to"},
		{"bad kind", forum.SearchQuery{Q: "tomato", Kind: "users"}, 0, 0, "type"},
		{"bad sort", forum.SearchQuery{Q: "tomato", Sort: "likes"}, 0, 0, "sort"},
		{"bad cursor", forum.SearchQuery{Q: "tomato", After: "!!"}, 0, 0, "after"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := f.e.Svc.SearchWith(f.e.Ctx, c.q)
			if c.err != "" {
				var ve *forum.ValidationError
				if !errors.As(err, &ve) || ve.Fields[c.err] == "" {
					t.Fatalf("want a validation error on %s, got %v", c.err, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.PostCount != c.posts || int64(len(res.Posts)) != c.posts || res.ThreadCount != c.thread || int64(len(res.Threads)) != c.thread {
				t.Fatalf("posts %d/%d threads %d/%d, want %d and %d", res.PostCount, len(res.Posts), res.ThreadCount, len(res.Threads), c.posts, c.thread)
			}
			for _, p := range res.Posts {
				if strings.Contains(p.Snippet, "secret") || p.Thread.CategoryID == 0 {
					t.Fatalf("private or broken post: %+v", p)
				}
			}
			for _, th := range res.Threads {
				if strings.Contains(th.Title, "secret") {
					t.Fatalf("private thread found: %+v", th)
				}
			}
		})
	}
}

// TestSearchPagingVisitsEveryResultOnce pages through 45 matches in both
// orders, by relevance (many ties and distinct ranks) and by date.
func TestSearchPagingVisitsEveryResultOnce(t *testing.T) {
	e := forumtest.New(t)
	e.Category("garden")
	alice := e.User("alice", models.RoleMember)
	th, _ := e.Thread(alice, "garden", "Paging", "nothing to find here")
	want := map[int64]bool{}
	for i := 0; i < 45; i++ {
		body := "pepper harvest " + strings.Repeat("pepper ", i%4) + fmt.Sprint(i)
		want[e.Reply(alice, th.ID, body).ID] = true
	}
	e.Reply(alice, th.ID, "unlisted-free filler without the word")
	for _, sort := range []string{"relevance", "date"} {
		seen := map[int64]bool{}
		q := forum.SearchQuery{Q: "pepper", Kind: forum.SearchPosts, Sort: sort}
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatalf("%s: paging does not end", sort)
			}
			res, err := e.Svc.SearchWith(e.Ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if res.PostCount != 45 {
				t.Fatalf("%s: count %d", sort, res.PostCount)
			}
			for _, p := range res.Posts {
				if seen[p.ID] || !want[p.ID] {
					t.Fatalf("%s: post %d twice (%v) or unexpected (page %d, next %q)", sort, p.ID, seen[p.ID], pages, q.After)
				}
				seen[p.ID] = true
			}
			if res.Next == "" {
				break
			}
			if pages == 0 && sort == "date" {
				// Both kinds: the first page shows the thread titles, later ones only posts.
				both, err := e.Svc.SearchWith(e.Ctx, forum.SearchQuery{Q: "paging", After: res.Next, Sort: sort})
				if err != nil || len(both.Threads) != 0 || both.ThreadCount != 1 {
					t.Fatalf("titles repeated on a later page: %+v %v", both, err)
				}
			}
			q.After = res.Next
		}
		if len(seen) != 45 {
			t.Fatalf("%s: saw %d of 45", sort, len(seen))
		}
	}
}
