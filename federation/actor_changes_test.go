package federation

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// withForumConfig rebuilds the scene's forum service with change applied
// to its configuration (the harness's service keeps forumtest's defaults),
// wired to federation as cmd/hearth does, on the same database.
func (s *doubleScene) withForumConfig(t *testing.T, change func(*config.Config)) {
	t.Helper()
	cfg := s.h.env.Cfg
	change(&cfg)
	must(t, cfg.Normalize())
	svc := forum.New(s.h.env.Store, cfg)
	svc.BcryptCost = 4
	svc.SetHooks(s.h.fed.Hooks())
	s.h.env.Svc, s.h.env.Cfg, s.h.fed.svc = svc, cfg, svc
}

// TestActorUpdateRotatesKeyAndEndpoints: an Update{Person} signed by the
// actor itself refreshes the stored actor's inbox, shared inbox and
// followers collection and its key; after it, a request signed with the
// old key is refused (401) although the old key had verified, and cached,
// a moment before. Mastodon sends exactly this after a key rotation
// (app/services/activitypub/process_account_service.rb reads publicKey
// and endpoints from every Update).
func TestActorUpdateRotatesKeyAndEndpoints(t *testing.T) {
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	h, d, ctx := s.h, s.d, context.Background()
	base := h.fed.base
	s.h.env.Thread(s.alice, "general", "Hello", "First.")
	s.deliver(t, "rin", base+"/c/general/inbox", followActivity(d.nextID("follows"), s.rin, base+"/c/general"))
	oldKey := d.keys["rin"]

	newKey := testSigner(t).key
	pub, _ := publicKeyPEM(&newKey.PublicKey)
	person := d.flavor.actor(d, "rin", pub)
	person["inbox"] = d.base + "/users/rin/inbox2"
	person["followers"] = d.base + "/users/rin/followers2"
	person["endpoints"] = map[string]any{"sharedInbox": d.base + "/shared2"}
	person["alsoKnownAs"] = []any{"http://old.test/users/rin"}
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Update", s.rin+"#updates/1", "rin", person))
	a, err := h.env.Store.RemoteActorByAPID(ctx, s.rin)
	must(t, err)
	if a.Inbox != d.base+"/users/rin/inbox2" || a.SharedInbox != d.base+"/shared2" ||
		a.FollowersURL != d.base+"/users/rin/followers2" || a.PublicKeyPEM != pub ||
		a.AlsoKnownAs != "http://old.test/users/rin" {
		t.Fatalf("after Update: %+v", a)
	}
	// The double now serves the new key, as the real server would.
	d.keys["rin"] = newKey

	follow := followActivity(d.nextID("follows"), s.rin, base+"/u/alice")
	if code := sendSignedWith(t, d, "rin", oldKey, s.hearthInbox, follow); code != http.StatusUnauthorized {
		t.Fatalf("a request signed with the rotated-out key: %d, want 401", code)
	}
	if code := d.send("rin", s.hearthInbox, follow); code != http.StatusAccepted {
		t.Fatalf("signed with the new key: %d", code)
	}
}

// TestDeleteActorPostsPolicy: a Delete of the actor by itself always drops
// its follows of Hearth actors; what happens to its posts is the
// operator's --federation-remote-delete-posts.
func TestDeleteActorPostsPolicy(t *testing.T) {
	for _, tc := range []struct {
		policy              string
		deleted, hidden     bool
		followersAfterwards int
	}{
		{config.RemoteDeletePostsDelete, true, false, 0},
		{config.RemoteDeletePostsHide, false, true, 0},
		{config.RemoteDeletePostsKeep, false, false, 0},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
			s.withForumConfig(t, func(c *config.Config) { c.FederationRemoteDeletePosts = tc.policy })
			h, d, ctx := s.h, s.d, context.Background()
			base := h.fed.base
			_, first := h.env.Thread(s.alice, "general", "Hello", "First.")
			s.deliver(t, "rin", base+"/c/general/inbox", followActivity(d.nextID("follows"), s.rin, base+"/c/general"))
			note := d.newNote("rin", fmt.Sprintf("%s/p/%d", base, first.ID), "<p>hi from rin</p>")
			s.deliver(t, "rin", s.hearthInbox, d.wrap("Create", note["id"].(string)+"/activity", "rin", note))
			p, err := h.env.Svc.RemotePost(ctx, note["id"].(string))
			must(t, err)

			s.deliver(t, "rin", s.hearthInbox, d.wrap("Delete", s.rin+"#delete", "rin", s.rin))
			if n, _ := h.env.Store.CountFollowers(ctx, models.ActorTypeCategory, s.cat.ID); n != tc.followersAfterwards {
				t.Errorf("followers after the Delete: %d", n)
			}
			got, err := h.env.Store.PostByID(ctx, p.ID)
			must(t, err)
			if (got.DeletedAt != nil) != tc.deleted || (got.HiddenAt != nil) != tc.hidden {
				t.Errorf("post after the Delete: deleted %v hidden %v, want %v %v", got.DeletedAt != nil, got.HiddenAt != nil, tc.deleted, tc.hidden)
			}
		})
	}
}

// TestDeleteOfGoneActor: a Delete of an actor whose signature no longer
// verifies (the account is gone, its key with it) is still accepted when
// the actor's own server answers 410 Gone for it; while the server still
// serves the actor, the same unverifiable Delete is refused.
func TestDeleteOfGoneActor(t *testing.T) {
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	h, d, ctx := s.h, s.d, context.Background()
	base := h.fed.base
	s.deliver(t, "rin", base+"/c/general/inbox", followActivity(d.nextID("follows"), s.rin, base+"/c/general"))
	del := d.wrap("Delete", s.rin+"#delete", "rin", s.rin)
	lost := testSigner(t).key // a key Hearth never saw
	if code := sendSignedWith(t, d, "rin", lost, s.hearthInbox, del); code != http.StatusUnauthorized {
		t.Fatalf("unverifiable Delete while the actor is served: %d", code)
	}
	gone := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/users/rin" {
			http.Error(w, "gone", http.StatusGone)
			return
		}
		d.ServeHTTP(w, r)
	})
	s.net.add(t, "remote.test", gone)
	if code := sendSignedWith(t, d, "rin", lost, s.hearthInbox, del); code != http.StatusAccepted {
		t.Fatalf("Delete of an actor its server says is gone: %d", code)
	}
	drain(t, h)
	if n, _ := h.env.Store.CountFollowers(ctx, models.ActorTypeCategory, s.cat.ID); n != 0 {
		t.Errorf("followers after the gone actor's Delete: %d", n)
	}
}

// sendSignedWith is d.send signed with key instead of the account's
// current one (what a server that lost or rotated the key would send).
func sendSignedWith(t *testing.T, d *fediDouble, name string, key *rsa.PrivateKey, inbox string, act map[string]any) int {
	t.Helper()
	body, err := json.Marshal(act)
	must(t, err)
	req, err := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(body))
	must(t, err)
	req.Header.Set("Content-Type", d.flavor.contentType())
	req.Header.Set("User-Agent", d.flavor.userAgent(d))
	must(t, d.flavor.signPOST(d, req, body, d.keyIDOf(name), key))
	resp, err := d.client.Do(req)
	must(t, err)
	resp.Body.Close()
	return resp.StatusCode
}
