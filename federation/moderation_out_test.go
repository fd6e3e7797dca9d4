package federation

import (
	"context"
	"fmt"
	"testing"
)

// groupAnnounced lists the inner activities of kind that C received in
// the Group's Announces, for the test to inspect.
func (s *relayScene) groupAnnounced(t *testing.T, kind string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, a := range s.c.receivedOfType("Announce") {
		if inner, ok := a["object"].(map[string]any); ok && inner["type"] == kind {
			if a["actor"] != s.group && kind != "Update" {
				t.Errorf("%s announced by %v", kind, a["actor"])
			}
			out = append(out, inner)
		}
	}
	if len(s.c.dropped)+len(s.c.refused) > 0 {
		t.Errorf("C dropped %v, refused %v", s.c.dropped, s.c.refused)
	}
	return out
}

// TestModerationCrossesTheBorder: what moderators here do to a thread or
// to B's reply reaches the Lemmy-shaped follower C through the Group, each
// exactly once: hiding B's reply is the Group's Announce of the
// moderator's Delete (with a summary, as Lemmy's remove_note.json), showing
// it again an Undo of it, deleting it another Delete; a lock is Lemmy's
// Lock of the first post (and commentsEnabled false on the Note); moving
// and merging are Updates whose audience and context are the new ones,
// sent to the Mastodon follower of the old category too.
func TestModerationCrossesTheBorder(t *testing.T) {
	s := newRelayScene(t)
	h, ctx := s.h, context.Background()
	boss := h.fed.base + "/u/boss"
	mia := "http://masto.test/users/mia"
	s.b.keys["mia"] = testSigner(t).key
	s.deliver(t, s.b, "mia", followActivity(s.b.nextID("users/mia/follow"), mia, s.group))
	thread, first := h.env.Thread(s.alice, "general", "Moderated", "Be nice.")
	drain(t, h)
	firstURL := fmt.Sprintf("%s/p/%d", h.fed.base, first.ID)
	note, create := s.reply(firstURL, "something rude")
	s.deliver(t, s.b, "rin", create)
	reply, err := h.env.Store.PostByAPID(ctx, note["id"].(string))
	must(t, err)

	must(t, h.env.Svc.SetPostHidden(ctx, s.boss, reply.ID, true, "rude"))
	drain(t, h)
	dels := s.groupAnnounced(t, "Delete")
	if len(dels) != 1 || dels[0]["object"] != note["id"] || dels[0]["actor"] != boss ||
		dels[0]["summary"] != "Removed by the moderators of general" || dels[0]["audience"] != s.group {
		t.Fatalf("after the hide, C got the Deletes %v", dels)
	}
	must(t, h.env.Svc.SetPostHidden(ctx, s.boss, reply.ID, false, "fine after all"))
	drain(t, h)
	undos := s.groupAnnounced(t, "Undo")
	if len(undos) != 1 {
		t.Fatalf("after showing it again, C got the Undos %v", undos)
	}
	if inner, _ := undos[0]["object"].(map[string]any); inner["type"] != "Delete" || inner["object"] != note["id"] {
		t.Errorf("the Undo undoes %v", undos[0]["object"])
	}
	must(t, h.env.Svc.DeletePost(ctx, s.boss, reply.ID))
	drain(t, h)
	if dels := s.groupAnnounced(t, "Delete"); len(dels) != 2 || dels[1]["object"] != note["id"] || dels[1]["actor"] != boss {
		t.Errorf("after the deletion, C got the Deletes %v", dels)
	}
	for _, a := range s.b.received {
		if a["type"] == "Delete" || a["type"] == "Announce" && a["object"] != firstURL {
			t.Errorf("B, whose Note it is, was sent %v (only its author may delete it there)", a)
		}
	}

	// Lock and reopen.
	must(t, h.env.Svc.LockThread(ctx, s.boss, thread.ID, "cool down"))
	drain(t, h)
	locks := s.groupAnnounced(t, "Lock")
	if len(locks) != 1 || locks[0]["object"] != firstURL || locks[0]["actor"] != boss || locks[0]["audience"] != s.group {
		t.Fatalf("after the lock, C got %v", locks)
	}
	if doc := h.activity(fmt.Sprintf("/p/%d", first.ID), 200); doc["commentsEnabled"] != false {
		t.Errorf("a locked thread's Note has commentsEnabled %v", doc["commentsEnabled"])
	}
	must(t, h.env.Svc.UnlockThread(ctx, s.boss, thread.ID, ""))
	drain(t, h)
	if undos := s.groupAnnounced(t, "Undo"); len(undos) != 2 {
		t.Errorf("after reopening, C got the Undos %v", undos)
	} else if inner, _ := undos[1]["object"].(map[string]any); inner["type"] != "Lock" || inner["object"] != firstURL {
		t.Errorf("the reopening undoes %v", undos[1]["object"])
	}
	if doc := h.activity(fmt.Sprintf("/p/%d", first.ID), 200); doc["commentsEnabled"] != true {
		t.Errorf("a reopened thread's Note has commentsEnabled %v", doc["commentsEnabled"])
	}

	// Move to a category C does not follow: C and mia, who follow the old
	// one, learn the new audience.
	h.env.Category("news")
	must(t, h.env.Svc.MoveThread(ctx, s.boss, thread.ID, "news", "off topic"))
	drain(t, h)
	moved := s.groupAnnounced(t, "Update")
	if len(moved) != 1 {
		t.Fatalf("after the move, C got the Updates %v", moved)
	}
	if obj, _ := moved[0]["object"].(map[string]any); obj["id"] != firstURL || obj["audience"] != h.fed.base+"/c/news" {
		t.Errorf("the moved Note: %v", obj)
	}
	miaUpdates := 0
	for _, u := range s.b.receivedOfType("Update") {
		if obj, _ := u["object"].(map[string]any); obj["id"] == firstURL && obj["audience"] == h.fed.base+"/c/news" {
			miaUpdates++
		}
	}
	if miaUpdates != 1 {
		t.Errorf("the Mastodon follower got %d Updates of the move", miaUpdates)
	}

	// Merge another general thread into the moved one: its first post is
	// now in the other thread's context.
	other, otherFirst := h.env.Thread(s.alice, "general", "Same topic", "Me too.")
	drain(t, h)
	must(t, h.env.Svc.MergeThreads(ctx, s.boss, other.ID, thread.ID, "duplicate"))
	drain(t, h)
	merged := s.groupAnnounced(t, "Update")
	if len(merged) != 2 {
		t.Fatalf("after the merge, C got the Updates %v", merged)
	}
	if obj, _ := merged[1]["object"].(map[string]any); obj["id"] != fmt.Sprintf("%s/p/%d", h.fed.base, otherFirst.ID) ||
		obj["context"] != fmt.Sprintf("%s/t/%d", h.fed.base, thread.ID) || obj["audience"] != h.fed.base+"/c/news" {
		t.Errorf("the merged Note: %v", obj)
	}
}
