package forum

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"html"
	"net/mail"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// Email verification. With --require-email-verification a member whose
// address is not verified may read, like, bookmark and set up their
// account, but not start threads or reply (ErrEmailUnverified) until they
// follow the link mailed at sign-up. A new address (ChangeEmail) waits in
// PendingEmail and takes effect only when its link is followed; the old
// address is told. Links are random, stored hashed, single-use, and last
// verifyLinkLifetime; a newer link retires older ones.
const (
	verifyLinkLifetime  = 24 * time.Hour
	verifyResendWindow  = time.Hour
	maxVerifyMailsPerHr = 3
	verifyTokenBytes    = 32
)

// ErrEmailUnverified refuses a post from a member who must verify their
// address first. The API answers it 403 with code email_unverified.
var ErrEmailUnverified = i18n.Error("errors.email_verification.unverified")

// ErrVerifyLinkInvalid is a verification link that is unknown, used or
// expired.
var ErrVerifyLinkInvalid = i18n.Error("errors.email_verification.link_invalid")

// NeedsEmailVerification reports whether u may not post until they
// verify their address. Remote accounts never need to.
func (s *Service) NeedsEmailVerification(u *models.User) bool {
	return s.cfg.RequireEmailVerification && u != nil && !u.IsRemote() && u.EmailVerifiedAt == nil
}

// checkEmailVerified is the posting gate.
func (s *Service) checkEmailVerified(u *models.User) error {
	if s.NeedsEmailVerification(u) {
		return ErrEmailUnverified
	}
	return nil
}

// sendVerification retires a member's unused links and mails a new one
// for addr.
func (s *Service) sendVerification(ctx context.Context, u *models.User, addr string) error {
	now := s.now()
	if err := s.store.RetireEmailVerifications(ctx, u.ID, now); err != nil {
		return err
	}
	token := randomToken(verifyTokenBytes)
	if err := s.store.CreateEmailVerification(ctx, &models.EmailVerification{
		UserID: u.ID, Email: addr, TokenHash: hashToken(token), CreatedAt: now, ExpiresAt: now.Add(verifyLinkLifetime),
	}); err != nil {
		return err
	}
	link := s.cfg.URL + "/email/verify/" + token
	site := s.mailSite(ctx)
	l := s.langFor(site, u.Language)
	confirm := l.T("mail.verify.confirm", "Address", addr, "Name", u.Username, "Site", site.Name)
	once := l.T("mail.verify.once")
	b := mailBody{Subject: l.T("mail.verify.subject", "Site", site.Name), Lang: l.Code,
		Text: confirm + "\n" + link + "\n\n" + once + "\n",
		HTML: "<p>" + html.EscapeString(confirm) + "</p>\n<p><a href=\"" + html.EscapeString(link) + "\">" + html.EscapeString(l.T("mail.verify.button")) +
			"</a></p>\n<p>" + html.EscapeString(once) + "</p>\n"}
	_, err := s.store.QueueMails(ctx, []models.Mail{s.newMail(u.ID, addr, MailAccount, "", "verify:"+hashToken(token)[:32], b, now)})
	return err
}

// ResendVerification mails a new link for the address waiting to be
// verified: the pending new one, else the current one if unverified. At
// most maxVerifyMailsPerHr an hour.
func (s *Service) ResendVerification(ctx context.Context, actor *models.User) error {
	if actor == nil {
		return ErrUnauthorized
	}
	if actor.IsRemote() {
		return ErrForbidden
	}
	addr := actor.PendingEmail
	if addr == "" {
		if actor.EmailVerifiedAt != nil {
			return invalid("email", "errors.email_verification.address_already_verified")
		}
		addr = actor.Email
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		n, err := s.store.CountEmailVerifications(ctx, actor.ID, s.now().Add(-verifyResendWindow))
		if err != nil {
			return err
		}
		if n >= maxVerifyMailsPerHr {
			return rateLimited(verifyResendWindow, "errors.email_verification.resent_often")
		}
		return s.sendVerification(ctx, actor, addr)
	})
}

// VerifyEmail follows a verification link: the address it was made for
// becomes the member's verified address.
func (s *Service) VerifyEmail(ctx context.Context, token string) (*models.User, error) {
	if token == "" || len(token) > 100 {
		return nil, ErrVerifyLinkInvalid
	}
	h := hashToken(token)
	var u *models.User
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		v, err := s.store.EmailVerificationByHash(ctx, h)
		if errors.Is(err, models.ErrNotFound) {
			return ErrVerifyLinkInvalid
		} else if err != nil {
			return err
		}
		now := s.now()
		if subtle.ConstantTimeCompare([]byte(v.TokenHash), []byte(h)) != 1 || v.UsedAt != nil || !now.Before(v.ExpiresAt) {
			return ErrVerifyLinkInvalid
		}
		if u, err = s.store.UserByID(ctx, v.UserID); err != nil {
			return mapNotFound(err)
		}
		if !strings.EqualFold(v.Email, u.Email) {
			if other, err := s.store.UserByLogin(ctx, v.Email); err == nil && other.ID != u.ID {
				return invalid("email", "errors.email_verification.another_account_uses_address2")
			}
		}
		if ok, err := s.store.UseEmailVerification(ctx, v.ID, now); err != nil || !ok {
			if err == nil {
				err = ErrVerifyLinkInvalid
			}
			return err
		}
		fields := map[string]any{"email": v.Email, "email_lower": strings.ToLower(v.Email), "email_verified_at": now, "pending_email": "", "updated_at": now}
		if err := s.store.UpdateUserFields(ctx, u.ID, fields); err != nil {
			if models.IsUniqueViolation(err) {
				return invalid("email", "errors.email_verification.another_account_uses_address2")
			}
			return err
		}
		u.Email, u.EmailLower, u.EmailVerifiedAt, u.PendingEmail = v.Email, strings.ToLower(v.Email), &now, ""
		return nil
	})
	return u, err
}

// ChangeEmail asks to move the member's mail to a new address: the current
// password is required, the new address gets a verification link and
// becomes theirs only when it is followed; the current address keeps
// getting mail until then and is told of the request.
func (s *Service) ChangeEmail(ctx context.Context, actor *models.User, newEmail, password string) error {
	if actor == nil {
		return ErrUnauthorized
	}
	if actor.IsRemote() || actor.PasswordHash == "" {
		return ErrForbidden
	}
	v := validation{}
	newEmail = strings.TrimSpace(newEmail)
	if addr, err := mail.ParseAddress(newEmail); err != nil || addr.Address != newEmail || len(newEmail) > 254 {
		v.add("new_email", "errors.common.enter_email_address_like")
	} else if strings.EqualFold(newEmail, actor.Email) {
		v.add("new_email", "errors.email_verification.already_address")
	}
	if password == "" || bcrypt.CompareHashAndPassword([]byte(actor.PasswordHash), []byte(password)) != nil {
		v.add("password", "errors.common.not_current_password")
	}
	if err := v.err(); err != nil {
		return err
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.store.UserByLogin(ctx, newEmail); err == nil {
			return invalid("new_email", "errors.email_verification.another_account_uses_address")
		}
		n, err := s.store.CountEmailVerifications(ctx, actor.ID, s.now().Add(-verifyResendWindow))
		if err != nil {
			return err
		}
		if n >= maxVerifyMailsPerHr {
			return rateLimited(verifyResendWindow, "errors.email_verification.asked_often")
		}
		if err := s.store.UpdateUserFields(ctx, actor.ID, map[string]any{"pending_email": newEmail, "updated_at": s.now()}); err != nil {
			return err
		}
		actor.PendingEmail = newEmail
		if err := s.sendVerification(ctx, actor, newEmail); err != nil {
			return err
		}
		return s.queueEmailChangeNotice(ctx, actor, newEmail)
	})
}

// queueEmailChangeNotice tells the current address that a change was
// asked for. It has no link: whoever holds the account could follow one.
func (s *Service) queueEmailChangeNotice(ctx context.Context, u *models.User, newEmail string) error {
	now := s.now()
	site := s.mailSite(ctx)
	l := s.langFor(site, u.Language)
	asked := l.T("mail.email_change.asked", "Name", u.Username, "Site", site.Name, "Address", newEmail)
	until := l.T("mail.email_change.until")
	b := mailBody{Subject: l.T("mail.email_change.subject", "Site", site.Name), Lang: l.Code,
		Text: asked + "\n" + until + "\n\n" + l.T("mail.email_change.not_you_text", "Link", s.cfg.URL+"/password/forgot") + "\n",
		HTML: "<p>" + html.EscapeString(asked) + "</p>\n<p>" + html.EscapeString(until) + "</p>\n<p>" +
			html.EscapeString(l.T("mail.email_change.not_you_html")) + "</p>\n"}
	key := fmt.Sprintf("email-change:%d:%d", u.ID, now.UnixNano())
	_, err := s.store.QueueMails(ctx, []models.Mail{s.newMail(u.ID, u.Email, MailAccount, "", key, b, now)})
	return err
}
