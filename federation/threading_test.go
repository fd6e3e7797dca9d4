package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth/hearth/models"
)

// noteServer is a third server (c.test) that serves the Notes it holds to
// signed GETs, and answers 503 for those marked down, as a peer that is
// briefly unreachable does.
type noteServer struct {
	mu    sync.Mutex
	notes map[string]map[string]any
	down  map[string]bool
	gets  map[string]int
}

func newNoteServer(t *testing.T, n *network, host string) *noteServer {
	ns := &noteServer{notes: map[string]map[string]any{}, down: map[string]bool{}, gets: map[string]int{}}
	n.add(t, host, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Signature") == "" {
			http.Error(w, "sign your fetches", http.StatusUnauthorized)
			return
		}
		id := "http://" + host + r.URL.RequestURI()
		ns.mu.Lock()
		doc, ok := ns.notes[id]
		down := ns.down[id]
		ns.gets[id]++
		ns.mu.Unlock()
		switch {
		case down:
			http.Error(w, "try later", http.StatusServiceUnavailable)
		case !ok:
			http.NotFound(w, r)
		default:
			w.Header().Set("Content-Type", activityJSON)
			_ = json.NewEncoder(w).Encode(doc)
		}
	}))
	return ns
}

func (ns *noteServer) put(doc map[string]any) {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	ns.notes[doc["id"].(string)] = doc
}

func (ns *noteServer) setDown(id string, down bool) {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	ns.down[id] = down
}

func (ns *noteServer) fetches(id string) int {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	return ns.gets[id]
}

// postByAPID is A's copy of a remote Note, failing when A has none.
func (s *remoteScene) postByAPID(t *testing.T, apID string) *models.Post {
	t.Helper()
	p, err := s.a.env.Store.PostByAPID(context.Background(), apID)
	if err != nil {
		t.Fatalf("A has no post for %s: %v", apID, err)
	}
	return p
}

// TestReplyToRemoteReplyThreaded: a reply whose inReplyTo is another
// remote reply stored here, or a local reply, joins the thread answering
// exactly that post, so the page quotes and links it as for a member's
// reply.
func TestReplyToRemoteReplyThreaded(t *testing.T) {
	s := newRemoteScene(t)
	s.send(t, s.bobSigner, activityOf(s.note+"/activity", "Create", s.bobURL,
		noteDocFor(s.note, s.bobURL, s.parentURL, "<p>bob answers alice</p>")))
	bobPost := s.postByAPID(t, s.note)

	local := s.a.env.Reply(s.alice, s.thread.ID, "alice answers bob")
	carolURL := "http://b.test/u/carol"
	for _, tc := range []struct {
		note, inReplyTo string
		want            int64
	}{
		{"http://b.test/users/carol/statuses/1", s.note, bobPost.ID},
		{"http://b.test/users/carol/statuses/2", fmt.Sprintf("http://a.test/p/%d", local.ID), local.ID},
	} {
		s.send(t, s.carolSigner, activityOf(tc.note+"/activity", "Create", carolURL,
			noteDocFor(tc.note, carolURL, tc.inReplyTo, "<p>carol joins in</p>")))
		got := s.postByAPID(t, tc.note)
		if got.ThreadID != s.thread.ID || got.ReplyToID == nil || *got.ReplyToID != tc.want {
			t.Errorf("%s: thread %d reply_to %v, want thread %d reply_to %d", tc.note, got.ThreadID, got.ReplyToID, s.thread.ID, tc.want)
		}
	}
	posts := s.posts(t)
	if len(posts) != 5 || posts[3].ReplyTo == nil || posts[3].ReplyTo.ID != bobPost.ID || posts[3].ReplyTo.Author.Username != "bob@b.test" {
		t.Fatalf("thread page: %d posts, reply_to of the 4th %+v", len(posts), posts[min(3, len(posts)-1)].ReplyTo)
	}
}

// person is an actor document for the note server.
func person(id string) map[string]any {
	return map[string]any{"id": id, "type": "Person", "inbox": id + "/inbox", "preferredUsername": id[strings.LastIndex(id, "/")+1:]}
}

// TestMissingAncestorsImported: a reply answers a Note three replies deep
// on a third server, none of which Hearth has; the chain is fetched, the
// three are imported oldest first, each answering the one before, and
// then the reply, answering the nearest.
func TestMissingAncestorsImported(t *testing.T) {
	s := newRemoteScene(t)
	c := newNoteServer(t, s.n, "c.test")
	dan, erin := "http://c.test/users/dan", "http://c.test/users/erin"
	c.put(person(dan))
	c.put(person(erin))
	n1, n2, n3 := "http://c.test/notes/1", "http://c.test/notes/2", "http://c.test/notes/3"
	c.put(noteDocFor(n1, dan, s.parentURL, "<p>one</p>"))
	c.put(noteDocFor(n2, erin, n1, "<p>two</p>"))
	c.put(noteDocFor(n3, dan, n2, "<p>three</p>"))
	// A Note meant for a few people is walked through, never imported.
	private := noteDocFor("http://c.test/notes/4", erin, n3, "<p>just for bob</p>")
	private["to"], private["cc"] = []string{s.bobURL}, []string{}
	c.put(private)

	s.send(t, s.bobSigner, activityOf(s.note+"/activity", "Create", s.bobURL,
		noteDocFor(s.note, s.bobURL, "http://c.test/notes/4", "<p>bob, four deep</p>")))

	posts := s.posts(t)
	var got []string
	for _, p := range posts {
		got = append(got, p.HTML)
	}
	want := []string{"<p>First post.</p>\n", "<p>one</p>", "<p>two</p>", "<p>three</p>", "<p>bob, four deep</p>"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("thread %q, want %q", got, want)
	}
	for i := 1; i < len(posts); i++ {
		if posts[i].ReplyTo == nil || posts[i].ReplyTo.ID != posts[i-1].ID {
			t.Errorf("post %d answers %+v, want post %d", posts[i].Number, posts[i].ReplyTo, posts[i-1].Number)
		}
	}
	if posts[1].Author.Username != "dan@c.test" || posts[2].Author.Username != "erin@c.test" {
		t.Errorf("ancestors' authors %s, %s", posts[1].Author.Username, posts[2].Author.Username)
	}
	// Delivered again, nothing is fetched or stored twice.
	before := c.fetches(n1)
	s.send(t, s.bobSigner, activityOf(s.note+"/again", "Create", s.bobURL,
		noteDocFor(s.note, s.bobURL, "http://c.test/notes/4", "<p>bob, four deep</p>")))
	if n := len(s.posts(t)); n != 5 || c.fetches(n1) != before {
		t.Errorf("redelivery: %d posts, %d fetches of the oldest ancestor (was %d)", n, c.fetches(n1), before)
	}
}

// TestAncestorBound: a chain deeper than maxAncestors is not followed to
// its end (the Note past the bound is never fetched) and the reply is
// neither threaded nor kept pending.
func TestAncestorBound(t *testing.T) {
	s := newRemoteScene(t)
	c := newNoteServer(t, s.n, "c.test")
	dan := "http://c.test/users/dan"
	c.put(person(dan))
	parent := s.parentURL
	for i := 1; i <= maxAncestors+1; i++ {
		id := fmt.Sprintf("http://c.test/notes/%d", i)
		c.put(noteDocFor(id, dan, parent, fmt.Sprintf("<p>%d</p>", i)))
		parent = id
	}
	s.send(t, s.bobSigner, activityOf(s.note+"/activity", "Create", s.bobURL,
		noteDocFor(s.note, s.bobURL, parent, "<p>too deep</p>")))
	if n := len(s.posts(t)); n != 1 {
		t.Fatalf("thread has %d posts", n)
	}
	if c.fetches("http://c.test/notes/1") != 0 || c.fetches("http://c.test/notes/2") != 1 {
		t.Errorf("fetches: oldest %d, second %d", c.fetches("http://c.test/notes/1"), c.fetches("http://c.test/notes/2"))
	}
	if rows, err := s.a.env.Store.PendingReplies(context.Background()); err != nil || len(rows) != 0 {
		t.Errorf("pending %d (%v)", len(rows), err)
	}
}

// TestPendingUntilParentDelivered: the parent's server answers 503, so the
// reply waits in pending_replies (not threaded, not dropped); a retry
// while the server is still down keeps it waiting with a later retry time;
// once the parent is delivered, the next pass threads the reply under it
// at once, without waiting for its retry time.
func TestPendingUntilParentDelivered(t *testing.T) {
	s := newRemoteScene(t)
	ctx := context.Background()
	carolURL := "http://b.test/u/carol"
	parent := "http://b.test/users/carol/statuses/5"
	down := true
	s.n.add(t, "b.test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down && strings.HasPrefix(r.URL.Path, "/users/carol/statuses/") {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		s.b.e.ServeHTTP(w, r)
	}))
	s.send(t, s.bobSigner, activityOf(s.note+"/activity", "Create", s.bobURL,
		noteDocFor(s.note, s.bobURL, parent, "<p>answering carol</p>")))
	if n := len(s.posts(t)); n != 1 {
		t.Fatalf("thread has %d posts before the parent is known", n)
	}
	rows, err := s.a.env.Store.PendingReplies(ctx)
	must(t, err)
	if len(rows) != 1 || rows[0].NoteID != s.note || rows[0].WaitingFor != parent || rows[0].Host != "b.test" {
		t.Fatalf("pending %+v", rows)
	}
	row, err := s.a.env.Store.InboxByActivityID(ctx, s.note+"/activity")
	must(t, err)
	if row.State != models.QueueDone {
		t.Errorf("inbox row %q", row.State)
	}

	// Not due yet: nothing is claimed. Due and still down: rescheduled.
	if n, err := s.a.fed.processPending(ctx); err != nil || n != 0 {
		t.Fatalf("claimed %d before its time (%v)", n, err)
	}
	base := s.a.env.Svc.Now()
	s.a.env.Svc.SetClock(func() time.Time { return base.Add(pendingRetryBase + time.Second) })
	s.b.env.Svc.SetClock(func() time.Time { return base.Add(pendingRetryBase + time.Second) })
	if n, err := s.a.fed.processPending(ctx); err != nil || n != 1 {
		t.Fatalf("retry claimed %d (%v)", n, err)
	}
	rows, err = s.a.env.Store.PendingReplies(ctx)
	must(t, err)
	if len(rows) != 1 || rows[0].State != models.QueuePending || !rows[0].NextAttemptAt.After(s.a.env.Svc.Now()) || len(s.posts(t)) != 1 {
		t.Fatalf("after a failed retry: %+v", rows)
	}

	// carol's server delivers the parent itself.
	s.send(t, s.carolSigner, activityOf(parent+"/activity", "Create", carolURL,
		noteDocFor(parent, carolURL, s.parentURL, "<p>carol first</p>")))
	if n, err := s.a.fed.processPending(ctx); err != nil || n != 1 {
		t.Fatalf("after the parent arrived, claimed %d (%v)", n, err)
	}
	posts := s.posts(t)
	if len(posts) != 3 || posts[2].HTML != "<p>answering carol</p>" || posts[2].ReplyTo == nil || posts[2].ReplyTo.ID != posts[1].ID {
		t.Fatalf("thread after the parent arrived: %d posts", len(posts))
	}
	if rows, _ := s.a.env.Store.PendingReplies(ctx); len(rows) != 0 {
		t.Errorf("%d pending left", len(rows))
	}
}

// TestPendingBounds: the table holds at most the per-host bound from one
// server (further replies are logged and dropped, and their inbox rows
// done), and rows past their expiry are removed.
func TestPendingBounds(t *testing.T) {
	s := newRemoteScene(t)
	ctx := context.Background()
	c := newNoteServer(t, s.n, "c.test")
	s.a.fed.pending = pendingLimits{perHost: 2, total: 10}
	for i := 1; i <= 3; i++ {
		parent := fmt.Sprintf("http://c.test/notes/%d", i)
		c.setDown(parent, true)
		note := fmt.Sprintf("http://b.test/users/bob/statuses/%d", 10+i)
		s.send(t, s.bobSigner, activityOf(note+"/activity", "Create", s.bobURL, noteDocFor(note, s.bobURL, parent, "<p>wait</p>")))
		row, err := s.a.env.Store.InboxByActivityID(ctx, note+"/activity")
		must(t, err)
		if row.State != models.QueueDone {
			t.Errorf("inbox row %d: %q", i, row.State)
		}
	}
	rows, err := s.a.env.Store.PendingReplies(ctx)
	must(t, err)
	if len(rows) != 2 {
		t.Fatalf("pending %d, want the bound 2", len(rows))
	}
	s.a.fed.pending = pendingLimits{perHost: 10, total: 2}
	note := "http://b.test/users/carol/statuses/20"
	c.setDown("http://c.test/notes/20", true)
	s.send(t, s.carolSigner, activityOf(note+"/activity", "Create", "http://b.test/u/carol",
		noteDocFor(note, "http://b.test/u/carol", "http://c.test/notes/20", "<p>wait</p>")))
	if rows, _ := s.a.env.Store.PendingReplies(ctx); len(rows) != 2 {
		t.Fatalf("total bound: %d pending", len(rows))
	}

	base := s.a.env.Svc.Now()
	s.a.env.Svc.SetClock(func() time.Time { return base.Add(pendingExpiry + time.Minute) })
	_, err = s.a.fed.processPending(ctx)
	must(t, err)
	if rows, _ := s.a.env.Store.PendingReplies(ctx); len(rows) != 0 {
		t.Fatalf("%d pending after expiry", len(rows))
	}
	if n := len(s.posts(t)); n != 1 {
		t.Errorf("thread has %d posts", n)
	}
}

// TestAncestorFromBlockedInstanceSkipped: an ancestor written on a
// suspended instance never passed the inbox's block check, so it is not
// imported; the reply is threaded under the nearest post Hearth has.
func TestAncestorFromBlockedInstanceSkipped(t *testing.T) {
	s := newRemoteScene(t)
	ctx := context.Background()
	c := newNoteServer(t, s.n, "c.test")
	dan := "http://c.test/users/dan"
	c.put(person(dan))
	c.put(noteDocFor("http://c.test/notes/1", dan, s.parentURL, "<p>from a blocked server</p>"))
	admin := s.a.env.User("boss", models.RoleAdmin)
	_, err := s.a.env.Svc.BlockInstance(ctx, admin, "c.test", models.BlockSuspend, "spam")
	must(t, err)
	s.send(t, s.bobSigner, activityOf(s.note+"/activity", "Create", s.bobURL,
		noteDocFor(s.note, s.bobURL, "http://c.test/notes/1", "<p>bob</p>")))
	posts := s.posts(t)
	if len(posts) != 2 || posts[1].HTML != "<p>bob</p>" || posts[1].ReplyTo == nil || posts[1].ReplyTo.ID != s.first.ID {
		t.Fatalf("thread: %d posts", len(posts))
	}
}

// TestPendingReplyOfBlockedAuthorDropped: an author blocked while their
// reply waited is not threaded when it comes due.
func TestPendingReplyOfBlockedAuthorDropped(t *testing.T) {
	s := newRemoteScene(t)
	ctx := context.Background()
	c := newNoteServer(t, s.n, "c.test")
	c.setDown("http://c.test/notes/1", true)
	s.send(t, s.bobSigner, activityOf(s.note+"/activity", "Create", s.bobURL,
		noteDocFor(s.note, s.bobURL, "http://c.test/notes/1", "<p>wait</p>")))
	if rows, _ := s.a.env.Store.PendingReplies(ctx); len(rows) != 1 {
		t.Fatalf("pending %d", len(rows))
	}
	_, err := s.a.env.Svc.BlockInstance(ctx, s.a.env.User("boss", models.RoleAdmin), "b.test", models.BlockSuspend, "spam")
	must(t, err)
	c.setDown("http://c.test/notes/1", false)
	c.put(person("http://c.test/users/dan"))
	c.put(noteDocFor("http://c.test/notes/1", "http://c.test/users/dan", s.parentURL, "<p>one</p>"))
	base := s.a.env.Svc.Now()
	s.a.env.Svc.SetClock(func() time.Time { return base.Add(pendingRetryBase + time.Second) })
	s.b.env.Svc.SetClock(func() time.Time { return base.Add(pendingRetryBase + time.Second) })
	if n, err := s.a.fed.processPending(ctx); err != nil || n != 1 {
		t.Fatalf("claimed %d (%v)", n, err)
	}
	if rows, _ := s.a.env.Store.PendingReplies(ctx); len(rows) != 0 || len(s.posts(t)) != 1 {
		t.Fatalf("after the block: %d pending, %d posts", len(rows), len(s.posts(t)))
	}
}
