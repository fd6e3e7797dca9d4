package forum

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
	"golang.org/x/crypto/bcrypt"

	"github.com/hearth/hearth/models"
)

// Passkeys (WebAuthn) as a second factor. A ceremony has two requests:
// begin makes the options the browser hands to its authenticator and keeps
// the library's session data in the database (web_authn_challenges, never
// process memory: any process may get the finish), keyed by the hash of
// a token the browser sends back; finish takes that row once and checks
// the authenticator's answer against it. The relying party is the host of
// --url and the only accepted origin is --url itself.
const (
	passkeyChallengeLifetime = 5 * time.Minute
	passkeyNameMax           = 100
	maxPasskeys              = 10
	passkeyFailedMessage     = "errors.passkeys.not_accepted"
	passkeyNeedsScript       = "errors.passkeys.needs_script"
)

// PasskeyView is one passkey on the settings page.
type PasskeyView struct {
	ID         int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// PasskeyChallenge is what begin returns: the token to send back with the
// answer and the options for navigator.credentials (JSON).
type PasskeyChallenge struct {
	Token   string          `json:"token"`
	Options json.RawMessage `json:"options"`
}

// passkeyUser adapts a member to the library's user.
type passkeyUser struct {
	u     *models.User
	creds []webauthn.Credential
}

func (p passkeyUser) WebAuthnID() []byte { return []byte(strconv.FormatInt(p.u.ID, 10)) }
func (p passkeyUser) WebAuthnName() string {
	return p.u.Username
}
func (p passkeyUser) WebAuthnDisplayName() string {
	if p.u.DisplayName != "" {
		return p.u.DisplayName
	}
	return p.u.Username
}
func (p passkeyUser) WebAuthnCredentials() []webauthn.Credential { return p.creds }

func (s *Service) webAuthn() (*webauthn.WebAuthn, error) {
	return webauthn.New(&webauthn.Config{RPID: s.ownDomain(), RPDisplayName: s.ownDomain(), RPOrigins: []string{s.cfg.URL}})
}

func (s *Service) passkeyUser(ctx context.Context, u *models.User) (passkeyUser, []models.Passkey, error) {
	keys, err := s.store.PasskeysFor(ctx, u.ID)
	if err != nil {
		return passkeyUser{}, nil, err
	}
	pu := passkeyUser{u: u}
	for _, k := range keys {
		id, err := base64.RawURLEncoding.DecodeString(k.CredentialID)
		if err != nil {
			return pu, nil, err
		}
		var tr []protocol.AuthenticatorTransport
		for _, t := range strings.Split(k.Transports, ",") {
			if t != "" {
				tr = append(tr, protocol.AuthenticatorTransport(t))
			}
		}
		pu.creds = append(pu.creds, webauthn.Credential{ID: id, PublicKey: k.PublicKey, Transport: tr,
			Authenticator: webauthn.Authenticator{SignCount: uint32(k.SignCount)}})
	}
	return pu, keys, nil
}

// keepChallenge stores a ceremony's session data and returns its token.
func (s *Service) keepChallenge(ctx context.Context, userID int64, kind, pendingID string, sd *webauthn.SessionData, options any) (*PasskeyChallenge, error) {
	// Expiry is the row's (the service clock), not the library's wall clock.
	sd.Expires = time.Time{}
	data, err := json.Marshal(sd)
	if err != nil {
		return nil, err
	}
	opts, err := json.Marshal(options)
	if err != nil {
		return nil, err
	}
	token := randomToken(32)
	err = s.store.CreateWebAuthnChallenge(ctx, &models.WebAuthnChallenge{ID: hashToken(token), UserID: userID, Kind: kind,
		PendingID: pendingID, Data: string(data), ExpiresAt: s.now().Add(passkeyChallengeLifetime)})
	if err != nil {
		return nil, err
	}
	return &PasskeyChallenge{Token: token, Options: opts}, nil
}

// takeChallenge consumes the ceremony's row; nil when unknown, expired,
// used, or not this member's.
func (s *Service) takeChallenge(ctx context.Context, token, kind string, userID int64, pendingID string) (*webauthn.SessionData, error) {
	if token == "" {
		return nil, nil
	}
	c, err := s.store.TakeWebAuthnChallenge(ctx, hashToken(token), kind, s.now())
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if c.UserID != userID || c.PendingID != pendingID {
		return nil, nil
	}
	var sd webauthn.SessionData
	if err := json.Unmarshal([]byte(c.Data), &sd); err != nil {
		return nil, err
	}
	return &sd, nil
}

// Passkeys lists the member's passkeys.
func (s *Service) Passkeys(ctx context.Context, u *models.User) ([]PasskeyView, error) {
	if u == nil {
		return nil, ErrUnauthorized
	}
	keys, err := s.store.PasskeysFor(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	out := make([]PasskeyView, len(keys))
	for i, k := range keys {
		out[i] = PasskeyView{ID: k.ID, Name: k.Name, CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt}
	}
	return out, nil
}

// BeginPasskeyRegistration starts adding a passkey for a signed-in member.
func (s *Service) BeginPasskeyRegistration(ctx context.Context, u *models.User) (*PasskeyChallenge, error) {
	if u == nil || u.IsRemote() {
		return nil, ErrUnauthorized
	}
	pu, keys, err := s.passkeyUser(ctx, u)
	if err != nil {
		return nil, err
	}
	if len(keys) >= maxPasskeys {
		return nil, invalid("passkey", "errors.passkeys.too_many", "Max", maxPasskeys)
	}
	wa, err := s.webAuthn()
	if err != nil {
		return nil, err
	}
	var exclude []protocol.CredentialDescriptor
	for _, c := range pu.creds {
		exclude = append(exclude, c.Descriptor())
	}
	opts, sd, err := wa.BeginRegistration(pu, webauthn.WithExclusions(exclude),
		webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementPreferred))
	if err != nil {
		return nil, err
	}
	return s.keepChallenge(ctx, u.ID, "register", "", sd, opts)
}

// FinishPasskeyRegistration checks the authenticator's attestation for
// the challenge behind token and stores the passkey under name; from then
// on the member's login needs a second factor.
func (s *Service) FinishPasskeyRegistration(ctx context.Context, u *models.User, token, name string, response []byte) error {
	if u == nil || u.IsRemote() {
		return ErrUnauthorized
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = "Passkey"
	}
	if len([]rune(name)) > passkeyNameMax {
		return invalid("name", "errors.passkeys.name_too_long", "Max", passkeyNameMax)
	}
	if len(bytes.TrimSpace(response)) == 0 {
		return invalid("passkey", passkeyNeedsScript)
	}
	sd, err := s.takeChallenge(ctx, token, "register", u.ID, "")
	if err != nil {
		return err
	}
	refused := invalid("passkey", "errors.passkeys.passkey_could_not_added")
	if sd == nil {
		return refused
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(response)
	if err != nil {
		return refused
	}
	pu, _, err := s.passkeyUser(ctx, u)
	if err != nil {
		return err
	}
	wa, err := s.webAuthn()
	if err != nil {
		return err
	}
	cred, err := wa.CreateCredential(pu, *sd, parsed)
	if err != nil {
		return refused
	}
	tr := make([]string, 0, len(cred.Transport))
	for _, t := range cred.Transport {
		tr = append(tr, string(t))
	}
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		return s.store.AddPasskey(ctx, &models.Passkey{UserID: u.ID, CredentialID: base64.RawURLEncoding.EncodeToString(cred.ID),
			PublicKey: cred.PublicKey, SignCount: int64(cred.Authenticator.SignCount), Transports: strings.Join(tr, ","),
			Name: name, CreatedAt: s.now()})
	})
	if err != nil {
		if models.IsUniqueViolation(err) {
			return refused
		}
		return err
	}
	u.TwoFactor = true
	return nil
}

// RemovePasskey deletes one of the member's passkeys; it takes the
// password (counted against the login limits), so a borrowed session
// cannot do it.
func (s *Service) RemovePasskey(ctx context.Context, u *models.User, id int64, password, addr string) error {
	if u == nil {
		return ErrUnauthorized
	}
	k, _, err := s.secondFactorLimits(ctx, u, LoginInput{Addr: addr})
	if err != nil {
		return err
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		if err := s.recordLoginFailure(ctx, u, k); err != nil {
			return err
		}
		return invalid("password", "errors.common.not_current_password")
	}
	var ok bool
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		ok, err = s.store.DeletePasskey(ctx, u.ID, id)
		return err
	})
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotFound
	}
	fresh, err := s.store.UserByID(ctx, u.ID)
	if err != nil {
		return err
	}
	u.TwoFactor = fresh.TwoFactor
	return nil
}

// BeginPasskeyLogin starts the second login step with a passkey: options
// allowing only the passkeys of the pending login's member.
func (s *Service) BeginPasskeyLogin(ctx context.Context, pending string) (*PasskeyChallenge, error) {
	p, u, err := s.pendingLogin(ctx, pending)
	if err != nil {
		return nil, err
	}
	pu, _, err := s.passkeyUser(ctx, u)
	if err != nil {
		return nil, err
	}
	if len(pu.creds) == 0 {
		return nil, invalid("passkey", "errors.passkeys.have_no_passkey_enter")
	}
	wa, err := s.webAuthn()
	if err != nil {
		return nil, err
	}
	opts, sd, err := wa.BeginLogin(pu)
	if err != nil {
		return nil, err
	}
	return s.keepChallenge(ctx, u.ID, "login", p.ID, sd, opts)
}

// CompletePasskeyLogin is the second step with a passkey: the assertion
// must answer the challenge behind token for this pending login, come
// from one of the member's passkeys and carry a counter past the stored
// one. Failures count against the login limits as wrong codes do.
func (s *Service) CompletePasskeyLogin(ctx context.Context, pending, token string, response []byte, in LoginInput) (*LoginResult, error) {
	if len(bytes.TrimSpace(response)) == 0 {
		// No answer at all is a browser without JavaScript, not a guess.
		return nil, invalid("passkey", "errors.passkeys.using_passkey_needs_javascript")
	}
	return s.completeLogin(ctx, pending, in, func(u *models.User, k loginKeys, pendingID string) error {
		ok, err := s.usePasskey(ctx, u, token, pendingID, response)
		if err != nil || ok {
			return err
		}
		if err := s.recordLoginFailure(ctx, u, k); err != nil {
			return err
		}
		return invalid("passkey", passkeyFailedMessage)
	})
}

func (s *Service) usePasskey(ctx context.Context, u *models.User, token, pendingID string, response []byte) (bool, error) {
	sd, err := s.takeChallenge(ctx, token, "login", u.ID, pendingID)
	if err != nil || sd == nil {
		return false, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return false, nil
	}
	pu, keys, err := s.passkeyUser(ctx, u)
	if err != nil {
		return false, err
	}
	wa, err := s.webAuthn()
	if err != nil {
		return false, err
	}
	cred, err := wa.ValidateLogin(pu, *sd, parsed)
	if err != nil || cred.Authenticator.CloneWarning {
		return false, nil
	}
	id := base64.RawURLEncoding.EncodeToString(cred.ID)
	for _, k := range keys {
		if k.CredentialID == id {
			return s.store.UsePasskey(ctx, k.ID, k.SignCount, int64(cred.Authenticator.SignCount), s.now())
		}
	}
	return false, nil
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
