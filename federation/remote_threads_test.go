package federation

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// threadStart is a Mastodon status by rin that answers nothing and
// mentions the category's Group the way Mastodon writes a mention of
// @general@hearth.test: a Mention tag naming the Group and the Group in cc.
func (s *relayScene) threadStart(content string) (note, create map[string]any) {
	html := `<p><span class="h-card"><a href="` + s.group + `" class="u-url mention">@<span>general</span></a></span> ` + content + `</p>`
	note = s.b.newNote("rin", "", html, s.group)
	delete(note, "inReplyTo")
	return note, s.b.wrap("Create", note["id"].(string)+"/activity", "rin", note)
}

// threadOf is the thread whose first post is the remote Note id, or nil.
func (s *relayScene) threadOf(t *testing.T, id string) *models.Thread {
	t.Helper()
	p, err := s.h.env.Store.PostByAPID(context.Background(), id)
	if err != nil {
		return nil
	}
	if p.Number != 1 {
		t.Fatalf("%s is post %d of its thread, not a thread start", id, p.Number)
	}
	th, err := s.h.env.Store.ThreadByID(context.Background(), p.ThreadID)
	must(t, err)
	return th
}

// TestThreadStartedFromTheFediverse: a public Mastodon post mentioning a
// category starts a thread there, admitted as a newcomer's (held until
// approved, then published), titled from its first sentence; the Group
// relays the Create to the Lemmy-shaped follower C once and boosts the
// Note to its Mastodon follower. Once the author is no newcomer, the next
// one is published at once. Posts that are not public, name no category,
// carry a blocked word or go to a staff-only category start nothing.
func TestThreadStartedFromTheFediverse(t *testing.T) {
	s := newRelayScene(t)
	h, ctx := s.h, context.Background()
	mia := "http://masto.test/users/mia"
	s.b.keys["mia"] = testSigner(t).key
	s.deliver(t, s.b, "mia", followActivity(s.b.nextID("users/mia/follow"), mia, s.group))

	// A newcomer's thread waits for approval: nothing exists, nothing is
	// relayed.
	note, create := s.threadStart("Where do I start? I just found this forum and have questions.")
	s.deliver(t, s.b, "rin", create)
	if th := s.threadOf(t, note["id"].(string)); th != nil {
		t.Fatalf("a newcomer's thread was published at once: %+v", th)
	}
	if got := s.relayed(t, s.c, create["id"].(string)); got != 0 {
		t.Fatalf("a held thread start was relayed")
	}
	q, err := h.env.Svc.Queue(ctx, s.boss, "", "")
	must(t, err)
	if len(q.Items) != 1 || q.Items[0].Held == nil || q.Items[0].Held.Reason != forum.HoldSandbox || q.Items[0].Held.Title != "Where do I start?" {
		t.Fatalf("approval queue: %+v", q.Items)
	}
	must(t, h.env.Svc.ResolveQueueItem(ctx, s.boss, q.Items[0].ID, forum.ResolveApprove, ""))
	drain(t, h)
	th := s.threadOf(t, note["id"].(string))
	if th == nil || th.Title != "Where do I start?" || th.CategoryID != s.cat.ID {
		t.Fatalf("approved thread: %+v", th)
	}
	if got := s.relayed(t, s.c, create["id"].(string)); got != 1 {
		t.Errorf("the thread start reached C %d times", got)
	}
	boosts := 0
	for _, a := range s.b.receivedOfType("Announce") {
		if a["object"] == note["id"] && a["actor"] == s.group {
			boosts++
		}
	}
	if boosts != 1 {
		t.Errorf("the Mastodon follower got %d boosts of the thread start", boosts)
	}

	// Two published posts make rin no newcomer: a reply, then the next
	// thread start is published at once.
	firstURL := fmt.Sprintf("%s/p/%d", h.fed.base, th.FirstPostID)
	_, reply := s.reply(firstURL, "thanks for letting me in")
	s.deliver(t, s.b, "rin", reply)
	note2, create2 := s.threadStart("Second question\nwith more lines")
	s.deliver(t, s.b, "rin", create2)
	if th2 := s.threadOf(t, note2["id"].(string)); th2 == nil || th2.Title != "Second question" {
		t.Fatalf("a known author's thread start: %+v", th2)
	}
	if got := s.relayed(t, s.c, create2["id"].(string)); got != 1 {
		t.Errorf("the second thread start reached C %d times", got)
	}
	s.deliver(t, s.b, "rin", create2) // redelivered: one thread
	var n int64
	must(t, h.env.Store.DB(ctx).Model(&models.Thread{}).Where("user_id = ?", th.UserID).Count(&n).Error)
	if n != 2 {
		t.Errorf("rin has %d threads after a redelivery, want 2", n)
	}

	// What starts nothing.
	staffOnly, err := h.env.Svc.CreateCategory(ctx, s.boss, forum.CategoryInput{Name: "News", Slug: "news", StaffOnlyThreads: true})
	must(t, err)
	_ = staffOnly
	_, err = h.env.Svc.AddWatchedWord(ctx, s.boss, forum.WatchedWordInput{Pattern: "casino", Action: "block"})
	must(t, err)
	for _, tc := range []struct {
		name string
		edit func(note, create map[string]any)
	}{
		{"followers only", func(n, c map[string]any) {
			n["to"], n["cc"] = []any{"http://masto.test/users/rin/followers"}, []any{s.group}
			c["to"], c["cc"] = n["to"], n["cc"]
		}},
		{"direct to the Group", func(n, c map[string]any) {
			n["to"], n["cc"] = []any{s.group}, []any{}
			c["to"], c["cc"] = n["to"], n["cc"]
		}},
		{"names no category", func(n, c map[string]any) {
			n["tag"], n["cc"] = []any{}, []any{"http://masto.test/users/rin/followers"}
			c["cc"] = n["cc"]
		}},
		{"blocked word", func(n, c map[string]any) { n["content"] = "<p>casino night</p>" }},
		{"staff-only category", func(n, c map[string]any) {
			news := h.fed.base + "/c/news"
			n["tag"] = []any{map[string]any{"type": "Mention", "href": news}}
			n["cc"] = []any{news}
			c["cc"] = n["cc"]
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			note, create := s.threadStart("Should not start anything here.")
			tc.edit(note, create)
			s.deliver(t, s.b, "rin", create)
			if th := s.threadOf(t, note["id"].(string)); th != nil {
				t.Errorf("started %+v", th)
			}
			if held, err := h.env.Store.HeldPostByAPID(ctx, note["id"].(string)); err == nil {
				t.Errorf("held %+v", held)
			}
		})
	}
}

// TestLemmyPageStartsThreadTitledByName: a Lemmy Page addressed to the
// category (to: the Group and Public, audience: the Group) starts a thread
// titled by its name; a name longer than the forum's limit is cut.
func TestLemmyPageStartsThreadTitledByName(t *testing.T) {
	s := newRelayScene(t)
	h := s.h
	long := strings.Repeat("abcdefghi ", 30)
	for _, tc := range []struct{ name, want string }{
		{"Lemmy asks a question", "Lemmy asks a question"},
		{long, strings.Repeat("abcdefghi ", 19) + "abcdefghi…"},
	} {
		id := s.c.nextID("post")
		page := map[string]any{"id": id, "type": "Page", "attributedTo": s.lemmyUser, "name": tc.name,
			"content": "<p>Body of the post.</p>", "mediaType": "text/html",
			"to": []any{s.group, publicAddress}, "cc": []any{}, "audience": s.group}
		s.c.status(page)
		create := s.c.wrap("Create", s.c.nextID("activities/create"), "lemmy_user", page)
		create["audience"] = s.group
		s.deliver(t, s.c, "lemmy_user", create)
		q, err := h.env.Svc.Queue(h.env.Ctx, s.boss, "", "")
		must(t, err)
		for _, it := range q.Items {
			must(t, h.env.Svc.ResolveQueueItem(h.env.Ctx, s.boss, it.ID, forum.ResolveApprove, ""))
		}
		th := s.threadOf(t, id)
		if th == nil || th.Title != tc.want {
			t.Fatalf("Page %q: thread %+v", tc.name, th)
		}
	}
}
