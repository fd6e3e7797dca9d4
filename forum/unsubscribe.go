package forum

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// unsubscribeSecret names the HMAC key in instance_secrets. It is
// generated on first use and lives in the database, so every process
// signs and checks alike and operators have nothing to configure.
const unsubscribeSecret = "unsubscribe_hmac"

// ErrBadUnsubscribe is a link that was not made here: forged, tampered or
// cut short. It changes nothing.
var ErrBadUnsubscribe = i18n.Error("errors.unsubscribe.bad_link")

// Unsubscription is what a valid link stands for.
type Unsubscription struct {
	User  *models.User
	Scope string // models.ScopeNotifications or models.ScopeDigest
}

// What describes the mail the link stops, for the confirmation page.
func (u *Unsubscription) What() string {
	if u.Scope == models.ScopeDigest {
		return "the weekly digest"
	}
	return "email notifications (replies, mentions and watched threads)"
}

func (s *Service) unsubscribeKey(ctx context.Context) ([]byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	v, err := s.store.InstanceSecret(ctx, unsubscribeSecret, hex.EncodeToString(b), s.now())
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(v)
}

func signUnsubscribe(key []byte, payload string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// UnsubscribeToken signs "stop scope mail to userID". The token is the
// authority for the one-click POST (RFC 8058), which has no session and no
// CSRF token, so it is an HMAC over the member and the scope.
func (s *Service) UnsubscribeToken(ctx context.Context, userID int64, scope string) (string, error) {
	key, err := s.unsubscribeKey(ctx)
	if err != nil {
		return "", err
	}
	return makeToken(key, userID, scope), nil
}

// UnsubscribeURL is the link a mail carries.
func (s *Service) UnsubscribeURL(ctx context.Context, userID int64, scope string) (string, error) {
	l, err := s.UnsubscribeLinks(ctx)
	if err != nil {
		return "", err
	}
	return l.URL(userID, scope), nil
}

// UnsubscribeLinker signs unsubscribe links with a key read once, for a
// worker's batch of mail.
type UnsubscribeLinker struct {
	key  []byte
	base string
}

// UnsubscribeLinks reads the key for a batch of links.
func (s *Service) UnsubscribeLinks(ctx context.Context) (*UnsubscribeLinker, error) {
	key, err := s.unsubscribeKey(ctx)
	if err != nil {
		return nil, err
	}
	return &UnsubscribeLinker{key: key, base: s.cfg.URL + "/unsubscribe/"}, nil
}

// URL is the signed link that stops scope mail to userID.
func (l *UnsubscribeLinker) URL(userID int64, scope string) string {
	return l.base + makeToken(l.key, userID, scope)
}

func makeToken(key []byte, userID int64, scope string) string {
	payload := "1." + strconv.FormatInt(userID, 10) + "." + scope
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + signUnsubscribe(key, payload)
}

// CheckUnsubscribe verifies a token and says what it unsubscribes from;
// anything not signed here is ErrBadUnsubscribe.
func (s *Service) CheckUnsubscribe(ctx context.Context, token string) (*Unsubscription, error) {
	enc, sig, ok := strings.Cut(token, ".")
	if !ok || len(token) > 200 {
		return nil, ErrBadUnsubscribe
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return nil, ErrBadUnsubscribe
	}
	key, err := s.unsubscribeKey(ctx)
	if err != nil {
		return nil, err
	}
	payload := string(raw)
	if !hmac.Equal([]byte(sig), []byte(signUnsubscribe(key, payload))) {
		return nil, ErrBadUnsubscribe
	}
	parts := strings.Split(payload, ".")
	if len(parts) != 3 || parts[0] != "1" || (parts[2] != models.ScopeNotifications && parts[2] != models.ScopeDigest) {
		return nil, ErrBadUnsubscribe
	}
	id, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return nil, ErrBadUnsubscribe
	}
	u, err := s.store.UserByID(ctx, id)
	if err != nil {
		// Signed here for a member since deleted: nothing left to stop.
		return nil, mapNotFound(err)
	}
	return &Unsubscription{User: u, Scope: parts[2]}, nil
}

// Unsubscribe turns off what a valid token names. Using a link again is
// harmless: the setting is simply off already.
func (s *Service) Unsubscribe(ctx context.Context, token string) (*Unsubscription, error) {
	u, err := s.CheckUnsubscribe(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := s.store.TurnOffMail(ctx, u.User.ID, u.Scope, s.now()); err != nil {
		return nil, err
	}
	return u, nil
}
