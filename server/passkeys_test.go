package server_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"

	"github.com/hearth/hearth/models"
)

// softKey is a software authenticator: an ECDSA P-256 key answering
// WebAuthn ceremonies as a browser and its authenticator would, so the
// real handlers verify real attestations and assertions.
type softKey struct {
	t      *testing.T
	key    *ecdsa.PrivateKey
	id     []byte
	count  uint32
	rpID   string
	origin string
}

func newSoftKey(t *testing.T) *softKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	rand.Read(id)
	return &softKey{t: t, key: k, id: id, rpID: "forum.test", origin: "http://forum.test"}
}

var b64 = base64.RawURLEncoding

// begun is a begin route's answer.
type begun struct {
	Token   string `json:"token"`
	Options struct {
		PublicKey struct {
			Challenge        string `json:"challenge"`
			AllowCredentials []struct {
				ID string `json:"id"`
			} `json:"allowCredentials"`
		} `json:"publicKey"`
	} `json:"options"`
	Error string `json:"error"`
}

func (b *browser) begin(path string) (begun, *response) {
	b.t.Helper()
	r := b.post(path, nil)
	var out begun
	if err := json.Unmarshal([]byte(r.Body), &out); err != nil {
		b.t.Fatalf("%s: %d %v\n%s", path, r.StatusCode, err, r.Body)
	}
	return out, r
}

func (k *softKey) clientData(typ, challenge string) []byte {
	b, _ := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": k.origin, "crossOrigin": false})
	return b
}

func (k *softKey) authData(flags byte, attested bool) []byte {
	h := sha256.Sum256([]byte(k.rpID))
	out := append([]byte{}, h[:]...)
	out = append(out, flags)
	out = binary.BigEndian.AppendUint32(out, k.count)
	if attested {
		out = append(out, make([]byte, 16)...) // AAGUID
		out = binary.BigEndian.AppendUint16(out, uint16(len(k.id)))
		out = append(out, k.id...)
		x, y := make([]byte, 32), make([]byte, 32)
		k.key.PublicKey.X.FillBytes(x)
		k.key.PublicKey.Y.FillBytes(y)
		cose, err := cbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: x, -3: y})
		if err != nil {
			k.t.Fatal(err)
		}
		out = append(out, cose...)
	}
	return out
}

// attest answers a registration challenge with a "none" attestation.
func (k *softKey) attest(challenge string) string {
	att, err := cbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": k.authData(0x45, true)})
	if err != nil {
		k.t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"response": map[string]any{"clientDataJSON": b64.EncodeToString(k.clientData("webauthn.create", challenge)),
			"attestationObject": b64.EncodeToString(att), "transports": []string{"internal"}}})
	return string(b)
}

// assert signs a login challenge, moving the counter on first.
func (k *softKey) assert(challenge string) string { return k.assertWith(challenge, 0x05, "") }

// assertWith signs with these flags (UP 0x01, UV 0x04) and, for a
// discoverable login, the user handle the credential was made with.
func (k *softKey) assertWith(challenge string, flags byte, userHandle string) string {
	k.count++
	ad := k.authData(flags, false)
	cd := k.clientData("webauthn.get", challenge)
	h := sha256.Sum256(cd)
	sum := sha256.Sum256(append(append([]byte{}, ad...), h[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, k.key, sum[:])
	if err != nil {
		k.t.Fatal(err)
	}
	resp := map[string]any{"clientDataJSON": b64.EncodeToString(cd), "authenticatorData": b64.EncodeToString(ad),
		"signature": b64.EncodeToString(sig)}
	if userHandle != "" {
		resp["userHandle"] = b64.EncodeToString([]byte(userHandle))
	}
	b, _ := json.Marshal(map[string]any{"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"response": resp})
	return string(b)
}

// addPasskey registers k for the logged-in member through the settings forms.
func (b *browser) addPasskey(k *softKey, name string) *response {
	b.t.Helper()
	bg, r := b.begin("/settings/passkeys/begin")
	if r.StatusCode != http.StatusOK || bg.Token == "" || bg.Options.PublicKey.Challenge == "" {
		b.t.Fatalf("begin registration: %d\n%s", r.StatusCode, r.Body)
	}
	return b.post("/settings/passkeys", url.Values{"token": {bg.Token}, "name": {name}, "credential": {k.attest(bg.Options.PublicKey.Challenge)}})
}

// passkeyStep answers the second login step with k.
func (b *browser) passkeyStep(k *softKey) *response {
	b.t.Helper()
	bg, r := b.begin("/login/2fa/passkey/begin")
	if r.StatusCode != http.StatusOK {
		b.t.Fatalf("begin login: %d\n%s", r.StatusCode, r.Body)
	}
	return b.post("/login/2fa/passkey", url.Values{"token": {bg.Token}, "credential": {k.assert(bg.Options.PublicKey.Challenge)}, "next": {"/settings"}})
}

func TestPasskeyAddThenLogInWithIt(t *testing.T) {
	ts := newTestServer(t)
	ts.User("alice", models.RoleMember)
	b := ts.browser()
	b.logIn("alice")
	if s := b.get("/settings"); !strings.Contains(s.Body, `data-passkey="register"`) || !strings.Contains(s.Body, "needs JavaScript") ||
		!strings.Contains(s.Body, `src="/static/passkeys.`) {
		t.Fatalf("settings offers no passkey form:\n%s", s.Body)
	}
	key := newSoftKey(t)
	if r := b.addPasskey(key, "my laptop"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/settings#passkeys" {
		t.Fatalf("add passkey: %d\n%s", r.StatusCode, r.Body)
	}
	if s := b.get("/settings"); !strings.Contains(s.Body, "my laptop") || !strings.Contains(s.Body, "not used yet") {
		t.Fatalf("settings does not list the passkey:\n%s", s.Body)
	}
	if u, _ := ts.Store.UserByUsername(ts.Ctx, "alice"); !u.TwoFactor {
		t.Fatal("a passkey did not turn two-factor login on")
	}
	b.post("/logout", nil)

	// The password alone now leads to the second step, where the passkey
	// (and only alice's) is offered and completes the login.
	r := b.logIn("alice")
	if !strings.HasPrefix(r.Header.Get("Location"), "/login/2fa") || b.hasCookie("hearth_session") {
		t.Fatalf("password step: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if p := b.get("/login/2fa"); !strings.Contains(p.Body, "Use a passkey") {
		t.Fatalf("second step has no passkey button:\n%s", p.Body)
	}
	bg, _ := b.begin("/login/2fa/passkey/begin")
	if len(bg.Options.PublicKey.AllowCredentials) != 1 || bg.Options.PublicKey.AllowCredentials[0].ID != b64.EncodeToString(key.id) {
		t.Fatalf("allowed credentials: %+v", bg.Options.PublicKey.AllowCredentials)
	}
	r = b.post("/login/2fa/passkey", url.Values{"token": {bg.Token}, "credential": {key.assert(bg.Options.PublicKey.Challenge)}, "next": {"/settings"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/settings" || !b.hasCookie("hearth_session") || b.hasCookie("hearth_login2") {
		t.Fatalf("passkey login: %d %q\n%s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	if s := b.get("/settings"); !strings.Contains(s.Body, "last used") {
		t.Fatalf("last use not shown:\n%s", s.Body)
	}
}

func TestPasskeyLoginRefusals(t *testing.T) {
	ts := newTestServer(t)
	ts.User("alice", models.RoleMember)
	ts.User("bob", models.RoleMember)
	aliceKey, bobKey := newSoftKey(t), newSoftKey(t)
	for name, k := range map[string]*softKey{"alice": aliceKey, "bob": bobKey} {
		b := ts.browser()
		b.logIn(name)
		if r := b.addPasskey(k, name+"'s key"); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("add %s's passkey: %d\n%s", name, r.StatusCode, r.Body)
		}
	}
	stranger := newSoftKey(t)
	cases := []struct {
		name   string
		answer func(challenge string) string
	}{
		{"wrong origin", func(ch string) string {
			k := *aliceKey
			k.origin = "http://evil.test"
			defer func() { aliceKey.count = k.count }()
			return k.assert(ch)
		}},
		{"unknown credential", stranger.assert},
		{"another member's credential", bobKey.assert},
		{"sign count going backwards", func(ch string) string {
			saved := aliceKey.count
			defer func() { aliceKey.count = saved }()
			aliceKey.count -= 2
			return aliceKey.assert(ch)
		}},
		{"answer to another challenge", func(string) string {
			return aliceKey.assert(b64.EncodeToString([]byte("not the challenge the server made")))
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := ts.browser()
			b.logIn("alice")
			bg, _ := b.begin("/login/2fa/passkey/begin")
			r := b.post("/login/2fa/passkey", url.Values{"token": {bg.Token}, "credential": {c.answer(bg.Options.PublicKey.Challenge)}})
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "that passkey was not accepted") || b.hasCookie("hearth_session") {
				t.Fatalf("%d session=%v\n%s", r.StatusCode, b.hasCookie("hearth_session"), r.Body)
			}
			// The pending login survives a failure: the right key still works.
			if r := b.passkeyStep(aliceKey); r.StatusCode != http.StatusSeeOther || !b.hasCookie("hearth_session") {
				t.Fatalf("right passkey after a refusal: %d\n%s", r.StatusCode, r.Body)
			}
		})
	}

	t.Run("replayed challenge", func(t *testing.T) {
		b := ts.browser()
		b.logIn("alice")
		bg, _ := b.begin("/login/2fa/passkey/begin")
		answer := aliceKey.assert(bg.Options.PublicKey.Challenge)
		if r := b.post("/login/2fa/passkey", url.Values{"token": {bg.Token}, "credential": {answer}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("first use: %d", r.StatusCode)
		}
		b.post("/logout", nil)
		b.logIn("alice")
		if r := b.post("/login/2fa/passkey", url.Values{"token": {bg.Token}, "credential": {answer}}); r.StatusCode != http.StatusUnprocessableEntity || b.hasCookie("hearth_session") {
			t.Fatalf("replay: %d", r.StatusCode)
		}
	})

	t.Run("without JavaScript", func(t *testing.T) {
		b := ts.browser()
		b.logIn("alice")
		if r := b.post("/login/2fa/passkey", url.Values{}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "needs JavaScript") {
			t.Fatalf("no answer: %d\n%s", r.StatusCode, r.Body)
		}
	})

	t.Run("failures count against the login limits", func(t *testing.T) {
		b := ts.browser()
		b.logIn("alice")
		var r *response
		for i := 0; i < 30 && (r == nil || r.StatusCode != http.StatusTooManyRequests); i++ {
			bg, _ := b.begin("/login/2fa/passkey/begin")
			r = b.post("/login/2fa/passkey", url.Values{"token": {bg.Token}, "credential": {stranger.assert(bg.Options.PublicKey.Challenge)}})
		}
		if r.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("30 failed passkeys were never limited: %d", r.StatusCode)
		}
	})
}

func TestPasskeyRegistrationRefusals(t *testing.T) {
	ts := newTestServer(t)
	ts.User("alice", models.RoleMember)
	b := ts.browser()
	b.logIn("alice")
	key := newSoftKey(t)
	bg, _ := b.begin("/settings/passkeys/begin")
	evil := *key
	evil.origin = "http://evil.test"
	cases := []struct {
		name string
		form url.Values
		want string
	}{
		{"without JavaScript", url.Values{"name": {"laptop"}}, "needs JavaScript"},
		{"wrong origin", url.Values{"token": {bg.Token}, "name": {"laptop"}, "credential": {evil.attest(bg.Options.PublicKey.Challenge)}}, "could not be added"},
		{"replayed challenge", url.Values{"token": {bg.Token}, "name": {"laptop"}, "credential": {key.attest(bg.Options.PublicKey.Challenge)}}, "could not be added"},
		{"name too long", url.Values{"name": {strings.Repeat("x", 101)}, "credential": {"{}"}}, "at most 100 characters"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := b.post("/settings/passkeys", c.form)
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, c.want) || !strings.Contains(r.Body, `value="`+c.form.Get("name")+`"`) {
				t.Fatalf("%d\n%s", r.StatusCode, r.Body)
			}
		})
	}
	if u, _ := ts.Store.UserByUsername(ts.Ctx, "alice"); u.TwoFactor {
		t.Fatal("a refused passkey turned two-factor on")
	}
	if r := ts.browser().post("/settings/passkeys/begin", nil); r.StatusCode == http.StatusOK {
		t.Fatalf("a visitor began a registration: %d", r.StatusCode)
	}
}

func TestPasskeyRemove(t *testing.T) {
	ts := newTestServer(t)
	ts.User("alice", models.RoleMember)
	ts.User("bob", models.RoleMember)
	b := ts.browser()
	b.logIn("alice")
	b.addPasskey(newSoftKey(t), "laptop")
	alice, _ := ts.Store.UserByUsername(ts.Ctx, "alice")
	keys, _ := ts.Store.PasskeysFor(ts.Ctx, alice.ID)
	if len(keys) != 1 {
		t.Fatalf("%d passkeys", len(keys))
	}
	path := "/settings/passkeys/" + strconv.FormatInt(keys[0].ID, 10) + "/remove"

	bob := ts.browser()
	bob.logIn("bob")
	if r := bob.post(path, url.Values{"password": {"password123"}}); r.StatusCode != http.StatusNotFound {
		t.Fatalf("bob removed alice's passkey: %d", r.StatusCode)
	}
	if r := b.post(path, url.Values{"password": {"wrong"}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "not your current password") {
		t.Fatalf("wrong password: %d", r.StatusCode)
	}
	if keys, _ := ts.Store.PasskeysFor(ts.Ctx, alice.ID); len(keys) != 1 {
		t.Fatal("a refused removal removed the passkey")
	}
	if r := b.post(path, url.Values{"password": {"password123"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d\n%s", r.StatusCode, r.Body)
	}
	if keys, _ := ts.Store.PasskeysFor(ts.Ctx, alice.ID); len(keys) != 0 {
		t.Fatal("the passkey is still there")
	}
	// With no factor left, the password alone logs in again.
	b.post("/logout", nil)
	if r := b.logIn("alice"); !b.hasCookie("hearth_session") {
		t.Fatalf("password login after removing the last passkey: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
}
