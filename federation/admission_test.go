package federation

import (
	"context"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// TestRemoteRepliesAndAdmission: through a real inbox, a reply from a
// silenced instance waits in A's approval queue and appears once approved;
// a reply with a blocked word is dropped (and the inbox does not retry it);
// a replaced word is replaced.
func TestRemoteRepliesAndAdmission(t *testing.T) {
	s := newRemoteScene(t)
	ctx := context.Background()
	admin := s.a.env.User("boss", models.RoleAdmin)
	if _, err := s.a.env.Svc.AddWatchedWord(ctx, admin, forum.WatchedWordInput{Pattern: "casino", Action: "block"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.a.env.Svc.AddWatchedWord(ctx, admin, forum.WatchedWordInput{Pattern: "darn", Action: "replace", Replacement: "d***"}); err != nil {
		t.Fatal(err)
	}
	send := func(n, content string) {
		t.Helper()
		note := s.note + n
		s.send(t, s.bobSigner, activityOf(note+"/activity", "Create", s.bobURL, noteDocFor(note, s.bobURL, s.parentURL, content)))
	}

	send("blocked", "<p>casino tonight</p>")
	if got := len(s.posts(t)); got != 1 {
		t.Fatalf("blocked reply stored: %d posts", got)
	}
	if row, err := s.a.env.Store.InboxByActivityID(ctx, s.note+"blocked/activity"); err != nil || row.State != models.QueueDone {
		t.Fatalf("blocked reply's inbox row: %v %+v", err, row)
	}
	send("replaced", "<p>oh darn</p>")
	if posts := s.posts(t); len(posts) != 2 || posts[1].HTML != "<p>oh d***</p>" {
		t.Fatalf("replaced reply: %+v", posts)
	}

	if _, err := s.a.env.Svc.BlockInstance(ctx, admin, "b.test", models.BlockSilence, "too noisy"); err != nil {
		t.Fatal(err)
	}
	send("silenced", "<p>quiet please</p>")
	if got := len(s.posts(t)); got != 2 {
		t.Fatalf("silenced reply published: %d posts", got)
	}
	q, err := s.a.env.Svc.Queue(ctx, admin, "", "")
	if err != nil || len(q.Items) != 1 || q.Items[0].Held == nil || q.Items[0].Held.HTML != "<p>quiet please</p>" {
		t.Fatalf("approval queue: %v %+v", err, q)
	}
	if err := s.a.env.Svc.ResolveQueueItem(ctx, admin, q.Items[0].ID, forum.ResolveApprove, ""); err != nil {
		t.Fatal(err)
	}
	if posts := s.posts(t); len(posts) != 3 || posts[2].Author.Domain != "b.test" {
		t.Fatalf("approved silenced reply: %+v", posts)
	}
}
