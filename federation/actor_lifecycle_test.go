package federation

import (
	"context"
	"fmt"
	"testing"

	"github.com/hearth/hearth/models"
)

// TestRemoteActorLifecycle: an Update of a Person refreshes the cached
// actor (name, avatar, key) and the name its posts show; a Delete of the
// actor by itself drops its follows and its posts here.
func TestRemoteActorLifecycle(t *testing.T) {
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	h, d, ctx := s.h, s.d, context.Background()
	base := h.fed.base
	thread, first := h.env.Thread(s.alice, "general", "Hello", "First.")
	noteURL := fmt.Sprintf("%s/p/%d", base, first.ID)
	s.deliver(t, "mia", base+"/c/general/inbox", followActivity(d.nextID("follows"), s.mia, base+"/c/general"))
	note := d.newNote("rin", noteURL, "<p>hi from rin</p>", s.hearthAlice)
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Create", note["id"].(string)+"/activity", "rin", note))

	// rin renames, changes avatar and rotates the key, announcing it with
	// an Update signed by the old key (as Mastodon does).
	newKey := testSigner(t).key
	pub, _ := publicKeyPEM(&newKey.PublicKey)
	person := d.flavor.actor(d, "rin", pub)
	person["name"] = "Rin Renamed"
	person["icon"] = map[string]any{"type": "Image", "url": d.base + "/avatars/new.png"}
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Update", s.rin+"#updates/1", "rin", person))
	cached, err := h.env.Store.RemoteActorByAPID(ctx, s.rin)
	must(t, err)
	if cached.Name != "Rin Renamed" || cached.IconURL != d.base+"/avatars/new.png" || cached.PublicKeyPEM != pub {
		t.Fatalf("cached actor after Update: name %q icon %q new key %v", cached.Name, cached.IconURL, cached.PublicKeyPEM == pub)
	}
	if got := s.posts(t, thread.ID)[1].Author; got.DisplayName != "Rin Renamed" || got.RemoteIconURL != d.base+"/avatars/new.png" {
		t.Errorf("post author after Update: %q %q", got.DisplayName, got.RemoteIconURL)
	}
	// An Update of rin signed by mia changes nothing.
	forged := d.flavor.actor(d, "rin", pub)
	forged["name"] = "Mallory"
	s.deliver(t, "mia", s.hearthInbox, d.wrap("Update", s.rin+"#updates/2", "rin", forged))
	if cached, _ := h.env.Store.RemoteActorByAPID(ctx, s.rin); cached.Name != "Rin Renamed" {
		t.Errorf("someone else's Update renamed rin to %q", cached.Name)
	}
	d.keys["rin"] = newKey // from now on rin signs with the new key

	// rin deletes the account: the post goes. mia's follow stays.
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Delete", s.rin+"#delete", "rin", s.rin))
	if got := s.posts(t, thread.ID)[1]; !got.Deleted() {
		t.Errorf("deleted account's post still shows %q", got.HTML)
	}
	if n, _ := h.env.Store.CountFollowers(ctx, models.ActorTypeCategory, s.cat.ID); n != 1 {
		t.Fatalf("followers after rin's deletion: %d", n)
	}
	// mia deletes hers: her follow goes.
	s.deliver(t, "mia", s.hearthInbox, d.wrap("Delete", s.mia+"#delete", "mia", s.mia))
	if n, _ := h.env.Store.CountFollowers(ctx, models.ActorTypeCategory, s.cat.ID); n != 0 {
		t.Errorf("followers after mia's deletion: %d", n)
	}
}
