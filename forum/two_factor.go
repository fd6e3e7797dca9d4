package forum

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"golang.org/x/crypto/bcrypt"

	"github.com/hearth/hearth/models"
)

// TOTP second factor (RFC 6238): 30-second steps, 6 digits, SHA-1, which
// is what every authenticator app reads from a QR code. A code is
// accepted for the step before and after the current one (clock skew),
// and never twice: the last step used is stored (models.TwoFactor).
const (
	totpPeriod          = 30
	totpSkewSteps       = 1
	totpSecretBytes     = 20
	recoveryCodeCount   = 10
	recoveryCodeBytes   = 10 // 80 bits, shown as four groups of four base32 letters
	totpQRSize          = 240
	secondFactorMessage = "errors.two_factor.code_not_accepted"
)

// NotifySecondFactorReset tells a member an administrator turned their
// second factor off (hearth admin reset-2fa).
const NotifySecondFactorReset = "2fa_reset"

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// Enrolment is what the enrolment page shows: the key as text for manual
// entry, as an otpauth:// URL, and as a QR code (a PNG data: URI, so the
// page needs no script and no second request).
type Enrolment struct {
	Secret string
	URL    string
	QR     string
}

// MustEnrolSecondFactor reports whether the member may do nothing but
// enrol a second factor: --require-2fa-for-staff is on and they are a
// moderator or admin without one. API tokens are not held to it (the
// server only asks for sessions): a token is already a second secret.
func (s *Service) MustEnrolSecondFactor(u *models.User) bool {
	return s.cfg.RequireTwoFactorForStaff && u != nil && !u.IsRemote() && !u.TwoFactor &&
		(u.Role == models.RoleAdmin || u.Role == models.RoleModerator)
}

// StartTwoFactor returns the key to enrol, made on the first visit and
// kept until confirmed, so a reload shows the QR code already scanned.
func (s *Service) StartTwoFactor(ctx context.Context, u *models.User) (*Enrolment, error) {
	if u == nil {
		return nil, ErrUnauthorized
	}
	f, err := s.store.TwoFactorFor(ctx, u.ID)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return nil, err
	}
	if f != nil && f.EnabledAt != nil {
		return nil, invalid("code", "errors.two_factor.two_factor_login_already")
	}
	secret := ""
	if f != nil {
		secret = f.Pending
	}
	if secret == "" {
		b := make([]byte, totpSecretBytes)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		if secret, err = s.store.KeepTwoFactorPending(ctx, u.ID, b32.EncodeToString(b), s.now()); err != nil {
			return nil, err
		}
	}
	return s.enrolment(u, secret)
}

func (s *Service) enrolment(u *models.User, secret string) (*Enrolment, error) {
	raw, err := b32.DecodeString(secret)
	if err != nil {
		return nil, err
	}
	issuer := s.ownDomain()
	if issuer == "" {
		issuer = "Hearth"
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: u.Username, Secret: raw,
		Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return nil, err
	}
	img, err := key.Image(totpQRSize, totpQRSize)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return &Enrolment{Secret: key.Secret(), URL: key.URL(),
		QR: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())}, nil
}

// EnableTwoFactor confirms enrolment with a code from the app and returns
// the ten recovery codes, to be shown once. Wrong codes count against the
// login limits, as everywhere a second factor is checked.
func (s *Service) EnableTwoFactor(ctx context.Context, u *models.User, code, addr string) ([]string, error) {
	if u == nil {
		return nil, ErrUnauthorized
	}
	f, err := s.store.TwoFactorFor(ctx, u.ID)
	if errors.Is(err, models.ErrNotFound) || (err == nil && (f.Pending == "" || f.EnabledAt != nil)) {
		return nil, invalid("code", "errors.two_factor.start_again_from_settings")
	} else if err != nil {
		return nil, err
	}
	k, _, err := s.secondFactorLimits(ctx, u, LoginInput{Addr: addr})
	if err != nil {
		return nil, err
	}
	step := matchStep(f.Pending, normalizeCode(code), s.now(), 0)
	if step == 0 {
		if err := s.recordLoginFailure(ctx, u, k); err != nil {
			return nil, err
		}
		return nil, invalid("code", "errors.two_factor.code_not_right_enter")
	}
	var codes []string
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		if err := s.store.EnableTwoFactor(ctx, u.ID, f.Pending, step, s.now()); err != nil {
			return err
		}
		codes, err = s.newRecoveryCodes(ctx, u)
		return err
	})
	if err != nil {
		return nil, err
	}
	u.TwoFactor = true
	return codes, nil
}

// DisableTwoFactor turns the second factor off; it takes the password and
// a code (or a recovery code), so a borrowed session cannot do it.
func (s *Service) DisableTwoFactor(ctx context.Context, u *models.User, password, code, addr string) error {
	if u == nil {
		return ErrUnauthorized
	}
	if !u.TwoFactor {
		return invalid("code", "errors.two_factor.two_factor_login_not")
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
	if err := s.checkSecondFactor(ctx, u, k, code); err != nil {
		return err
	}
	if err := s.store.DeleteTwoFactor(ctx, u.ID); err != nil {
		return err
	}
	fresh, err := s.store.UserByID(ctx, u.ID)
	if err != nil {
		return err
	}
	u.TwoFactor = fresh.TwoFactor // still on while a passkey is left
	return nil
}

// TOTPOn reports whether the member confirmed an authenticator app (as
// opposed to users.two_factor, which a passkey alone also sets).
func (s *Service) TOTPOn(ctx context.Context, u *models.User) (bool, error) {
	f, err := s.store.TwoFactorFor(ctx, u.ID)
	if errors.Is(err, models.ErrNotFound) {
		return false, nil
	}
	return err == nil && f.EnabledAt != nil, err
}

// RegenerateRecoveryCodes replaces the recovery codes (the old ones stop
// working) after a code from the app, and returns the new ones.
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, u *models.User, code, addr string) ([]string, error) {
	if u == nil {
		return nil, ErrUnauthorized
	}
	if !u.TwoFactor {
		return nil, invalid("code", "errors.two_factor.two_factor_login_not")
	}
	k, _, err := s.secondFactorLimits(ctx, u, LoginInput{Addr: addr})
	if err != nil {
		return nil, err
	}
	if err := s.checkSecondFactor(ctx, u, k, code); err != nil {
		return nil, err
	}
	return s.newRecoveryCodes(ctx, u)
}

// RecoveryCodesLeft counts the member's unused recovery codes.
func (s *Service) RecoveryCodesLeft(ctx context.Context, u *models.User) (int64, error) {
	return s.store.CountRecoveryCodes(ctx, u.ID)
}

// ResetTwoFactor turns a member's second factor off for an administrator
// (hearth admin reset-2fa; actor nil is the command line), for a member
// who lost both their app and their recovery codes. It is audited and the
// member is told.
func (s *Service) ResetTwoFactor(ctx context.Context, actor *models.User, username string) (*models.User, error) {
	if actor != nil && actor.Role != models.RoleAdmin {
		return nil, ErrForbidden
	}
	var u *models.User
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if u, err = s.store.UserByUsername(ctx, strings.TrimSpace(username)); err != nil {
			return mapNotFound(err)
		}
		if !u.TwoFactor {
			return invalid("username", "errors.two_factor.member_has_it_off", "Name", u.Username)
		}
		if err := s.store.DeletePasskeys(ctx, u.ID); err != nil {
			return err
		}
		if err := s.store.DeleteTwoFactor(ctx, u.ID); err != nil {
			return err
		}
		now := s.now()
		if err := s.record(ctx, actor, "user.reset_2fa", TargetUser, u.ID, "", map[string]any{"username": u.Username}, now); err != nil {
			return err
		}
		return s.store.CreateNotifications(ctx, []models.Notification{{UserID: u.ID, Kind: NotifySecondFactorReset, ActorID: u.ID, CreatedAt: now}})
	})
	if err != nil {
		return nil, err
	}
	u.TwoFactor = false
	return u, nil
}

// secondFactorLimits holds a code check to the login limits: the same
// bounds and counts as wrong passwords, so six digits cannot be guessed.
func (s *Service) secondFactorLimits(ctx context.Context, u *models.User, in LoginInput) (loginKeys, loginTrust, error) {
	k, err := s.keysFor(ctx, u, u.Username, in)
	if err != nil {
		return k, loginTrust{}, err
	}
	t, err := s.trustFor(ctx, u, k)
	if err != nil {
		return k, t, err
	}
	return k, t, s.checkLoginLimits(ctx, u, k, t)
}

// checkSecondFactor accepts a current TOTP code (once) or an unused
// recovery code (consumed); anything else is counted as a failed login.
func (s *Service) checkSecondFactor(ctx context.Context, u *models.User, k loginKeys, code string) error {
	ok, err := s.useSecondFactor(ctx, u, normalizeCode(code))
	if err != nil || ok {
		return err
	}
	if err := s.recordLoginFailure(ctx, u, k); err != nil {
		return err
	}
	return invalid("code", secondFactorMessage)
}

func (s *Service) useSecondFactor(ctx context.Context, u *models.User, code string) (bool, error) {
	if code == "" {
		return false, nil
	}
	if isDigits(code) {
		f, err := s.store.TwoFactorFor(ctx, u.ID)
		if errors.Is(err, models.ErrNotFound) {
			return false, nil
		} else if err != nil {
			return false, err
		}
		if f.EnabledAt == nil {
			return false, nil
		}
		step := matchStep(f.Secret, code, s.now(), f.LastStep)
		if step == 0 {
			return false, nil
		}
		return s.store.ClaimTwoFactorStep(ctx, u.ID, step)
	}
	return s.store.UseRecoveryCode(ctx, u.ID, hashToken(code))
}

// matchStep returns the time step whose code is code, looking one step
// either side of now and only at steps after last, or 0 for none.
func matchStep(secret, code string, now time.Time, last int64) int64 {
	if len(code) != 6 || !isDigits(code) {
		return 0
	}
	cur := now.Unix() / totpPeriod
	for d := int64(-totpSkewSteps); d <= totpSkewSteps; d++ {
		step := cur + d
		if step <= last {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0).UTC(), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step
		}
	}
	return 0
}

// TOTPCode is the code for secret at t: for tests and the browser test,
// which play the member's authenticator app.
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totpOpts)
}

// newRecoveryCodes replaces the member's recovery codes and returns them
// formatted for people (xxxx-xxxx-xxxx-xxxx); only hashes of the
// normalised form are stored.
func (s *Service) newRecoveryCodes(ctx context.Context, u *models.User) ([]string, error) {
	codes := make([]string, recoveryCodeCount)
	hashes := make([]string, recoveryCodeCount)
	for i := range codes {
		b := make([]byte, recoveryCodeBytes)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		c := strings.ToLower(b32.EncodeToString(b))
		hashes[i] = hashToken(c)
		codes[i] = c[0:4] + "-" + c[4:8] + "-" + c[8:12] + "-" + c[12:16]
	}
	return codes, s.store.ReplaceRecoveryCodes(ctx, u.ID, hashes, s.now())
}

// normalizeCode drops what people and apps put between digits or groups
// (spaces, hyphens) and case.
func normalizeCode(code string) string {
	return strings.ToLower(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(strings.TrimSpace(code)))
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
