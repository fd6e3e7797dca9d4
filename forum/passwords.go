package forum

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

//go:embed common_passwords.txt
var commonPasswordsText string

// commonPasswords is common_passwords.txt as a set, lower case: the
// passwords an attacker tries first, refused at sign-up and on every
// change.
var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordsText, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = true
		}
	}
	return m
}()

// passwordProblem says what is wrong with a new password for this
// account, "" when nothing is: long enough, not too long for bcrypt, not
// the username or email, not on the common list.
func passwordProblem(pw, username, email string) i18n.Msg {
	lower := strings.ToLower(pw)
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	switch {
	case utf8.RuneCountInString(pw) < minPasswordLength:
		return i18n.M("errors.passwords.too_short", "Min", minPasswordLength)
	case len(pw) > maxPasswordBytes:
		return i18n.M("errors.passwords.too_long", "Max", maxPasswordBytes)
	case username != "" && lower == strings.ToLower(username),
		email != "" && (lower == strings.ToLower(email) || lower == local):
		return i18n.M("errors.passwords.is_your_name")
	case commonPasswords[lower]:
		return i18n.M("errors.passwords.too_common")
	}
	return i18n.Msg{}
}

// ChangePasswordInput is the change-password form.
type ChangePasswordInput struct {
	Current, New, Confirm string
	// RevokeTokens also revokes every API token.
	RevokeTokens bool
	// KeepSession is the cookie secret of the session making the change,
	// which stays signed in; "" (the API) signs out every session.
	KeepSession string
}

// ChangePassword sets a member's password after checking the current one.
// Every other session is signed out, unused reset links stop working and,
// when asked, every API token is revoked: whoever knew the old password
// keeps no way in.
func (s *Service) ChangePassword(ctx context.Context, actor *models.User, in ChangePasswordInput) error {
	if actor == nil {
		return ErrUnauthorized
	}
	if actor.IsRemote() || actor.PasswordHash == "" {
		return ErrForbidden
	}
	v := validation{}
	if in.Current == "" || bcrypt.CompareHashAndPassword([]byte(actor.PasswordHash), []byte(in.Current)) != nil {
		v.add("current_password", "errors.common.not_current_password")
	}
	if p := passwordProblem(in.New, actor.Username, actor.Email); !p.IsZero() {
		v.addMsg("new_password", p)
	} else if in.New != in.Confirm {
		v.add("confirm_password", "errors.passwords.two_new_passwords_differ")
	}
	if err := v.err(); err != nil {
		return err
	}
	keep := ""
	if in.KeepSession != "" {
		keep = hashToken(in.KeepSession)
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		if err := s.setPassword(ctx, actor.ID, in.New, keep); err != nil {
			return err
		}
		if in.RevokeTokens {
			return s.store.DeleteTokensOf(ctx, actor.ID)
		}
		return nil
	})
}

// setPassword stores a new password hash, signs out every session but
// keep (a session id; "" for none) and retires unused reset links.
func (s *Service) setPassword(ctx context.Context, userID int64, pw, keep string) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), s.BcryptCost)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	now := s.now()
	if err := s.store.UpdateUserFields(ctx, userID, map[string]any{"password_hash": string(hash), "updated_at": now}); err != nil {
		return err
	}
	if _, err := s.store.DeleteOtherSessions(ctx, userID, keep); err != nil {
		return err
	}
	return s.store.RetirePasswordResets(ctx, userID, now)
}
