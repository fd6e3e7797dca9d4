package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"

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
