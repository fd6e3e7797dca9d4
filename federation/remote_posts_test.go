package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// remoteScene: alice starts a thread on A; bob and carol are members of B,
// who will write to A's inboxes the way Mastodon does (a reply is addressed
// to the parent post's author, delivered to that author's inbox).
type remoteScene struct {
	n            *network
	a, b         *harness
	alice        *models.User
	bob, carol   *models.User
	thread       *models.Thread
	first        *models.Post
	bobSigner    *Signer
	carolSigner  *Signer
	aliceInbox   string
	parentURL    string
	bobURL, note string
}

func newRemoteScene(t *testing.T) *remoteScene {
	n := newNetwork()
	s := &remoteScene{n: n, a: newPeer(t, n, "a.test"), b: newPeer(t, n, "b.test")}
	ctx := context.Background()
	s.a.env.Category("general")
	s.alice = s.a.env.User("alice", models.RoleMember)
	s.bob = s.b.env.User("bob", models.RoleMember)
	s.carol = s.b.env.User("carol", models.RoleMember)
	must(t, s.b.env.Svc.UpdateProfile(ctx, s.bob, forum.ProfileInput{DisplayName: "Bob Builder"}))
	s.thread, s.first = s.a.env.Thread(s.alice, "general", "Hello, fediverse", "First post.")
	var err error
	s.bobSigner, err = s.b.fed.signerFor(ctx, s.b.fed.userRef(s.bob))
	must(t, err)
	s.carolSigner, err = s.b.fed.signerFor(ctx, s.b.fed.userRef(s.carol))
	must(t, err)
	s.aliceInbox = "http://a.test/u/alice/inbox"
	s.parentURL = fmt.Sprintf("http://a.test/p/%d", s.first.ID)
	s.bobURL = "http://b.test/u/bob"
	s.note = "http://b.test/users/bob/statuses/1"
	return s
}

// send delivers an activity to A's inbox signed by signer and runs the
// workers; A must accept it.
func (s *remoteScene) send(t *testing.T, signer *Signer, act map[string]any) {
	t.Helper()
	body, err := json.Marshal(act)
	must(t, err)
	if code := signedPost(t, s.b.fed.client, signer, s.aliceInbox, body); code != http.StatusAccepted {
		t.Fatalf("inbox answered %d", code)
	}
	drain(t, s.a, s.b)
}

// noteDocFor is a reply Note as Mastodon writes it.
func noteDocFor(id, actor, inReplyTo, content string) map[string]any {
	return map[string]any{
		"id": id, "type": "Note", "attributedTo": actor, "inReplyTo": inReplyTo,
		"content": content, "published": "2020-01-02T03:04:05Z",
		"to": []string{publicAddress}, "cc": []string{"http://a.test/u/alice"},
	}
}

func activityOf(id, typ, actor string, object any) map[string]any {
	return map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": typ, "actor": actor, "object": object}
}

// posts is A's first thread page as a logged-out visitor sees it.
func (s *remoteScene) posts(t *testing.T) []forum.PostView {
	t.Helper()
	page, err := s.a.env.Svc.ThreadPage(context.Background(), nil, s.thread.ID, 1)
	must(t, err)
	return page.Posts
}

func TestRemoteReplyLifecycle(t *testing.T) {
	s := newRemoteScene(t)
	ctx := context.Background()
	create := activityOf(s.note+"/activity", "Create", s.bobURL,
		noteDocFor(s.note, s.bobURL, s.parentURL, `<p>Hi <b>alice</b><script>alert(1)</script></p>`))
	s.send(t, s.bobSigner, create)
	// A second delivery with a new activity id (a forward, a retry after a
	// lost 202) must not store the Note twice.
	create["id"] = s.note + "/activity-again"
	s.send(t, s.bobSigner, create)

	posts := s.posts(t)
	if len(posts) != 2 {
		t.Fatalf("thread has %d posts, want 2", len(posts))
	}
	reply := posts[1]
	if reply.Author == nil || reply.Author.Username != "bob@b.test" || reply.Author.Name() != "Bob Builder" || reply.Author.Domain != "b.test" {
		t.Fatalf("author %+v", reply.Author)
	}
	if strings.Contains(reply.HTML, "script") || !strings.Contains(reply.HTML, "<b>alice</b>") {
		t.Errorf("html %q", reply.HTML)
	}
	if reply.ReplyTo == nil || reply.ReplyTo.ID != s.first.ID || reply.Number != 2 {
		t.Errorf("reply_to %+v number %d", reply.ReplyTo, reply.Number)
	}
	if reply.APID == nil || *reply.APID != s.note {
		t.Errorf("ap_id %v", reply.APID)
	}
	if th, _ := s.a.env.Store.ThreadByID(ctx, s.thread.ID); th.PostCount != 2 {
		t.Errorf("post_count %d", th.PostCount)
	}
	// Nothing goes back out as if a member here had written it.
	if got := sentTo(t, s.a, "http://b.test/inbox"); len(got) != 0 {
		t.Errorf("A delivered %d activities for a remote reply", len(got))
	}

	// The remote author's row is no actor of A's, and A does not serve
	// bob's Note as its own.
	if rec := s.a.get("/u/bob@b.test", acceptAP); rec.Code != http.StatusNotFound {
		t.Errorf("GET /u/bob@b.test as ActivityPub: %d", rec.Code)
	}
	if rec := s.a.get(fmt.Sprintf("/p/%d", reply.ID), acceptAP); rec.Code != http.StatusFound || rec.Header().Get("Location") != s.note {
		t.Errorf("GET of the remote post: %d to %q", rec.Code, rec.Header().Get("Location"))
	}

	// The remote author's row cannot log in, whatever is typed.
	for _, pw := range []string{"", "password123"} {
		if _, err := s.a.env.Svc.Authenticate(ctx, "bob@b.test", pw, "10.0.0.1"); err == nil {
			t.Errorf("remote user logged in with %q", pw)
		}
		if _, err := s.a.env.Svc.Authenticate(ctx, "remote+1@invalid", pw, "10.0.0.2"); err == nil {
			t.Errorf("remote user logged in by email with %q", pw)
		}
	}

	// Carol may not edit or delete bob's Note: neither as herself nor by
	// signing an activity that claims to be bob's.
	forged := noteDocFor(s.note, s.bobURL, s.parentURL, "<p>forged</p>")
	s.send(t, s.carolSigner, activityOf("http://b.test/u/carol#u1", "Update", "http://b.test/u/carol", forged))
	s.send(t, s.carolSigner, activityOf("http://b.test/u/bob#u2", "Update", s.bobURL, forged))
	s.send(t, s.carolSigner, activityOf("http://b.test/u/carol#d1", "Delete", "http://b.test/u/carol", s.note))
	s.send(t, s.carolSigner, activityOf("http://b.test/u/bob#d2", "Delete", s.bobURL, s.note))
	if got := s.posts(t)[1]; got.Deleted() || !strings.Contains(got.HTML, "alice") || got.EditedAt != nil {
		t.Fatalf("another actor changed the post: %+v", got.Post)
	}

	// Bob edits, then deletes.
	edited := noteDocFor(s.note, s.bobURL, s.parentURL, "<p>Hi again</p>")
	s.send(t, s.bobSigner, activityOf(s.note+"#updates/1", "Update", s.bobURL, edited))
	if got := s.posts(t)[1]; got.HTML != "<p>Hi again</p>" || got.EditedAt == nil {
		t.Fatalf("after Update: %q edited %v", got.HTML, got.EditedAt)
	}
	s.send(t, s.bobSigner, activityOf(s.note+"#delete", "Delete", s.bobURL,
		map[string]any{"id": s.note, "type": "Tombstone"}))
	if got := s.posts(t)[1]; !got.Deleted() || got.HTML != "" {
		t.Fatalf("after Delete: deleted=%v html %q", got.Deleted(), got.HTML)
	}
}

// TestRemoteReplyThroughUnknownParent: the reply answers a Note Hearth
// never stored (on a third server), which answers alice's post; A fetches
// the parent and attaches the reply to alice's thread.
func TestRemoteReplyThroughUnknownParent(t *testing.T) {
	s := newRemoteScene(t)
	mid := "http://c.test/notes/1"
	s.n.add(t, "c.test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Signature") == "" {
			http.Error(w, "sign your fetches", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", activityJSON)
		_ = json.NewEncoder(w).Encode(noteDocFor(mid, "http://c.test/users/dan", s.parentURL, "<p>middle</p>"))
	}))
	s.send(t, s.bobSigner, activityOf(s.note+"/activity", "Create", s.bobURL,
		noteDocFor(s.note, s.bobURL, mid, "<p>deep reply</p>")))
	posts := s.posts(t)
	if len(posts) != 2 || posts[1].HTML != "<p>deep reply</p>" {
		t.Fatalf("posts %+v", posts)
	}
	// A chain that never reaches Hearth is dropped, and marked done.
	other := "http://b.test/users/bob/statuses/2"
	s.send(t, s.bobSigner, activityOf(other+"/activity", "Create", s.bobURL,
		noteDocFor(other, s.bobURL, "http://c.test/elsewhere", "<p>not for us</p>")))
	if len(s.posts(t)) != 2 {
		t.Fatal("a reply to a stranger's post was attached")
	}
	row, err := s.a.env.Store.InboxByActivityID(context.Background(), other+"/activity")
	must(t, err)
	if row.State != models.QueueDone {
		t.Errorf("state %q (%s)", row.State, row.LastError)
	}
}

func TestRemoteReplyToLockedThreadIgnored(t *testing.T) {
	s := newRemoteScene(t)
	must(t, s.a.env.Store.UpdateThreadFields(context.Background(), s.thread.ID, map[string]any{"locked": true}))
	s.send(t, s.bobSigner, activityOf(s.note+"/activity", "Create", s.bobURL,
		noteDocFor(s.note, s.bobURL, s.parentURL, "<p>let me in</p>")))
	if n := len(s.posts(t)); n != 1 {
		t.Fatalf("locked thread has %d posts", n)
	}
}

// TestRemoteLike: a remote like counts once per actor, however often it
// arrives, and Undo takes it back.
func TestRemoteLike(t *testing.T) {
	s := newRemoteScene(t)
	like := activityOf(s.bobURL+"#likes/1", "Like", s.bobURL, s.parentURL)
	s.send(t, s.bobSigner, like)
	like["id"] = s.bobURL + "#likes/2"
	s.send(t, s.bobSigner, like)
	if got := s.posts(t)[0].LikeCount; got != 1 {
		t.Fatalf("like_count %d, want 1", got)
	}
	s.send(t, s.bobSigner, activityOf(s.bobURL+"#likes/1/undo", "Undo", s.bobURL, like))
	if got := s.posts(t)[0].LikeCount; got != 0 {
		t.Fatalf("like_count after Undo %d, want 0", got)
	}
}
