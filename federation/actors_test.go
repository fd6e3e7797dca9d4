package federation

import (
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/hearth/hearth/models"
)

func TestActorDocuments(t *testing.T) {
	h := newHarness(t)
	h.scene()
	for name, path := range map[string]string{
		"person":      "/u/alice",
		"person_bare": "/u/bob", // no display name, bio or avatar
		"group":       "/c/general",
		"application": "/actor",
	} {
		t.Run(name, func(t *testing.T) {
			golden(t, name, h.activity(path, http.StatusOK))
		})
	}
}

// TestActorShapes checks what Mastodon relies on, independently of the
// golden files, so a careless -update cannot hide a regression.
func TestActorShapes(t *testing.T) {
	h := newHarness(t)
	h.scene()
	for path, typ := range map[string]string{"/u/alice": "Person", "/c/general": "Group", "/actor": "Application"} {
		doc := h.activity(path, http.StatusOK)
		id := "http://forum.test" + path
		if doc["type"] != typ || doc["id"] != id {
			t.Errorf("%s: type %v id %v", path, doc["type"], doc["id"])
		}
		for prop, want := range map[string]string{"inbox": id + "/inbox", "outbox": id + "/outbox", "followers": id + "/followers", "following": id + "/following"} {
			if doc[prop] != want {
				t.Errorf("%s: %s = %v, want %s", path, prop, doc[prop], want)
			}
		}
		if ep, _ := doc["endpoints"].(map[string]any); ep["sharedInbox"] != "http://forum.test/inbox" {
			t.Errorf("%s: endpoints %v", path, doc["endpoints"])
		}
		key, _ := doc["publicKey"].(map[string]any)
		if key["id"] != id+"#main-key" || key["owner"] != id {
			t.Errorf("%s: publicKey %v", path, key)
		}
		pub, err := ParsePublicKeyPEM(key["publicKeyPem"].(string))
		if err != nil || pub.N.BitLen() != 2048 {
			t.Errorf("%s: public key %v (%v)", path, pub, err)
		}
		if _, ok := doc["manuallyApprovesFollowers"].(bool); !ok {
			t.Errorf("%s: manuallyApprovesFollowers missing", path)
		}
		ctx, _ := doc["@context"].([]any)
		if len(ctx) != 3 || ctx[0] != asProfile || ctx[1] != "https://w3id.org/security/v1" {
			t.Errorf("%s: @context %v", path, ctx)
		}
	}
	alice := h.activity("/u/alice", http.StatusOK)
	if alice["preferredUsername"] != "alice" || alice["name"] != "Alice Liddell" || alice["discoverable"] != true {
		t.Errorf("alice: %v", alice)
	}
	if alice["summary"] != "<p>Curious about &lt;everything&gt; &amp; more.<br>Line two.</p><p>Second paragraph.</p>" {
		t.Errorf("bio not escaped into paragraphs: %v", alice["summary"])
	}
	icon, _ := alice["icon"].(map[string]any)
	if icon["type"] != "Image" || icon["mediaType"] != "image/png" || icon["url"] != "http://forum.test/avatars/2-0123456789abcdef.png" {
		t.Errorf("icon %v", icon)
	}
	if app := h.activity("/actor", http.StatusOK); app["preferredUsername"] != "forum.test" {
		t.Errorf("instance actor name %v", app["preferredUsername"])
	}
}

// TestKeysPersisted: a key is made once, stored, and served unchanged by
// every Federation on the same database (another process, a restart).
func TestKeysPersisted(t *testing.T) {
	h := newHarness(t)
	s := h.scene()
	ctx := h.env.Ctx
	if _, err := h.env.Store.ActorKey(ctx, models.ActorTypeUser, s.alice.ID); err != models.ErrNotFound {
		t.Fatalf("key exists before first use: %v", err)
	}
	first := h.activity("/u/alice", http.StatusOK)["publicKey"].(map[string]any)["publicKeyPem"]

	stored, err := h.env.Store.ActorKey(ctx, models.ActorTypeUser, s.alice.ID)
	must(t, err)
	if stored.PublicKeyPEM != first {
		t.Fatal("served key is not the stored one")
	}
	priv, err := ParsePrivateKeyPEM(stored.PrivateKeyPEM)
	must(t, err)
	if pub, _ := publicKeyPEM(&priv.PublicKey); pub != stored.PublicKeyPEM || priv.N.BitLen() != 2048 {
		t.Fatal("stored private key does not match the public one, or is not RSA-2048")
	}

	other := New(h.fed.cfg, h.env.Svc, slog.New(slog.NewTextHandler(io.Discard, nil)))
	e2 := newEcho(other)
	for _, path := range []string{"/u/alice", "/actor", "/c/general"} {
		a := h.activity(path, http.StatusOK)["publicKey"].(map[string]any)["publicKeyPem"]
		rec := serve(e2, path, acceptAP)
		b := decode(t, rec)["publicKey"].(map[string]any)["publicKeyPem"]
		if a != b {
			t.Errorf("%s: two Federations on one database serve different keys", path)
		}
	}
	// The instance signer uses the key /actor publishes.
	signer, err := other.InstanceSigner(ctx)
	must(t, err)
	inst, err := h.env.Store.ActorKey(ctx, models.ActorTypeInstance, 0)
	must(t, err)
	if pub, _ := publicKeyPEM(&signer.key.PublicKey); pub != inst.PublicKeyPEM || signer.KeyID() != "http://forum.test/actor#main-key" {
		t.Error("instance signer does not use the published instance key")
	}
}
