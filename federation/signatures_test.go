package federation

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-fed/httpsig"
)

func testSigner(t testing.TB) *Signer {
	t.Helper()
	priv, _, err := generateKeyPEM()
	must(t, err)
	key, err := ParsePrivateKeyPEM(priv)
	must(t, err)
	return NewSigner("https://forum.test/actor#main-key", key)
}

// verify checks r's signature the way a receiving server does.
func verify(r *http.Request, s *Signer) error {
	v, err := httpsig.NewVerifier(r)
	if err != nil {
		return err
	}
	if v.KeyId() != s.KeyID() {
		return errKeyID
	}
	return v.Verify(&s.key.PublicKey, httpsig.RSA_SHA256)
}

var errKeyID = httpsigError("wrong keyId")

type httpsigError string

func (e httpsigError) Error() string { return string(e) }

func TestSignVerify(t *testing.T) {
	s := testSigner(t)

	get, _ := http.NewRequest(http.MethodGet, "https://remote.example/users/bob?x=1", nil)
	must(t, s.Sign(get, nil))
	sig := get.Header.Get("Signature")
	if !strings.Contains(sig, `headers="(request-target) host date"`) || !strings.Contains(sig, `keyId="https://forum.test/actor#main-key"`) ||
		!strings.Contains(sig, `algorithm="rsa-sha256"`) {
		t.Errorf("GET Signature header: %s", sig)
	}
	must(t, verify(get, s))

	body := []byte(`{"type":"Follow"}`)
	post, _ := http.NewRequest(http.MethodPost, "https://remote.example/inbox", bytes.NewReader(body))
	must(t, s.Sign(post, body))
	sum := sha256.Sum256(body)
	if post.Header.Get("Digest") != "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]) {
		t.Errorf("Digest %q", post.Header.Get("Digest"))
	}
	if !strings.Contains(post.Header.Get("Signature"), `headers="(request-target) host date digest"`) {
		t.Errorf("POST Signature header: %s", post.Header.Get("Signature"))
	}
	must(t, verify(post, s))

	// Tampering with anything signed breaks the signature.
	tampered := []func(r *http.Request){
		func(r *http.Request) { r.Header.Set("Date", "Mon, 02 Jan 2006 15:04:05 GMT") },
		func(r *http.Request) { r.URL.Path = "/users/alice/inbox" },
		func(r *http.Request) { r.Method = http.MethodPut },
		func(r *http.Request) { r.Header.Set("Digest", "SHA-256=AAAA") },
		func(r *http.Request) { r.Header.Set("Host", "evil.example") },
	}
	for i, change := range tampered {
		r := post.Clone(post.Context())
		change(r)
		if verify(r, s) == nil {
			t.Errorf("tampering %d went unnoticed", i)
		}
	}
	other := testSigner(t)
	if v, _ := httpsig.NewVerifier(post); v.Verify(&other.key.PublicKey, httpsig.RSA_SHA256) == nil {
		t.Error("another key verified the signature")
	}
}

// TestSignOverTheWire: what a real server receives (its Host comes from the
// connection, not from the header map) verifies.
func TestSignOverTheWire(t *testing.T) {
	s := testSigner(t)
	got := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- verify(r, s)
	}))
	defer srv.Close()
	body := []byte(`{"type":"Create"}`)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/inbox", bytes.NewReader(body))
	must(t, s.Sign(req, body))
	resp, err := srv.Client().Do(req)
	must(t, err)
	resp.Body.Close()
	if err := <-got; err != nil {
		t.Fatalf("receiver could not verify: %v", err)
	}
}
