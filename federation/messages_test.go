package federation

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// directNote is a status by name addressed only to the given actors (to),
// with a Mention tag each: what Mastodon sends for "mentioned people
// only" (direct) visibility.
func (s *doubleScene) directNote(name, inReplyTo, content string, to ...string) map[string]any {
	note := s.d.newNote(name, inReplyTo, content)
	var addr, tags []any
	for _, a := range to {
		addr = append(addr, a)
		tags = append(tags, map[string]any{"type": "Mention", "href": a, "name": "@" + a[strings.LastIndex(a, "/")+1:]})
	}
	note["to"], note["cc"], note["tag"] = addr, []any{}, tags
	return note
}

func conversationsOf(t *testing.T, h *harness, u *models.User) []forum.ConversationView {
	t.Helper()
	l, err := h.env.Svc.Conversations(context.Background(), u, "")
	must(t, err)
	return l.Items
}

// A Mastodon user's direct reply to a thread is not in the thread (page,
// API read, search) but in the addressed member's messages; unlisted and
// followers-only replies go where their audience says; the member's
// answer goes out addressed to exactly that account, and the account's
// reply to it continues the same conversation.
func TestDirectMessagesWithMastodon(t *testing.T) {
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	h, d, ctx := s.h, s.d, context.Background()
	h.env.Svc.SetMessageHooks(h.fed.MessageHooks())
	thread, first := h.env.Thread(s.alice, "general", "Hello, fediverse", "Welcome, everyone.")
	drain(t, h)
	noteURL := fmt.Sprintf("%s/p/%d", h.fed.base, first.ID)

	dm := s.directNote("rin", noteURL, "<p>@alice psst zqxdirect</p>", s.hearthAlice)
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Create", dm["id"].(string)+"/activity", "rin", dm))
	if posts := s.posts(t, thread.ID); len(posts) != 1 {
		t.Fatalf("the direct reply is in the thread: %d posts", len(posts))
	}
	if res, err := h.env.Svc.Search(ctx, "zqxdirect"); err != nil || len(res.Posts) != 0 {
		t.Errorf("search finds the direct reply: %+v %v", res, err)
	}
	if _, err := h.env.Store.PostByAPID(ctx, dm["id"].(string)); err == nil {
		t.Errorf("the direct reply was stored as a post")
	}
	convs := conversationsOf(t, h, s.alice)
	if len(convs) != 1 || convs[0].Unread != 1 {
		t.Fatalf("alice's conversations: %+v", convs)
	}
	if len(conversationsOf(t, h, s.bob)) != 0 {
		t.Errorf("bob got a conversation he was not addressed in")
	}
	page, err := h.env.Svc.Conversation(ctx, s.alice, convs[0].ID, "")
	must(t, err)
	if len(page.Messages) != 1 || !strings.Contains(page.Messages[0].HTML, "zqxdirect") || page.Messages[0].Author.Username != "rin@remote.test" {
		t.Fatalf("alice's conversation: %+v", page.Messages)
	}
	// Redelivery stores nothing twice.
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Create", dm["id"].(string)+"/activity2", "rin", dm))
	if page, _ := h.env.Svc.Conversation(ctx, s.alice, convs[0].ID, ""); len(page.Messages) != 1 {
		t.Errorf("redelivered DM stored again: %d", len(page.Messages))
	}

	// Unlisted (Public in cc) is public in the thread; followers-only
	// addressed to nobody here is nowhere.
	unlisted := d.newNote("rin", noteURL, "<p>unlisted zqxunlisted</p>", s.hearthAlice)
	unlisted["to"], unlisted["cc"] = []any{d.actorURL("rin") + "/followers"}, []any{publicAddress, s.hearthAlice}
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Create", unlisted["id"].(string)+"/activity", "rin", unlisted))
	followers := d.newNote("rin", noteURL, "<p>followers zqxfollowers</p>")
	followers["to"], followers["cc"] = []any{d.actorURL("rin") + "/followers"}, []any{}
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Create", followers["id"].(string)+"/activity", "rin", followers))
	posts := s.posts(t, thread.ID)
	if len(posts) != 2 || !strings.Contains(posts[1].HTML, "zqxunlisted") {
		t.Fatalf("thread after unlisted and followers-only replies: %d posts", len(posts))
	}
	if res, err := h.env.Svc.Search(ctx, "zqxunlisted"); err != nil || len(res.Posts) != 0 {
		t.Errorf("search finds the unlisted reply: %+v %v", res, err)
	}
	// A public reply is found, so the search above could have found it.
	public := d.newNote("rin", noteURL, "<p>zqxunlisted too, but public</p>", s.hearthAlice)
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Create", public["id"].(string)+"/activity", "rin", public))
	if res, err := h.env.Svc.Search(ctx, "zqxunlisted"); err != nil || len(res.Posts) != 1 || !strings.Contains(res.Posts[0].HTML, "public") {
		t.Errorf("search for the public reply: %+v %v", res, err)
	}
	if n := len(conversationsOf(t, h, s.alice)); n != 1 {
		t.Errorf("alice has %d conversations, want 1", n)
	}

	// alice answers: one Create, to rin only, mentioning rin, in reply to
	// rin's message.
	before := len(d.receivedOfType("Create"))
	m, err := h.env.Svc.SendMessage(ctx, s.alice, convs[0].ID, "hello back zqxanswer")
	must(t, err)
	drain(t, h)
	creates := d.receivedOfType("Create")
	if len(creates) != before+1 {
		t.Fatalf("Creates received: %d, want %d", len(creates), before+1)
	}
	out := creates[len(creates)-1]
	obj, _ := out["object"].(map[string]any)
	for _, doc := range []map[string]any{out, obj} {
		if fmt.Sprint(doc["to"]) != fmt.Sprint([]any{s.rin}) || len(doc["cc"].([]any)) != 0 {
			t.Errorf("addressed to %v cc %v, want exactly %s", doc["to"], doc["cc"], s.rin)
		}
	}
	if obj["inReplyTo"] != dm["id"] || !strings.Contains(fmt.Sprint(obj["content"]), "zqxanswer") || !hasMention(obj, s.rin) {
		t.Errorf("outgoing Note: %v", obj)
	}
	if obj["id"] != h.fed.base+fmt.Sprintf("/pm/%d", m.ID) {
		t.Errorf("Note id %v", obj["id"])
	}

	// rin's reply to alice's message continues the same conversation.
	again := s.directNote("rin", obj["id"].(string), "<p>@alice still here zqxcontinued</p>", s.hearthAlice)
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Create", again["id"].(string)+"/activity", "rin", again))
	convs = conversationsOf(t, h, s.alice)
	if len(convs) != 1 {
		t.Fatalf("the reply started another conversation: %d", len(convs))
	}
	page, err = h.env.Svc.Conversation(ctx, s.alice, convs[0].ID, "")
	must(t, err)
	if len(page.Messages) != 3 || !strings.Contains(page.Messages[2].HTML, "zqxcontinued") {
		t.Errorf("conversation after rin's reply: %d messages", len(page.Messages))
	}
	if len(s.posts(t, thread.ID)) != 3 {
		t.Errorf("the continued DM reached the thread")
	}
}

// A member writes first to a fediverse account by handle: resolved by
// WebFinger, delivered to that account's own inbox only.
func TestMessageToRemoteHandle(t *testing.T) {
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	h, d, ctx := s.h, s.d, context.Background()
	h.env.Svc.SetMessageHooks(h.fed.MessageHooks())
	_, _, err := h.env.Svc.StartConversation(ctx, s.alice, forum.NewConversation{To: []string{"@mia@remote.test"}, Body: "hi mia zqxfirst"})
	must(t, err)
	drain(t, h)
	creates := d.receivedOfType("Create")
	if len(creates) != 1 {
		t.Fatalf("Creates: %d", len(creates))
	}
	obj, _ := creates[0]["object"].(map[string]any)
	if fmt.Sprint(obj["to"]) != fmt.Sprint([]any{s.mia}) || len(obj["cc"].([]any)) != 0 || obj["inReplyTo"] != nil {
		t.Errorf("first message addressed %v cc %v inReplyTo %v", obj["to"], obj["cc"], obj["inReplyTo"])
	}
	if _, _, err := h.env.Svc.StartConversation(ctx, s.alice, forum.NewConversation{To: []string{"nobody@remote.test"}, Body: "x"}); err == nil {
		t.Errorf("an unknown remote account was accepted")
	}
}

// Blocks apply both ways: a member's block of a remote account drops its
// direct messages to them; a suspended instance can be neither written to
// nor heard from.
func TestDirectMessageBlocks(t *testing.T) {
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	h, d, ctx := s.h, s.d, context.Background()
	h.env.Svc.SetMessageHooks(h.fed.MessageHooks())
	first := s.directNote("rin", "", "<p>@alice hello zqxhello</p>", s.hearthAlice)
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Create", first["id"].(string)+"/activity", "rin", first))
	if n := len(conversationsOf(t, h, s.alice)); n != 1 {
		t.Fatalf("alice's conversations: %d", n)
	}
	if _, err := h.env.Svc.BlockMessages(ctx, s.alice, "rin@remote.test"); err != nil {
		t.Fatal(err)
	}
	again := s.directNote("rin", "", "<p>@alice hello again zqxagain</p>", s.hearthAlice, s.hearthBobURL)
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Create", again["id"].(string)+"/activity", "rin", again))
	if n := len(conversationsOf(t, h, s.alice)); n != 1 {
		t.Errorf("a blocked account's message reached alice: %d conversations", n)
	}
	if n := len(conversationsOf(t, h, s.bob)); n != 1 {
		t.Errorf("bob, who blocks nobody, did not get it: %d", n)
	}
	admin := h.env.User("boss", models.RoleAdmin)
	if _, err := h.env.Svc.BlockInstance(ctx, admin, "remote.test", models.BlockSuspend, "spam"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.env.Svc.StartConversation(ctx, s.bob, forum.NewConversation{To: []string{"mia@remote.test"}, Body: "hi"}); err == nil {
		t.Errorf("a message to a suspended instance was accepted")
	}
	before := len(d.receivedOfType("Create"))
	convs := conversationsOf(t, h, s.bob)
	if _, err := h.env.Svc.SendMessage(ctx, s.bob, convs[0].ID, "still there?"); err != nil {
		t.Fatal(err)
	}
	drain(t, h)
	if n := len(d.receivedOfType("Create")); n != before {
		t.Errorf("a message was delivered to a suspended instance")
	}
}
