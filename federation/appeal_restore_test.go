package federation

import (
	"context"
	"fmt"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// TestReversedDeletionFederatesCreateAgain: a moderator deletes a local
// post (peers get its Delete); the author appeals, an administrator
// reverses the deletion, and the followers get the post's Create again,
// under an activity id of its own so peers that remember the first do not
// drop it.
func TestReversedDeletionFederatesCreateAgain(t *testing.T) {
	s := newModScene(t)
	ctx := context.Background()
	env := s.h.env
	reply := env.Reply(s.alice, s.thread.ID, "something I stand by")
	drain(t, s.h)
	url := fmt.Sprintf("%s/p/%d", s.h.fed.base, reply.ID)
	creates := func() (ids []string) {
		for _, a := range s.d.receivedOfType("Create") {
			if obj, _ := a["object"].(map[string]any); obj["id"] == url && a["actor"] == s.hearthAlice {
				ids = append(ids, a["id"].(string))
			}
		}
		return ids
	}
	if got := creates(); len(got) != 1 {
		t.Fatalf("before: %d Creates of the reply", len(got))
	}
	_, err := env.Svc.FlagPost(ctx, s.bob, reply.ID, "harassment", "")
	must(t, err)
	item, err := env.Store.UnresolvedQueueItem(ctx, reply.ID)
	must(t, err)
	must(t, env.Svc.ResolveQueueItem(ctx, s.mod, item.ID, forum.ResolveDelete, "rude"))
	drain(t, s.h)
	if len(s.d.receivedOfType("Delete")) == 0 {
		t.Fatal("the deletion sent no Delete")
	}

	notices, err := env.Svc.Notices(ctx, s.alice)
	must(t, err)
	var entry int64
	for _, n := range notices {
		if n.Entry.Action == "queue.delete" {
			entry = n.Entry.ID
		}
	}
	if entry == 0 {
		t.Fatalf("no deletion notice: %+v", notices)
	}
	_, err = env.Svc.Appeal(ctx, s.alice, entry, "It was a fair point")
	must(t, err)
	q, err := env.Svc.Queue(ctx, s.boss, "", "")
	must(t, err)
	var appealItem int64
	for _, it := range q.Items {
		if it.Kind == models.QueueKindAppeal {
			appealItem = it.ID
		}
	}
	must(t, env.Svc.ResolveQueueItem(ctx, s.boss, appealItem, forum.AppealReverse, "fair"))
	drain(t, s.h)

	got := creates()
	if len(got) != 2 {
		t.Fatalf("after the reversal: %d Creates of the reply, want 2 (%v)", len(got), got)
	}
	if got[0] == got[1] {
		t.Fatalf("the second Create reuses the first's id %s", got[0])
	}
	p, err := env.Store.PostByID(ctx, reply.ID)
	must(t, err)
	if p.DeletedAt != nil {
		t.Fatal("post still deleted here")
	}
}
