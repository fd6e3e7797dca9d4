package federation

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-fed/httpsig"

	"github.com/hearth/hearth/models"
)

// maxClockSkew is how far a signed request's Date may be from now: what
// Mastodon allows. Older requests may be replays.
const maxClockSkew = time.Hour

// errUnsigned and errBadSignature make the inbox answer 401.
var (
	errUnsigned     = errors.New("request is not signed")
	errBadSignature = errors.New("signature does not verify")
)

// sigParams is a parsed Signature header: its keyId, algorithm and the
// list of signed headers (lower-cased).
type sigParams struct {
	keyID     string
	algorithm string
	headers   []string
}

// parseSignatureHeader reads draft-cavage's comma-separated key="value"
// list. httpsig parses it too but does not expose the header list, which
// is needed to insist on what must be signed.
func parseSignatureHeader(h string) (sigParams, error) {
	var p sigParams
	hasSig := false
	for len(h) > 0 {
		h = strings.TrimLeft(h, " ,")
		eq := strings.IndexByte(h, '=')
		if eq <= 0 {
			break
		}
		key := strings.ToLower(strings.TrimSpace(h[:eq]))
		h = h[eq+1:]
		var val string
		if strings.HasPrefix(h, `"`) {
			end := strings.IndexByte(h[1:], '"')
			if end < 0 {
				return p, errors.New("unterminated quoted value")
			}
			val, h = h[1:end+1], h[end+2:]
		} else {
			end := strings.IndexByte(h, ',')
			if end < 0 {
				end = len(h)
			}
			val, h = h[:end], h[end:]
		}
		switch key {
		case "keyid":
			p.keyID = val
		case "algorithm":
			p.algorithm = strings.ToLower(val)
		case "headers":
			p.headers = strings.Fields(strings.ToLower(val))
		case "signature":
			hasSig = val != ""
		}
	}
	if p.keyID == "" || !hasSig {
		return p, errors.New("signature header lacks keyId or signature")
	}
	if len(p.headers) == 0 {
		p.headers = []string{"date"} // the draft's default
	}
	return p, nil
}

func (p sigParams) signs(h string) bool {
	for _, x := range p.headers {
		if x == h {
			return true
		}
	}
	return false
}

// verifyRequest checks r's HTTP signature over body and returns the
// signing actor. Required: (request-target), host, date and, for a body,
// digest; a Date within maxClockSkew; a Digest matching body; rsa-sha256
// or hs2019 (with an RSA key, as every ActivityPub server uses). The key is
// taken from the cache and refetched once when it does not verify, so a
// peer that rotated its key is not refused.
func (f *Federation) verifyRequest(ctx context.Context, r *http.Request, body []byte) (*models.RemoteActor, error) {
	raw := r.Header.Get("Signature")
	if raw == "" {
		return nil, errUnsigned
	}
	p, err := parseSignatureHeader(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadSignature, err)
	}
	if p.algorithm != "" && p.algorithm != "rsa-sha256" && p.algorithm != "hs2019" {
		return nil, fmt.Errorf("%w: algorithm %q", errBadSignature, p.algorithm)
	}
	required := []string{httpsig.RequestTarget, "host", "date"}
	if len(body) > 0 {
		required = append(required, "digest")
	}
	for _, h := range required {
		if !p.signs(h) {
			return nil, fmt.Errorf("%w: %s is not signed", errBadSignature, h)
		}
	}
	date, err := http.ParseTime(r.Header.Get("Date"))
	if err != nil {
		return nil, fmt.Errorf("%w: bad Date", errBadSignature)
	}
	if d := f.now().Sub(date); d > maxClockSkew || d < -maxClockSkew {
		return nil, fmt.Errorf("%w: Date is %s off", errBadSignature, d.Round(time.Second))
	}
	// A signed Digest binds whatever body came, even an empty one.
	if len(body) > 0 || p.signs("digest") {
		if err := checkDigest(r.Header.Get("Digest"), body); err != nil {
			return nil, err
		}
	}
	v, err := httpsig.NewVerifier(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadSignature, err)
	}
	if k, ok := f.keys.get(p.keyID); ok {
		if v.Verify(k.key, httpsig.RSA_SHA256) == nil {
			return k.actor, nil
		}
	}
	for refresh := range 2 {
		actor, err := f.sharedActorForKey(ctx, p.keyID, refresh == 1)
		if err != nil {
			return nil, fmt.Errorf("%w: key %s: %v", errBadSignature, p.keyID, err)
		}
		key, err := ParsePublicKeyPEM(actor.PublicKeyPEM)
		if err == nil {
			if err = v.Verify(key, httpsig.RSA_SHA256); err == nil {
				f.keys.put(p.keyID, cachedKey{actor: actor, key: key})
				return actor, nil
			}
		}
		if refresh == 1 {
			return nil, fmt.Errorf("%w: %v", errBadSignature, err)
		}
	}
	return nil, errBadSignature // not reached
}

// sharedActorForKey is actorForKey with concurrent calls for one key id
// sharing one lookup: a burst from a peer not seen before (every request
// of it with a cold key) otherwise fetched and stored the same actor once
// per request, 40 requests taking 12 s on SQLite.
func (f *Federation) sharedActorForKey(ctx context.Context, keyID string, refresh bool) (*models.RemoteActor, error) {
	v, err, _ := f.keyFetches.Do(fmt.Sprint(refresh, " ", keyID), func() (any, error) {
		return f.actorForKey(context.WithoutCancel(ctx), keyID, refresh)
	})
	if err != nil {
		return nil, err
	}
	return v.(*models.RemoteActor), nil
}

// checkDigest compares a "SHA-256=base64" Digest header with body's hash.
func checkDigest(header string, body []byte) error {
	sum := sha256.Sum256(body)
	want := base64.StdEncoding.EncodeToString(sum[:])
	for _, part := range strings.Split(header, ",") {
		alg, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(alg, "SHA-256") {
			if subtle.ConstantTimeCompare([]byte(val), []byte(want)) == 1 {
				return nil
			}
			return fmt.Errorf("%w: Digest does not match the body", errBadSignature)
		}
	}
	return fmt.Errorf("%w: no SHA-256 Digest", errBadSignature)
}
