package federation

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// TestThreadContextItems: a thread's context collection lists a remote
// reply by its own id (as Mastodon's contexts do, app/controllers/
// activitypub/contexts_controller.rb lists status.uri), leaves out posts
// that were hidden or deleted, and a thread in the ambassadors' private
// category has no context at all.
func TestThreadContextItems(t *testing.T) {
	s := newRemoteScene(t)
	ctx := context.Background()
	s.send(t, s.bobSigner, activityOf(s.note+"/activity", "Create", s.bobURL,
		noteDocFor(s.note, s.bobURL, s.parentURL, "<p>remote</p>")))
	hidden := s.a.env.Reply(s.alice, s.thread.ID, "hidden by flags")
	deleted := s.a.env.Reply(s.alice, s.thread.ID, "deleted")
	kept := s.a.env.Reply(s.alice, s.thread.ID, "kept")
	now := s.a.env.Svc.Now()
	must(t, s.a.env.Store.UpdatePostFields(ctx, hidden.ID, map[string]any{"hidden_at": now}))
	must(t, s.a.env.Svc.DeletePost(ctx, s.alice, deleted.ID))

	coll := s.a.activity(fmt.Sprintf("/t/%d", s.thread.ID), http.StatusOK)
	items, _ := coll["orderedItems"].([]any)
	want := []any{s.parentURL, s.note, fmt.Sprintf("http://a.test/p/%d", kept.ID)}
	if fmt.Sprint(items) != fmt.Sprint(want) {
		t.Fatalf("context items %v, want %v", items, want)
	}

	boss := s.a.env.User("boss", models.RoleAdmin)
	_, err := s.a.env.Svc.CreateCategory(ctx, boss, forum.CategoryInput{Name: "Ambassadors", Slug: "ambassadors", AmbassadorsOnly: true})
	must(t, err)
	amb := s.a.env.User("amb", models.RoleAmbassador)
	private, _ := s.a.env.Thread(amb, "ambassadors", "Private plans", "only for us")
	for _, q := range []string{"", "?page=1"} {
		if rec := s.a.get(fmt.Sprintf("/t/%d%s", private.ID, q), acceptAP); rec.Code != http.StatusNotFound {
			t.Errorf("private thread's context%s: %d", q, rec.Code)
		}
	}
}

// TestReplyPlacedByContext: a reply whose inReplyTo cannot be resolved is
// still threaded when its context names a Hearth thread, or a remote
// conversation whose replies already joined one; a context on another
// server than the Note's is not recorded, so nobody can claim someone
// else's conversation for a thread.
func TestReplyPlacedByContext(t *testing.T) {
	s := newRemoteScene(t)
	newNoteServer(t, s.n, "c.test") // knows no Note: every fetch is a 404
	threadURL := fmt.Sprintf("http://a.test/t/%d", s.thread.ID)
	bobContext := "http://b.test/contexts/9"
	carolURL := "http://b.test/u/carol"

	send := func(signer *Signer, actor, id, inReplyTo, context string) {
		note := noteDocFor(id, actor, inReplyTo, "<p>"+id+"</p>")
		if context != "" {
			note["context"] = context
		}
		s.send(t, signer, activityOf(id+"/activity", "Create", actor, note))
	}
	// bob answers alice under his server's own conversation id…
	send(s.bobSigner, s.bobURL, s.note, s.parentURL, bobContext)
	// …carol answers a Note nobody can fetch, naming the thread, then
	// another, naming bob's conversation.
	send(s.carolSigner, carolURL, "http://b.test/users/carol/statuses/1", "http://c.test/gone/1", threadURL)
	send(s.carolSigner, carolURL, "http://b.test/users/carol/statuses/2", "http://c.test/gone/2", bobContext)
	// A context on a third server is neither followed nor recorded.
	send(s.carolSigner, carolURL, "http://b.test/users/carol/statuses/3", s.parentURL, "http://c.test/contexts/1")
	send(s.carolSigner, carolURL, "http://b.test/users/carol/statuses/4", "http://c.test/gone/4", "http://c.test/contexts/1")

	for _, id := range []string{"http://b.test/users/carol/statuses/1", "http://b.test/users/carol/statuses/2"} {
		p := s.postByAPID(t, id)
		if p.ThreadID != s.thread.ID || p.ReplyToID != nil {
			t.Errorf("%s: thread %d reply_to %v", id, p.ThreadID, p.ReplyToID)
		}
	}
	if _, err := s.a.env.Store.PostByAPID(context.Background(), "http://b.test/users/carol/statuses/4"); err == nil {
		t.Error("a reply was placed by a context its server does not own")
	}
	if n := len(s.posts(t)); n != 5 {
		t.Errorf("thread has %d posts, want 5", n)
	}
}

// TestMergeMovesRemoteContext: after a merge, a reply naming a remote
// conversation that had continued in the merged thread joins the thread it
// was merged into.
func TestMergeMovesRemoteContext(t *testing.T) {
	s := newRemoteScene(t)
	ctx := context.Background()
	newNoteServer(t, s.n, "c.test")
	bobContext := "http://b.test/contexts/9"
	bob := noteDocFor(s.note, s.bobURL, s.parentURL, "<p>bob</p>")
	bob["context"] = bobContext
	s.send(t, s.bobSigner, activityOf(s.note+"/activity", "Create", s.bobURL, bob))
	into, _ := s.a.env.Thread(s.alice, "general", "The older thread", "older")
	mod := s.a.env.User("moddy", models.RoleModerator)
	must(t, s.a.env.Svc.MergeThreads(ctx, mod, s.thread.ID, into.ID, "duplicate"))

	carolURL := "http://b.test/u/carol"
	late := noteDocFor("http://b.test/users/carol/statuses/1", carolURL, "http://c.test/gone", "<p>late</p>")
	late["context"] = bobContext
	s.send(t, s.carolSigner, activityOf("http://b.test/users/carol/statuses/1/activity", "Create", carolURL, late))
	if p := s.postByAPID(t, "http://b.test/users/carol/statuses/1"); p.ThreadID != into.ID {
		t.Fatalf("late reply in thread %d, want %d", p.ThreadID, into.ID)
	}
}
