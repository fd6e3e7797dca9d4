package federation

import (
	"context"
	"strings"
	"testing"
)

// A direct message's author edits and deletes it (Mastodon sends
// Update{Note} and Delete{Tombstone} to the same addressees as the
// Create: app/services/update_status_service.rb, remove_status_service.rb):
// the member's conversation follows. Another account of the same server
// cannot change it, even signing its own activity.
func TestDirectMessageUpdateAndDelete(t *testing.T) {
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	h, d, ctx := s.h, s.d, context.Background()
	h.env.Svc.SetMessageHooks(h.fed.MessageHooks())
	dm := s.directNote("rin", "", "<p>@alice first words zqxorig</p>", s.hearthAlice)
	id := dm["id"].(string)
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Create", id+"/activity", "rin", dm))
	// mia writes too, so she has an account here that could try.
	other := s.directNote("mia", "", "<p>@alice from mia</p>", s.hearthAlice)
	s.deliver(t, "mia", s.hearthInbox, d.wrap("Create", other["id"].(string)+"/activity", "mia", other))
	convs := conversationsOf(t, h, s.alice)
	if len(convs) != 2 {
		t.Fatalf("alice's conversations: %d", len(convs))
	}
	read := func() string {
		t.Helper()
		for _, c := range conversationsOf(t, h, s.alice) {
			page, err := h.env.Svc.Conversation(ctx, s.alice, c.ID, "")
			must(t, err)
			for _, m := range page.Messages {
				if m.APID != nil && *m.APID == id {
					return m.HTML
				}
			}
		}
		t.Fatal("rin's message is gone from alice's conversations")
		return ""
	}

	forged := s.directNote("rin", "", "<p>@alice forged zqxforged</p>", s.hearthAlice)
	forged["id"] = id
	s.deliver(t, "mia", s.hearthInbox, d.wrap("Update", id+"#updates/forged", "mia", forged))
	s.deliver(t, "mia", s.hearthInbox, d.wrap("Delete", id+"#delete-forged", "mia", map[string]any{"id": id, "type": "Tombstone"}))
	if got := read(); !strings.Contains(got, "zqxorig") {
		t.Fatalf("another account changed rin's message: %q", got)
	}

	edited := s.directNote("rin", "", "<p>@alice better words zqxedited<script>x()</script></p>", s.hearthAlice)
	edited["id"] = id
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Update", id+"#updates/1", "rin", edited))
	if got := read(); !strings.Contains(got, "zqxedited") || strings.Contains(got, "zqxorig") || strings.Contains(got, "<script") {
		t.Fatalf("after rin's Update: %q", got)
	}
	if hits, err := h.env.Svc.SearchMessages(ctx, s.alice, "zqxedited"); err != nil || len(hits) != 1 {
		t.Errorf("alice's search does not find the edited text: %v %v", hits, err)
	}

	s.deliver(t, "rin", s.hearthInbox, d.wrap("Delete", id+"#delete", "rin", map[string]any{"id": id, "type": "Tombstone"}))
	if got := read(); strings.Contains(got, "zqxedited") || !strings.Contains(got, "deleted by its author") {
		t.Fatalf("after rin's Delete: %q", got)
	}
	if hits, _ := h.env.Svc.SearchMessages(ctx, s.alice, "zqxedited"); len(hits) != 0 {
		t.Errorf("the deleted text is still found: %v", hits)
	}
	// An Update after the Delete does not bring the text back.
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Update", id+"#updates/2", "rin", edited))
	if got := read(); strings.Contains(got, "zqxedited") {
		t.Fatalf("an Update revived a deleted message: %q", got)
	}
	// mia's own message is untouched by all this.
	page, err := h.env.Svc.Conversation(ctx, s.alice, convs[0].ID, "")
	must(t, err)
	if len(page.Messages) != 1 || !strings.Contains(page.Messages[0].HTML, "from mia") {
		t.Errorf("mia's conversation: %+v", page.Messages)
	}
}

// A member who blocked a remote account after a group conversation began
// hears no more from it there: its reply does not join the conversation
// (no message, no unread count), and the member it was also addressed to
// still gets it.
func TestDirectMessageBlockInExistingConversation(t *testing.T) {
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	h, d, ctx := s.h, s.d, context.Background()
	h.env.Svc.SetMessageHooks(h.fed.MessageHooks())
	first := s.directNote("rin", "", "<p>@alice @bob hello both</p>", s.hearthAlice, s.hearthBobURL)
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Create", first["id"].(string)+"/activity", "rin", first))
	convs := conversationsOf(t, h, s.alice)
	if len(convs) != 1 {
		t.Fatalf("alice's conversations: %d", len(convs))
	}
	_, err := h.env.Svc.Conversation(ctx, s.alice, convs[0].ID, "") // read: unread 0
	must(t, err)
	if _, err := h.env.Svc.BlockMessages(ctx, s.alice, "rin@remote.test"); err != nil {
		t.Fatal(err)
	}
	reply := s.directNote("rin", first["id"].(string), "<p>@alice @bob still here zqxblocked</p>", s.hearthAlice, s.hearthBobURL)
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Create", reply["id"].(string)+"/activity", "rin", reply))
	convs = conversationsOf(t, h, s.alice)
	if len(convs) != 1 || convs[0].Unread != 0 {
		t.Fatalf("alice's conversations after the block: %+v", convs)
	}
	page, err := h.env.Svc.Conversation(ctx, s.alice, convs[0].ID, "")
	must(t, err)
	for _, m := range page.Messages {
		if strings.Contains(m.HTML, "zqxblocked") {
			t.Errorf("the blocked account's reply reached alice's conversation")
		}
	}
	if hits, _ := h.env.Svc.SearchMessages(ctx, s.alice, "zqxblocked"); len(hits) != 0 {
		t.Errorf("alice finds the blocked reply by search")
	}
	if hits, err := h.env.Svc.SearchMessages(ctx, s.bob, "zqxblocked"); err != nil || len(hits) != 1 {
		t.Errorf("bob, who blocks nobody, did not get the reply: %v %v", hits, err)
	}
}
