package federation

import (
	"crypto/rsa"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-fed/httpsig"

	"github.com/hearth/hearth/clock"
)

// Header lists signed on outbound requests: the set Mastodon and
// GoToSocial sign and require (draft-cavage HTTP Signatures). Digest binds
// the body, so it is signed whenever there is one.
var (
	signedHeadersGET  = []string{httpsig.RequestTarget, "host", "date"}
	signedHeadersPOST = []string{httpsig.RequestTarget, "host", "date", "digest"}
)

// Signer signs outbound HTTP requests as one local actor. It is safe for
// concurrent use (httpsig's signers are not, so one is built per request;
// that costs nothing next to the RSA operation).
type Signer struct {
	keyID string
	key   *rsa.PrivateKey
	// now dates the requests: the signing instance's clock (signerFor), or
	// clock.Now for a Signer built with NewSigner.
	now func() time.Time
}

// NewSigner builds a Signer for the key with the given id
// ({actor}#main-key); peers fetch that id to find the public key.
func NewSigner(keyID string, key *rsa.PrivateKey) *Signer {
	return &Signer{keyID: keyID, key: key, now: clock.Now}
}

// KeyID is the id of the public key verifying this Signer's signatures.
func (s *Signer) KeyID() string { return s.keyID }

// Sign adds Date (when missing), Host, Digest (when body is not nil) and a
// Signature header to r, signed with rsa-sha256. body must be exactly the
// bytes r will send; pass nil for a GET.
func (s *Signer) Sign(r *http.Request, body []byte) error {
	headers := signedHeadersGET
	if body != nil {
		headers = signedHeadersPOST
	}
	if r.Header.Get("Date") == "" {
		r.Header.Set("Date", s.now().UTC().Format(http.TimeFormat))
	}
	// httpsig reads "host" from the header map, but Go's client sends
	// r.Host (or the URL's host) and ignores a Host header entry; mirror the
	// value that goes on the wire so the signed string matches it.
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	r.Header.Set("Host", host)
	signer, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256, headers, httpsig.Signature, 0)
	if err != nil {
		return fmt.Errorf("http signature: %w", err)
	}
	if err := signer.SignRequest(s.key, s.keyID, r, body); err != nil {
		return fmt.Errorf("http signature: %w", err)
	}
	// httpsig v1 always labels signatures algorithm="hs2019". The label is
	// not part of what is signed, and "rsa-sha256" is the one every
	// ActivityPub server accepts (Mastodon itself sends it; releases before
	// 3.5 and some other servers reject hs2019), so say what it really is.
	r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), `algorithm="hs2019"`, `algorithm="rsa-sha256"`, 1))
	return nil
}
