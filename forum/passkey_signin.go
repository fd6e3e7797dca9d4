package forum

import (
	"bytes"
	"context"
	"errors"
	"strconv"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/hearth/hearth/models"
)

// Password-free login: "Log in with a passkey" on /login. The options
// name no member (a discoverable credential says whose it is, by the user
// handle registration gave it: the member's id) and require user
// verification, so the passkey is both factors at once: something the
// member has, unlocked by something they know or are.

// BeginPasskeySignIn makes the options for a password-free login.
func (s *Service) BeginPasskeySignIn(ctx context.Context) (*PasskeyChallenge, error) {
	wa, err := s.webAuthn()
	if err != nil {
		return nil, err
	}
	opts, sd, err := wa.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return nil, err
	}
	return s.keepChallenge(ctx, 0, "signin", "", sd, opts)
}

// PasskeySignIn logs a member in with a passkey alone. Failures count
// against the login limits of this address and device (whose account it
// was is not known until the assertion checks out); a suspended member
// is told why, as after a right password.
func (s *Service) PasskeySignIn(ctx context.Context, token string, response []byte, in LoginInput) (*LoginResult, error) {
	if len(bytes.TrimSpace(response)) == 0 {
		return nil, invalid("passkey", "errors.passkey_signin.logging_passkey_needs_javascript")
	}
	k, err := s.keysFor(ctx, nil, "", in)
	if err != nil {
		return nil, err
	}
	t, err := s.trustFor(ctx, nil, k)
	if err != nil {
		return nil, err
	}
	if err := s.checkLoginLimits(ctx, nil, k, t); err != nil {
		return nil, err
	}
	u, err := s.signInAssertion(ctx, token, response)
	if err != nil {
		return nil, err
	}
	if u == nil {
		if err := s.recordLoginFailure(ctx, nil, k); err != nil {
			return nil, err
		}
		return nil, invalid("passkey", "errors.passkey_signin.passkey_was_not_accepted")
	}
	if sn, err := s.suspension(ctx, u); err != nil {
		return nil, err
	} else if sn != nil {
		return nil, s.suspendedError(ctx, u, sn)
	}
	if k, err = s.keysFor(ctx, u, u.Username, in); err != nil {
		return nil, err
	}
	if t, err = s.trustFor(ctx, u, k); err != nil {
		return nil, err
	}
	device, err := s.rememberLogin(ctx, u, k, t, in)
	if err != nil {
		return nil, err
	}
	return &LoginResult{User: u, Device: device}, nil
}

// signInAssertion returns the member whose passkey answered the challenge
// behind token, or nil when it did not check out.
func (s *Service) signInAssertion(ctx context.Context, token string, response []byte) (*models.User, error) {
	sd, err := s.takeChallenge(ctx, token, "signin", 0, "")
	if err != nil || sd == nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return nil, nil
	}
	wa, err := s.webAuthn()
	if err != nil {
		return nil, err
	}
	var (
		u      *models.User
		keys   []models.Passkey
		dbErr  error
		reject = errors.New("unknown member")
	)
	handler := func(_, userHandle []byte) (webauthn.User, error) {
		id, err := strconv.ParseInt(string(userHandle), 10, 64)
		if err != nil {
			return nil, reject
		}
		if u, dbErr = s.store.UserByID(ctx, id); dbErr != nil {
			if errors.Is(dbErr, models.ErrNotFound) {
				dbErr = nil
			}
			return nil, reject
		}
		if u.IsRemote() {
			u = nil
			return nil, reject
		}
		var pu passkeyUser
		if pu, keys, dbErr = s.passkeyUser(ctx, u); dbErr != nil {
			return nil, reject
		}
		return pu, nil
	}
	_, cred, err := wa.ValidatePasskeyLogin(handler, *sd, parsed)
	if dbErr != nil {
		return nil, dbErr
	}
	if err != nil || u == nil || cred.Authenticator.CloneWarning {
		return nil, nil
	}
	id := b64url(cred.ID)
	for _, k := range keys {
		if k.CredentialID == id {
			ok, err := s.store.UsePasskey(ctx, k.ID, k.SignCount, int64(cred.Authenticator.SignCount), s.now())
			if err != nil || !ok {
				return nil, err
			}
			return u, nil
		}
	}
	return nil, nil
}
