package forum

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// csrfSecret names the HMAC key for session-bound CSRF tokens in
// instance_secrets (generated on first use, shared by every process).
const csrfSecret = "csrf_hmac"

// SessionCSRFToken is the CSRF token for the browser session whose cookie
// secret is given: an HMAC of the session's id under an instance secret.
// It is the same for the session's whole life and in every process, is
// worthless for any other session, and changes when a login makes a new
// session, so a token picked up before login (or from another session)
// is refused after it.
func (s *Service) SessionCSRFToken(ctx context.Context, sessionSecret string) (string, error) {
	key, err := s.instanceKey(ctx, csrfSecret)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("csrf\x00"))
	m.Write([]byte(hashToken(sessionSecret)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}
