package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/hearth/hearth/models"
)

// backfillScene: bob (b.test) answers alice's thread under his server's
// conversation http://b.test/contexts/9, which lists, over two pages,
// replies A never received: carol's (one by id, one embedded), one only
// carol's followers may see, alice's own post, and dan's from c.test.
type backfillScene struct {
	*remoteScene
	contextID                string
	carol7, carol8, dan1, c9 string
}

func newBackfillScene(t *testing.T) *backfillScene {
	s := &backfillScene{remoteScene: newRemoteScene(t), contextID: "http://b.test/contexts/9"}
	carolURL := "http://b.test/u/carol"
	s.carol7, s.carol8, s.c9 = "http://b.test/users/carol/statuses/7", "http://b.test/users/carol/statuses/8", "http://b.test/users/carol/statuses/9"
	s.dan1 = "http://c.test/notes/1"
	withContext := func(doc map[string]any) map[string]any { doc["context"] = s.contextID; return doc }
	private := withContext(noteDocFor(s.c9, carolURL, s.parentURL, "<p>followers only</p>"))
	private["to"] = []string{carolURL + "/followers"}
	private["cc"] = []string{}
	docs := map[string]any{
		"/contexts/9": map[string]any{"id": s.contextID, "type": "OrderedCollection", "first": s.contextID + "?page=1"},
		"/contexts/9?page=1": map[string]any{"id": s.contextID + "?page=1", "type": "OrderedCollectionPage", "partOf": s.contextID,
			"next":         s.contextID + "?page=2",
			"orderedItems": []any{s.note, s.carol7, withContext(noteDocFor(s.carol8, carolURL, s.carol7, "<p>carol again</p>"))}},
		"/contexts/9?page=2": map[string]any{"id": s.contextID + "?page=2", "type": "OrderedCollectionPage", "partOf": s.contextID,
			"orderedItems": []any{private, s.parentURL, s.dan1}},
		"/users/carol/statuses/7": withContext(noteDocFor(s.carol7, carolURL, s.parentURL, "<p>carol missed</p>")),
	}
	s.n.add(t, "b.test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if doc, ok := docs[r.URL.RequestURI()]; ok {
			if r.Header.Get("Signature") == "" {
				http.Error(w, "sign your fetches", http.StatusUnauthorized)
				return
			}
			w.Header().Set("Content-Type", activityJSON)
			_ = json.NewEncoder(w).Encode(doc)
			return
		}
		s.b.e.ServeHTTP(w, r)
	}))
	c := newNoteServer(t, s.n, "c.test")
	c.put(person("http://c.test/users/dan"))
	c.put(noteDocFor(s.dan1, "http://c.test/users/dan", s.note, "<p>dan from afar</p>"))

	bob := noteDocFor(s.note, s.bobURL, s.parentURL, "<p>bob</p>")
	bob["context"] = s.contextID
	s.send(t, s.bobSigner, activityOf(s.note+"/activity", "Create", s.bobURL, bob))
	return s
}

// TestBackfillImportsMissedReplies: the first reply naming a remote
// conversation queues a backfill of the thread; the backfill pages the
// conversation (signed, following first and next), imports the public
// replies A lacked under their parents, skips the non-public one and
// A's own post; a moderator's second request imports nothing again.
func TestBackfillImportsMissedReplies(t *testing.T) {
	s := newBackfillScene(t)
	ctx := context.Background()
	rows, err := s.a.env.Store.BackfillRequests(ctx, s.thread.ID)
	must(t, err)
	if len(rows) != 1 || rows[0].State != models.QueuePending || rows[0].RequestedBy != nil {
		t.Fatalf("automatic backfill %+v", rows)
	}
	if n, err := s.a.fed.processBackfills(ctx); err != nil || n != 1 {
		t.Fatalf("claimed %d (%v)", n, err)
	}
	posts := s.posts(t)
	byHTML := map[string]int{}
	for i, p := range posts {
		byHTML[p.HTML] = i
	}
	if len(posts) != 5 {
		t.Fatalf("thread has %d posts, want 5", len(posts))
	}
	for _, tc := range []struct{ html, parent string }{
		{"<p>carol missed</p>", "<p>First post.</p>\n"},
		{"<p>carol again</p>", "<p>carol missed</p>"},
		{"<p>dan from afar</p>", "<p>bob</p>"},
	} {
		i, ok := byHTML[tc.html]
		if !ok {
			t.Errorf("%s not imported", tc.html)
			continue
		}
		if p := posts[i]; p.ReplyTo == nil || p.ReplyTo.ID != posts[byHTML[tc.parent]].ID {
			t.Errorf("%s answers %+v, want %s", tc.html, p.ReplyTo, tc.parent)
		}
	}
	if _, err := s.a.env.Store.PostByAPID(ctx, s.c9); err == nil {
		t.Error("a followers-only reply was imported")
	}

	mod := s.a.env.User("moddy", models.RoleModerator)
	must(t, s.a.env.Svc.RequestBackfill(ctx, mod, s.thread.ID, ""))
	must(t, s.a.env.Svc.RequestBackfill(ctx, mod, s.thread.ID, "")) // one waits already
	if n, err := s.a.fed.processBackfills(ctx); err != nil || n != 1 {
		t.Fatalf("second backfill claimed %d (%v)", n, err)
	}
	if n := len(s.posts(t)); n != 5 {
		t.Fatalf("second backfill: %d posts", n)
	}
	rows, err = s.a.env.Store.BackfillRequests(ctx, s.thread.ID)
	must(t, err)
	if len(rows) != 2 || rows[0].Imported != 3 || rows[1].Imported != 0 || rows[1].State != models.QueueDone || rows[1].RequestedBy == nil {
		t.Fatalf("backfill records %+v", rows)
	}
	member := s.a.env.User("member", models.RoleMember)
	if err := s.a.env.Svc.RequestBackfill(ctx, member, s.thread.ID, ""); err == nil {
		t.Error("a member asked for a backfill")
	}
}

// TestBackfillBounds: a backfill looks at no more items than its bound
// (stored posts are not counted), and fetches no page past its bound.
func TestBackfillBounds(t *testing.T) {
	for _, tc := range []struct {
		name   string
		limits backfillLimits
		want   []string // imported, in order
	}{
		{"items", backfillLimits{sources: 4, pages: 10, items: 2, timeout: defaultBackfillLimits.timeout}, []string{"<p>carol missed</p>", "<p>carol again</p>"}},
		{"pages", backfillLimits{sources: 4, pages: 1, items: 200, timeout: defaultBackfillLimits.timeout}, []string{"<p>carol missed</p>", "<p>carol again</p>"}},
		{"all", defaultBackfillLimits, []string{"<p>carol missed</p>", "<p>carol again</p>", "<p>dan from afar</p>"}},
		// A suspended instance's replies are refused as in the inbox.
		{"blocked", defaultBackfillLimits, []string{"<p>carol missed</p>", "<p>carol again</p>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newBackfillScene(t)
			s.a.fed.backfillLimits = tc.limits
			if tc.name == "blocked" {
				_, err := s.a.env.Svc.BlockInstance(context.Background(), s.a.env.User("boss", models.RoleAdmin), "c.test", models.BlockSuspend, "spam")
				must(t, err)
			}
			_, err := s.a.fed.processBackfills(context.Background())
			must(t, err)
			var got []string
			for _, p := range s.posts(t)[2:] {
				got = append(got, p.HTML)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("imported %q, want %q", got, tc.want)
			}
		})
	}
}
