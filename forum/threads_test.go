package forum_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

func TestCreateThreadValidation(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	u := e.User("alice", models.RoleMember)
	cases := map[string]struct {
		in    forum.NewThread
		field string
	}{
		"empty title":     {forum.NewThread{Category: "general", Title: " ", Body: "hi"}, "title"},
		"long title":      {forum.NewThread{Category: "general", Title: strings.Repeat("x", 201), Body: "hi"}, "title"},
		"empty body":      {forum.NewThread{Category: "general", Title: "Hello there", Body: ""}, "body"},
		"long body":       {forum.NewThread{Category: "general", Title: "Hello there", Body: strings.Repeat("b", 32001)}, "body"},
		"invalid utf8":    {forum.NewThread{Category: "general", Title: "Hello there", Body: "bad \xff byte"}, "body"},
		"unknown cat":     {forum.NewThread{Category: "nope", Title: "Hello there", Body: "hi"}, "category"},
		"too many tags":   {forum.NewThread{Category: "general", Title: "Hello there", Body: "hi", Tags: []string{"a,b,c,d,e,f"}}, "tags"},
		"bad tag":         {forum.NewThread{Category: "general", Title: "Hello there", Body: "hi", Tags: []string{"no/slash"}}, "tags"},
		"title and body":  {forum.NewThread{Category: "general", Title: "", Body: ""}, "body"},
		"category + more": {forum.NewThread{Category: "", Title: "Hello there", Body: "hi"}, "category"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := e.Svc.CreateThread(e.Ctx, u, tc.in)
			ve, ok := forum.AsValidation(err)
			if !ok || ve.Fields[tc.field] == "" {
				t.Fatalf("want validation error on %s, got %v", tc.field, err)
			}
		})
	}
	if _, _, err := e.Svc.CreateThread(e.Ctx, nil, forum.NewThread{Category: "general", Title: "Hello", Body: "x"}); !errors.Is(err, forum.ErrUnauthorized) {
		t.Fatalf("anonymous thread: %v", err)
	}
}

func TestThreadPagesByNumber(t *testing.T) {
	e := forumtest.New(t) // 5 posts per page
	e.Category("general")
	u := e.User("alice", models.RoleMember)
	th, first := e.Thread(u, "general", "Paging works", "first **post** with @alice and #welcome")
	if !strings.Contains(first.HTML, `<strong>post</strong>`) || !strings.Contains(first.HTML, `href="http://forum.test/u/alice"`) {
		t.Fatalf("rendered HTML missing markdown or mention: %s", first.HTML)
	}
	for i := 2; i <= 12; i++ {
		p := e.Reply(u, th.ID, fmt.Sprintf("reply %d", i))
		if p.Number != i {
			t.Fatalf("reply %d got number %d", i, p.Number)
		}
	}
	tp, err := e.Svc.ThreadPage(e.Ctx, nil, th.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	if tp.Pages != 3 || len(tp.Posts) != 2 || tp.Posts[0].Number != 11 || tp.Posts[1].Number != 12 {
		t.Fatalf("page 3: pages=%d posts=%d first=%d", tp.Pages, len(tp.Posts), tp.Posts[0].Number)
	}
	if _, err := e.Svc.ThreadPage(e.Ctx, nil, th.ID, 4); !errors.Is(err, forum.ErrNotFound) {
		t.Fatalf("page past the end: %v", err)
	}
	if tp.Author == nil || tp.Author.ID != u.ID {
		t.Fatalf("thread author not loaded on a later page")
	}
}

func TestConcurrentRepliesGetDistinctNumbers(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	users := []*models.User{e.User("a1", models.RoleMember), e.User("a2", models.RoleMember), e.User("a3", models.RoleMember)}
	th, _ := e.Thread(users[0], "general", "Busy thread", "go")
	var wg sync.WaitGroup
	errs := make(chan error, 30)
	for i := 0; i < 30; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := e.Svc.Reply(e.Ctx, users[i%3], th.ID, forum.NewReply{Body: fmt.Sprintf("r%d", i)})
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent reply: %v", err)
		}
	}
	got, err := e.Store.PostsInRange(e.Ctx, th.ID, 1, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 31 {
		t.Fatalf("want 31 posts, got %d", len(got))
	}
	for i, p := range got {
		if p.Number != i+1 {
			t.Fatalf("numbers not dense: position %d has number %d", i, p.Number)
		}
	}
}

func TestListThreadsPinnedFirstAndKeyset(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	u := e.User("alice", models.RoleMember)
	var ids []int64
	for i := 0; i < forum.ThreadsPerPage+5; i++ {
		th, _ := e.Thread(u, "general", fmt.Sprintf("Thread number %d", i), "body")
		ids = append(ids, th.ID)
	}
	// Activity on the oldest thread brings it to the top.
	e.Reply(u, ids[0], "bump")
	if err := e.Store.UpdateThreadFields(e.Ctx, ids[3], map[string]any{"pinned": true}); err != nil {
		t.Fatal(err)
	}
	list, err := e.Svc.ListThreads(e.Ctx, "general", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Pinned) != 1 || list.Pinned[0].ID != ids[3] {
		t.Fatalf("pinned: %+v", list.Pinned)
	}
	if list.Threads[0].ID != ids[0] {
		t.Fatalf("bumped thread not first: got %d", list.Threads[0].ID)
	}
	if len(list.Threads) != forum.ThreadsPerPage || list.Next == "" {
		t.Fatalf("first page: %d threads, next=%q", len(list.Threads), list.Next)
	}
	next, err := e.Svc.ListThreads(e.Ctx, "general", list.Next)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{ids[3]: true}
	for _, th := range append(list.Threads, next.Threads...) {
		if seen[th.ID] {
			t.Fatalf("thread %d listed twice", th.ID)
		}
		seen[th.ID] = true
	}
	if len(seen) != len(ids) || next.Next != "" || len(next.Pinned) != 0 {
		t.Fatalf("second page: saw %d of %d, next=%q", len(seen), len(ids), next.Next)
	}
	if _, err := e.Svc.ListThreads(e.Ctx, "general", "garbage"); err == nil {
		t.Fatal("bad cursor accepted")
	}
}

func TestEditDeleteLikeRules(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	alice := e.User("alice", models.RoleMember)
	bob := e.User("bob", models.RoleMember)
	mod := e.User("moira", models.RoleModerator)
	th, p := e.Thread(alice, "general", "Edit me", "original text")

	if _, err := e.Svc.EditPost(e.Ctx, bob, p.ID, "hijack"); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("bob edited alice's post: %v", err)
	}
	if _, err := e.Svc.EditPost(e.Ctx, alice, p.ID, ""); err == nil {
		t.Fatal("empty edit accepted")
	}
	edited, err := e.Svc.EditPost(e.Ctx, alice, p.ID, "better text")
	if err != nil || edited.EditCount != 1 || edited.EditedAt == nil || !strings.Contains(edited.HTML, "better text") {
		t.Fatalf("edit: %+v %v", edited, err)
	}
	if _, err := e.Svc.EditPost(e.Ctx, mod, p.ID, "moderated text"); err != nil {
		t.Fatalf("moderator edit: %v", err)
	}
	_, revs, err := e.Svc.Revisions(e.Ctx, nil, p.ID)
	if err != nil || len(revs) != 2 || revs[0].Body != "original text" || revs[1].Body != "better text" || revs[0].Editor.ID != alice.ID || revs[1].Editor.ID != mod.ID {
		t.Fatalf("revisions: %+v %v", revs, err)
	}

	if _, err := e.Svc.SetLike(e.Ctx, alice, p.ID, true); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("liked own post: %v", err)
	}
	for i := 0; i < 2; i++ {
		if n, err := e.Svc.SetLike(e.Ctx, bob, p.ID, true); err != nil || n != 1 {
			t.Fatalf("like #%d: count=%d err=%v", i, n, err)
		}
	}
	if n, err := e.Svc.SetLike(e.Ctx, bob, p.ID, false); err != nil || n != 0 {
		t.Fatalf("unlike: %d %v", n, err)
	}

	reply := e.Reply(bob, th.ID, "a reply")
	if err := e.Svc.DeletePost(e.Ctx, alice, reply.ID); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("alice deleted bob's post: %v", err)
	}
	if err := e.Svc.DeletePost(e.Ctx, bob, reply.ID); err != nil {
		t.Fatal(err)
	}
	tp, err := e.Svc.ThreadPage(e.Ctx, alice, th.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !tp.Posts[1].Deleted() || tp.Posts[1].HTML != "" || tp.Posts[1].CanEdit {
		t.Fatalf("deleted post still shows content: %+v", tp.Posts[1])
	}
	if _, err := e.Svc.EditPost(e.Ctx, bob, reply.ID, "resurrect"); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("edited a deleted post: %v", err)
	}
}

func TestReplyToAndLockedThreads(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	alice := e.User("alice", models.RoleMember)
	mod := e.User("moira", models.RoleModerator)
	t1, p1 := e.Thread(alice, "general", "First thread", "one")
	t2, _ := e.Thread(alice, "general", "Second thread", "two")
	if _, err := e.Svc.Reply(e.Ctx, alice, t2.ID, forum.NewReply{Body: "x", ReplyTo: p1.ID}); err == nil {
		t.Fatal("reply_to across threads accepted")
	}
	r, err := e.Svc.Reply(e.Ctx, alice, t1.ID, forum.NewReply{Body: "x", ReplyTo: p1.ID})
	if err != nil || r.ReplyToID == nil || *r.ReplyToID != p1.ID {
		t.Fatalf("reply_to: %+v %v", r, err)
	}
	tp, err := e.Svc.ThreadPage(e.Ctx, nil, t1.ID, 1)
	if err != nil || tp.Posts[1].ReplyTo == nil || tp.Posts[1].ReplyTo.Number != 1 || tp.Posts[1].ReplyTo.Author.ID != alice.ID {
		t.Fatalf("reply ref not loaded: %+v %v", tp.Posts[1].ReplyTo, err)
	}
	if err := e.Store.UpdateThreadFields(e.Ctx, t1.ID, map[string]any{"locked": true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.Reply(e.Ctx, alice, t1.ID, forum.NewReply{Body: "late"}); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("member replied to locked thread: %v", err)
	}
	if _, err := e.Svc.Reply(e.Ctx, mod, t1.ID, forum.NewReply{Body: "staff note"}); err != nil {
		t.Fatalf("moderator reply to locked thread: %v", err)
	}
	q, err := e.Svc.QuoteFor(e.Ctx, alice, p1.ID)
	if err != nil || !strings.Contains(q, "> one") || !strings.Contains(q, "@alice") {
		t.Fatalf("quote: %q %v", q, err)
	}
}

func TestSearchTagsBookmarks(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	alice := e.User("alice", models.RoleMember)
	th, _, err := e.Svc.CreateThread(e.Ctx, alice, forum.NewThread{Category: "general", Title: "Sourdough starters", Body: "My bread keeps collapsing", Tags: []string{"Baking, #bread"}})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := e.Thread(alice, "general", "Cycling routes", "Looking for hills near the river")
	gone := e.Reply(alice, other.ID, "a secret sourdough mention")
	if err := e.Svc.DeletePost(e.Ctx, alice, gone.ID); err != nil {
		t.Fatal(err)
	}
	res, err := e.Svc.Search(e.Ctx, "sourdough")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Threads) != 1 || res.Threads[0].ID != th.ID {
		t.Fatalf("title search: %+v", res.Threads)
	}
	res, err = e.Svc.Search(e.Ctx, "collapsing")
	if err != nil || len(res.Posts) != 1 || res.Posts[0].ThreadID != th.ID {
		t.Fatalf("body search: %+v %v", res, err)
	}
	res, err = e.Svc.Search(e.Ctx, "secret")
	if err != nil || len(res.Posts) != 0 {
		t.Fatalf("deleted post found: %+v %v", res, err)
	}
	for _, q := range []string{`"unbalanced`, `AND OR NOT (`, `*`, `hills NEAR("`} {
		if _, err := e.Svc.Search(e.Ctx, q); err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
	}
	tag, ts, err := e.Svc.TagThreads(e.Ctx, "BREAD", 10)
	if err != nil || tag.Name != "bread" || len(ts) != 1 || len(ts[0].Tags) != 2 {
		t.Fatalf("tag: %+v %+v %v", tag, ts, err)
	}
	if err := e.Svc.SetBookmark(e.Ctx, alice, th.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := e.Svc.SetBookmark(e.Ctx, alice, th.ID, true); err != nil {
		t.Fatalf("bookmark twice: %v", err)
	}
	bs, err := e.Svc.Bookmarks(e.Ctx, alice)
	if err != nil || len(bs) != 1 || bs[0].ID != th.ID {
		t.Fatalf("bookmarks: %+v %v", bs, err)
	}
	if err := e.Svc.SetBookmark(e.Ctx, alice, th.ID, false); err != nil {
		t.Fatal(err)
	}
	if bs, _ := e.Svc.Bookmarks(e.Ctx, alice); len(bs) != 0 {
		t.Fatal("bookmark not removed")
	}
}

func TestSeedWritesConsistentCommunity(t *testing.T) {
	e := forumtest.New(t)
	res, err := e.Svc.Seed(e.Ctx, forum.SeedOptions{Users: 7, Threads: 4, PostsPerThread: 12, Category: "bench"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Users != 7 || res.Threads != 4 || res.Posts != 48 {
		t.Fatalf("result: %+v", res)
	}
	list, err := e.Svc.ListThreads(e.Ctx, "bench", "")
	if err != nil || len(list.Threads) != 4 || list.Category.ThreadCount != 4 || list.Category.PostCount != 48 {
		t.Fatalf("list: %d threads, category %+v, %v", len(list.Threads), list.Category, err)
	}
	tp, err := e.Svc.ThreadPage(e.Ctx, nil, res.FirstThreadID, 3)
	if err != nil || len(tp.Posts) != 2 || tp.Posts[1].Number != 12 || tp.Thread.FirstPostID == 0 {
		t.Fatalf("seeded thread page: %+v %v", tp, err)
	}
	if !tp.Thread.LastPostAt.Equal(tp.Posts[1].CreatedAt) || tp.Thread.LastPostAt.After(e.Svc.Now()) {
		t.Fatalf("last activity %v != last post %v", tp.Thread.LastPostAt, tp.Posts[1].CreatedAt)
	}
	if _, err := e.Svc.Authenticate(e.Ctx, tp.Posts[0].Author.Username, forum.SeedPassword, "127.0.0.1"); err != nil {
		t.Fatalf("seeded member cannot log in: %v", err)
	}
}
