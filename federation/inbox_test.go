package federation

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth/hearth/clock"
	"github.com/hearth/hearth/models"
)

// fakeRemote serves one actor, remote.test/users/eve, whose key can be
// swapped (rotation).
type fakeRemote struct {
	mu     sync.Mutex
	signer *Signer
}

func (r *fakeRemote) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	pub, _ := publicKeyPEM(&r.signer.key.PublicKey)
	r.mu.Unlock()
	if req.URL.Path != "/users/eve" {
		http.NotFound(w, req)
		return
	}
	w.Header().Set("Content-Type", activityJSON)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "http://remote.test/users/eve", "type": "Person", "inbox": "http://remote.test/users/eve/inbox",
		"preferredUsername": "eve", "endpoints": map[string]any{"sharedInbox": "http://remote.test/inbox"},
		"publicKey": map[string]any{"id": "http://remote.test/users/eve#main-key", "owner": "http://remote.test/users/eve", "publicKeyPem": pub},
	})
}

func eveSigner(t *testing.T) *Signer {
	s := testSigner(t)
	return NewSigner("http://remote.test/users/eve#main-key", s.key)
}

func TestInboxSignatures(t *testing.T) {
	n := newNetwork()
	a := newPeer(t, n, "a.test")
	a.env.Category("general")
	eve := &fakeRemote{signer: eveSigner(t)}
	n.add(t, "remote.test", eve)
	client := a.fed.client
	ctx := context.Background()

	seq := 0
	follow := func(actor string) (string, []byte) {
		seq++
		id := "http://remote.test/activities/" + string(rune('a'+seq))
		b, _ := json.Marshal(followActivity(id, actor, "http://a.test/c/general"))
		return id, b
	}
	old := http.TimeFormat
	cases := []struct {
		name   string
		signer func() *Signer
		actor  string
		edit   func(r *http.Request) // before signing
		after  func(r *http.Request) // after signing
		want   int
	}{
		{name: "valid", signer: func() *Signer { return eve.signer }, want: http.StatusAccepted},
		{name: "unsigned", signer: func() *Signer { return nil }, want: http.StatusUnauthorized},
		{name: "wrong key", signer: func() *Signer { return eveSigner(t) }, want: http.StatusUnauthorized},
		{name: "tampered body", signer: func() *Signer { return eve.signer },
			after: func(r *http.Request) { r.Body = http.NoBody; r.ContentLength = 0 }, want: http.StatusUnauthorized},
		{name: "swapped body", signer: func() *Signer { return eve.signer },
			after: func(r *http.Request) {
				_, b := follow("http://remote.test/users/eve")
				r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
			}, want: http.StatusUnauthorized},
		{name: "digest not signed", signer: func() *Signer { return eve.signer },
			after: func(r *http.Request) {
				r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), " digest", "", 1))
			}, want: http.StatusUnauthorized},
		{name: "tampered digest", signer: func() *Signer { return eve.signer },
			after: func(r *http.Request) { r.Header.Set("Digest", "SHA-256=AAAA") }, want: http.StatusUnauthorized},
		{name: "old date", signer: func() *Signer { return eve.signer },
			edit: func(r *http.Request) { r.Header.Set("Date", clock.Now().Add(-2*time.Hour).UTC().Format(old)) }, want: http.StatusUnauthorized},
		{name: "actor on another host", signer: func() *Signer { return eve.signer }, actor: "http://b.test/u/mallory", want: http.StatusUnauthorized},
		{name: "keyId of an unknown actor", signer: func() *Signer { return NewSigner("http://remote.test/users/nobody#main-key", eve.signer.key) }, want: http.StatusUnauthorized},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			actor := tc.actor
			if actor == "" {
				actor = "http://remote.test/users/eve"
			}
			id, body := follow(actor)
			code := signedPostWith(t, client, tc.signer(), "http://a.test/c/general/inbox", body, tc.edit, tc.after)
			if code != tc.want {
				t.Fatalf("status %d, want %d", code, tc.want)
			}
			_, err := a.env.Store.InboxByActivityID(ctx, id)
			if stored := err == nil; stored != (tc.want == http.StatusAccepted) {
				t.Errorf("stored = %v (%v)", stored, err)
			}
		})
	}

	// Key rotation: the cached key no longer verifies, the refetch does.
	eve.mu.Lock()
	eve.signer = eveSigner(t)
	eve.mu.Unlock()
	_, body := follow("http://remote.test/users/eve")
	if code := signedPost(t, client, eve.signer, "http://a.test/inbox", body); code != http.StatusAccepted {
		t.Errorf("after key rotation: %d", code)
	}

	// Over 1 MB: refused before any signature work.
	big := []byte(`{"type":"Follow","pad":"` + strings.Repeat("x", maxInboxBody) + `"}`)
	if code := signedPost(t, client, eve.signer, "http://a.test/inbox", big); code != http.StatusRequestEntityTooLarge {
		t.Errorf("big body: %d", code)
	}
	if n, _ := a.env.Store.CountFollowers(ctx, models.ActorTypeCategory, 0); n != 0 {
		t.Errorf("followers of a non-category: %d", n)
	}
}
