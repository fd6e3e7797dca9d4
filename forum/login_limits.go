package forum

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// Login limits. Failures are counted over a sliding window in the database
// (every process sees the same counts), keyed by hashes of the account,
// the client address and the device cookie, so that:
//
//   - one address can try one account only a few times (perAccountAddr)
//     and all accounts together a few more (perAddr): guessing is slow;
//   - an attacker rotating addresses meets a much higher bound on the
//     account itself (perAccount);
//   - yet that bound cannot lock the owner out: a login from a device that
//     logged in to the account before (the device cookie) or from an
//     address it logged in from before is not subject to it. A trusted
//     device has its own small bound (perDevice), so a stolen cookie does
//     not buy a brute force either.
//
// When the account-wide bound trips, the owner gets one notification per
// window.
const (
	loginWindow             = 15 * time.Minute
	maxFailuresAccountAddr  = 5
	maxFailuresPerAddr      = 20
	maxFailuresPerDevice    = 5
	maxFailuresPerAccount   = 50
	trustedLoginFor         = 180 * 24 * time.Hour
	loginLimitSecret        = "login_limits_hmac"
	deviceTokenBytes        = 32
	minDeviceTokenLength    = 40
	maxDeviceTokenLength    = 64
	loginAlertRetentionWins = 4
)

// NotifyLoginAttack is the notification kind telling a member that
// someone failed to log in to their account so often, from so many
// addresses, that logins from new devices are paused.
const NotifyLoginAttack = "login_attack"

// LoginInput is one login through the form: what was typed and where it
// came from.
type LoginInput struct {
	Login, Password string
	// Addr is the client address (server's clientIP).
	Addr string
	// Device is the device cookie the browser sent, "" for none.
	Device string
}

// LoginResult is a successful login. Device is the device cookie to set
// (the same one when it was already trusted, a fresh one otherwise).
// For an account with a second factor, a right password gives only
// Pending (User nil, no session): the token for the second step's cookie
// (CompleteLogin).
type LoginResult struct {
	User    *models.User
	Device  string
	Pending string
}

// loginKeys are the hashed keys one login attempt is counted under.
type loginKeys struct {
	account, addr, device string
}

// keyCache holds instance secrets once read: they never change after
// they are first stored, so a per-process copy is safe.
type keyCache struct{ m sync.Map }

func (s *Service) instanceKey(ctx context.Context, name string) ([]byte, error) {
	if k, ok := s.keys.m.Load(name); ok {
		return k.([]byte), nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	v, err := s.store.InstanceSecret(ctx, name, hex.EncodeToString(b), s.now())
	if err != nil {
		return nil, err
	}
	k, err := hex.DecodeString(v)
	if err != nil {
		return nil, fmt.Errorf("instance secret %s: %w", name, err)
	}
	s.keys.m.Store(name, k)
	return k, nil
}

func keyedHash(key []byte, kind, value string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

// keysFor hashes the account (the member's id when the name is known, so
// username and email count together; the name typed otherwise), the
// address and the device cookie. Keyed hashes: the table cannot be
// reversed into the addresses that tried.
func (s *Service) keysFor(ctx context.Context, u *models.User, login string, in LoginInput) (loginKeys, error) {
	key, err := s.instanceKey(ctx, loginLimitSecret)
	if err != nil {
		return loginKeys{}, err
	}
	account := "name:" + strings.ToLower(login)
	if u != nil {
		account = "user:" + strconv.FormatInt(u.ID, 10)
	}
	k := loginKeys{account: keyedHash(key, "account", account), addr: keyedHash(key, "addr", in.Addr)}
	if validDeviceToken(in.Device) {
		k.device = keyedHash(key, "device", in.Device)
	}
	return k, nil
}

func validDeviceToken(t string) bool {
	return len(t) >= minDeviceTokenLength && len(t) <= maxDeviceTokenLength
}

// loginTrust is what the owner's history says about this attempt.
type loginTrust struct{ device, addr bool }

func (s *Service) trustFor(ctx context.Context, u *models.User, k loginKeys) (loginTrust, error) {
	var t loginTrust
	if u == nil {
		return t, nil
	}
	since := s.now().Add(-trustedLoginFor)
	var err error
	if k.device != "" {
		if t.device, err = s.store.IsTrustedLogin(ctx, u.ID, models.TrustDevice, k.device, since); err != nil || t.device {
			return t, err
		}
	}
	t.addr, err = s.store.IsTrustedLogin(ctx, u.ID, models.TrustAddr, k.addr, since)
	return t, err
}

// loginBound is one limit a login attempt is held to.
type loginBound struct {
	filter  models.LoginAttemptFilter
	max     int64
	msgID   string // the refusal, with {{.Wait}}
	account bool   // the account-wide bound, whose tripping alerts the owner
}

// boundsFor lists the limits for an attempt with this trust.
func boundsFor(k loginKeys, t loginTrust) []loginBound {
	if t.device {
		return []loginBound{{
			filter: models.LoginAttemptFilter{AccountKey: k.account, DeviceKey: k.device}, max: maxFailuresPerDevice,
			msgID: "errors.login_limits.device",
		}}
	}
	b := []loginBound{
		{filter: models.LoginAttemptFilter{AccountKey: k.account, AddrKey: k.addr}, max: maxFailuresAccountAddr,
			msgID: "errors.login_limits.account_addr"},
		{filter: models.LoginAttemptFilter{AddrKey: k.addr}, max: maxFailuresPerAddr,
			msgID: "errors.login_limits.addr"},
	}
	if !t.addr {
		b = append(b, loginBound{filter: models.LoginAttemptFilter{AccountKey: k.account}, max: maxFailuresPerAccount, account: true,
			msgID: "errors.login_limits.account"})
	}
	return b
}

// checkLoginLimits refuses an attempt past any of its bounds, saying how
// long until it would be accepted. An account-wide refusal also alerts
// the owner (once per window).
func (s *Service) checkLoginLimits(ctx context.Context, u *models.User, k loginKeys, t loginTrust) error {
	now := s.now()
	since := now.Add(-loginWindow)
	for _, b := range boundsFor(k, t) {
		n, err := s.store.CountLoginAttempts(ctx, b.filter, since)
		if err != nil {
			return err
		}
		if n < b.max {
			continue
		}
		// The bound lifts when enough of the oldest failures age out.
		at, err := s.store.LoginAttemptAt(ctx, b.filter, since, int(n-b.max))
		if err != nil {
			return err
		}
		wait := max(at.Add(loginWindow).Sub(now), time.Second)
		if b.account && u != nil {
			if err := s.alertLoginAttack(ctx, u, now); err != nil {
				return err
			}
		}
		return rateLimited(wait, b.msgID, "Wait", waitWords(wait))
	}
	return nil
}

// recordLoginFailure counts a wrong password and alerts the owner when
// this failure is the one that trips the account-wide bound.
func (s *Service) recordLoginFailure(ctx context.Context, u *models.User, k loginKeys) error {
	now := s.now()
	if err := s.store.RecordLoginAttempt(ctx, &models.LoginAttempt{
		AccountKey: k.account, AddrKey: k.addr, DeviceKey: k.device, CreatedAt: now,
	}); err != nil {
		return err
	}
	if u == nil {
		return nil
	}
	n, err := s.store.CountLoginAttempts(ctx, models.LoginAttemptFilter{AccountKey: k.account}, now.Add(-loginWindow))
	if err != nil || n < maxFailuresPerAccount {
		return err
	}
	return s.alertLoginAttack(ctx, u, now)
}

// alertLoginAttack tells the owner, once per window whichever process
// gets there first, that their account is being guessed at. In-app only:
// the mail opt-in covers replies, mentions and watched threads.
func (s *Service) alertLoginAttack(ctx context.Context, u *models.User, now time.Time) error {
	win := now.Truncate(loginWindow).Unix()
	first, err := s.store.ClaimLoginAlert(ctx, u.ID, win)
	if err != nil || !first {
		return err
	}
	return s.store.CreateNotifications(ctx, []models.Notification{{UserID: u.ID, Kind: NotifyLoginAttack, ActorID: u.ID, CreatedAt: now}})
}

// rememberLogin trusts the address and device of a successful login, and
// forgets the failures they had, so a typo or two does not count against
// the owner later. It returns the device cookie to set.
func (s *Service) rememberLogin(ctx context.Context, u *models.User, k loginKeys, t loginTrust, in LoginInput) (string, error) {
	now := s.now()
	device := in.Device
	if !t.device {
		// A fresh token unless this one is already the member's: a cookie
		// planted before login must not become trusted.
		device = randomToken(deviceTokenBytes)
		key, err := s.instanceKey(ctx, loginLimitSecret)
		if err != nil {
			return "", err
		}
		k.device = keyedHash(key, "device", device)
	}
	if err := s.store.TrustLogin(ctx, u.ID, models.TrustDevice, k.device, now); err != nil {
		return "", err
	}
	if err := s.store.TrustLogin(ctx, u.ID, models.TrustAddr, k.addr, now); err != nil {
		return "", err
	}
	if err := s.store.ClearLoginAttempts(ctx, models.LoginAttemptFilter{AccountKey: k.account, AddrKey: k.addr}); err != nil {
		return "", err
	}
	if t.device {
		if err := s.store.ClearLoginAttempts(ctx, models.LoginAttemptFilter{AccountKey: k.account, DeviceKey: k.device}); err != nil {
			return "", err
		}
	}
	return device, nil
}

// pruneLoginLimits forgets failures past the window, trust unused for
// trustedLoginFor and old alert claims (maintenance).
func (s *Service) pruneLoginLimits(ctx context.Context, now time.Time) error {
	if err := s.store.DeleteLoginAttemptsBefore(ctx, now.Add(-loginWindow)); err != nil {
		return err
	}
	if err := s.store.DeleteTrustedLoginsBefore(ctx, now.Add(-trustedLoginFor)); err != nil {
		return err
	}
	return s.store.DeleteLoginAlertsBefore(ctx, now.Add(-loginAlertRetentionWins*loginWindow).Truncate(loginWindow).Unix())
}

// waitWords says a wait the way a person would: whole minutes, rounded up.
func waitWords(d time.Duration) i18n.Msg {
	m := int((d + time.Minute - 1) / time.Minute)
	if m <= 1 {
		m = 1
	}
	return i18n.N("errors.duration.minutes", m)
}
