package federation

import (
	"strings"
	"testing"
)

func FuzzParseSignatureHeader(f *testing.F) {
	f.Add(`keyId="https://x/actor#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="abc="`)
	f.Add(`keyId=a,signature=b`)
	f.Add(`keyId="unterminated`)
	f.Fuzz(func(t *testing.T, h string) {
		p, err := parseSignatureHeader(h)
		if err == nil && (p.keyID == "" || len(p.headers) == 0) {
			t.Fatalf("accepted %q without keyId or headers", h)
		}
	})
}

func FuzzParseActivity(f *testing.F) {
	f.Add([]byte(`{"id":"https://x/1","type":"Follow","actor":"https://x/u","object":"https://y/c/g"}`))
	f.Add([]byte(`{"id":"https://x/1","type":["Undo"],"actor":{"id":"https://x/u"},"object":{"type":"Follow"}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := parseActivity(b)
		if err == nil && (a.ID == "" || a.Actor == "" || a.Type == "") {
			t.Fatalf("accepted %q without id, actor or type", b)
		}
	})
}

// FuzzRemoteDocuments feeds what remote servers send Hearth's readers of
// Notes (their Mention tags), key documents (GoToSocial's stubs) and
// actor documents: no panic, and nothing outside the rules comes back.
func FuzzRemoteDocuments(f *testing.F) {
	f.Add([]byte(`{"id":"https://m.example/users/a/statuses/1","type":"Note","tag":[{"type":"Mention","href":"https://forum.test/u/alice"}]}`))
	f.Add([]byte(`{"id":"https://m.example/n","tag":{"type":["Mention"],"href":"https://forum.test/u/Bob"}}`))
	f.Add([]byte(`{"id":"https://g.example/users/a","type":"Person","publicKey":{"id":"https://g.example/users/a/main-key","owner":"https://g.example/users/a","publicKeyPem":"x"}}`))
	f.Add([]byte(`{"id":"https://g.example/users/a","inbox":"https://g.example/users/a/inbox","publicKey":[{"id":"k","owner":"https://g.example/users/a"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if n, err := parseNote(b); err == nil {
			for _, m := range n.localMentions("https://forum.test") {
				if m == "" || strings.ContainsAny(m, "/?#") || m != strings.ToLower(m) {
					t.Fatalf("mention %q from %q", m, b)
				}
			}
		}
		if owner := keyStubOwner(b, "https://g.example/users/a/main-key"); owner != "" && hostOf(owner) != "g.example" {
			t.Fatalf("key stub owner %q on another host", owner)
		}
		if a, err := parseRemoteActor(b, "https://g.example/users/a"); err == nil && a.Domain != "g.example" {
			t.Fatalf("actor %q accepted from another host", a.APID)
		}
	})
}

// FuzzReadCollection feeds what a peer's context or replies collection
// may hold to the backfill's reader: no panic, and it never points both
// at an embedded page and at a link.
func FuzzReadCollection(f *testing.F) {
	f.Add([]byte(`{"id":"https://m.example/contexts/1","type":"Collection","first":{"type":"CollectionPage","next":"https://m.example/contexts/1?page=2","items":["https://m.example/s/1"]}}`), true)
	f.Add([]byte(`{"type":"OrderedCollection","first":"https://x/t/1?page=1"}`), true)
	f.Add([]byte(`{"type":"OrderedCollectionPage","orderedItems":[{"type":"Create","object":{"id":"https://x/n"}}],"next":{"id":"https://x/p2"}}`), false)
	f.Add([]byte(`[]`), false)
	f.Fuzz(func(t *testing.T, b []byte, top bool) {
		items, raw, next, ok := readCollection(b, top)
		if !ok && (items != nil || raw != nil || next != "") {
			t.Fatalf("refused %q but returned something", b)
		}
		if raw != nil && next != "" {
			t.Fatalf("%q: both an embedded page and a link", b)
		}
	})
}
