package forum

import (
	"context"
	"crypto/subtle"
	"errors"
	"html"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// Password reset links. A link carries a random token (256 bits); only its
// SHA-256 is stored, and the row found by that hash is compared again in
// constant time. A link works once, for resetLinkLifetime, and a newer
// link or a password change retires the older ones.
//
// Requests are limited in the database per client address and per
// account over resetWindow. Past the address limit the form says so (429):
// that reveals nothing about accounts. Past the account limit no mail is
// sent but the answer is the same as always, so the limit cannot be used
// to learn whether an account exists.
const (
	resetLinkLifetime    = time.Hour
	resetWindow          = time.Hour
	maxResetsPerAddr     = 10
	maxResetsPerAccount  = 3
	resetTokenBytes      = 32
	maxResetLoginLength  = 254
	resetRetention       = 24 * time.Hour
	resetRequestKeyLabel = "password_reset"
)

// MailAccount is the kind of account mail (reset links): sent whatever
// the member's opt-ins are, with no unsubscribe link.
const MailAccount = "account"

// ErrResetLinkInvalid is a reset link that is unknown, used or expired.
// The page says so and links to asking again.
var ErrResetLinkInvalid = i18n.Error("errors.password_reset.link_invalid")

// RequestPasswordReset mails a reset link to the account whose username or
// email is login, if there is one and it may have one. Its answer is the
// same whether or not the account exists; only the per-address limit
// shows (a *RateLimitError).
func (s *Service) RequestPasswordReset(ctx context.Context, login, addr string) error {
	login = strings.TrimSpace(login)
	if login == "" || len(login) > maxResetLoginLength {
		return invalid("login", "errors.password_reset.enter_username_email_address")
	}
	key, err := s.instanceKey(ctx, loginLimitSecret)
	if err != nil {
		return err
	}
	now := s.now()
	since := now.Add(-resetWindow)
	addrKey := keyedHash(key, resetRequestKeyLabel+":addr", addr)
	n, err := s.store.CountPasswordResetRequests(ctx, addrKey, since)
	if err != nil {
		return err
	}
	if n >= maxResetsPerAddr {
		return rateLimited(resetWindow, "errors.password_reset.too_many")
	}
	u, err := s.store.UserByLogin(ctx, login)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	if u != nil && (u.IsRemote() || u.PasswordHash == "") {
		u = nil
	}
	keys := []string{addrKey}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		if u == nil {
			return s.store.RecordPasswordResetRequest(ctx, keys, now)
		}
		accountKey := keyedHash(key, resetRequestKeyLabel+":account", strconv.FormatInt(u.ID, 10))
		m, err := s.store.CountPasswordResetRequests(ctx, accountKey, since)
		if err != nil {
			return err
		}
		if err := s.store.RecordPasswordResetRequest(ctx, append(keys, accountKey), now); err != nil {
			return err
		}
		if m >= maxResetsPerAccount {
			return nil
		}
		link, err := s.newResetLink(ctx, u.ID)
		if err != nil {
			return err
		}
		_, err = s.store.QueueMails(ctx, []models.Mail{s.resetMail(ctx, u, link, now)})
		return err
	})
}

// PasswordResetLink makes a reset link for a member without mailing it,
// for `hearth admin reset-password`; it retires older links as a request
// does.
func (s *Service) PasswordResetLink(ctx context.Context, username string) (string, error) {
	u, err := s.store.UserByUsername(ctx, username)
	if err != nil {
		return "", mapNotFound(err)
	}
	if u.IsRemote() || u.PasswordHash == "" {
		return "", invalid("username", "errors.password_reset.remote_account_has_no")
	}
	var link string
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		link, err = s.newResetLink(ctx, u.ID)
		return err
	})
	return link, err
}

// newResetLink retires a member's unused links and stores a new one.
func (s *Service) newResetLink(ctx context.Context, userID int64) (string, error) {
	now := s.now()
	if err := s.store.RetirePasswordResets(ctx, userID, now); err != nil {
		return "", err
	}
	token := randomToken(resetTokenBytes)
	err := s.store.CreatePasswordReset(ctx, &models.PasswordReset{
		UserID: userID, TokenHash: hashToken(token), CreatedAt: now, ExpiresAt: now.Add(resetLinkLifetime),
	})
	return s.cfg.URL + "/password/reset/" + token, err
}

func (s *Service) resetMail(ctx context.Context, u *models.User, link string, now time.Time) models.Mail {
	site := s.mailSite(ctx)
	l := s.langFor(site, u.Language)
	asked, ignore := l.T("mail.reset.asked", "Name", u.Username, "Site", site.Name), l.T("mail.reset.ignore")
	a := template.HTML(`<a href="` + html.EscapeString(link) + `">` + html.EscapeString(l.T("mail.reset.set_link")) + `</a>`) // #nosec G203 -- escaped
	b := mailBody{Subject: l.T("mail.reset.subject", "Site", site.Name), Lang: l.Code,
		Text: asked + "\n\n" + l.T("mail.reset.set_text") + "\n" + link + "\n\n" + ignore + "\n",
		HTML: "<p>" + html.EscapeString(asked) + "</p>\n<p>" + string(l.HTML("mail.reset.set_html", "Link", a)) + "</p>\n<p>" +
			html.EscapeString(ignore) + "</p>\n"}
	// Each link is its own mail: the dedupe key is the link's hash prefix.
	key := "reset:" + hashToken(link)[:32]
	return s.newMail(u.ID, u.Email, MailAccount, "", key, b, now)
}

// resetFor returns the live reset link for a token and its member.
func (s *Service) resetFor(ctx context.Context, token string) (*models.PasswordReset, *models.User, error) {
	if token == "" || len(token) > 100 {
		return nil, nil, ErrResetLinkInvalid
	}
	h := hashToken(token)
	r, err := s.store.PasswordResetByHash(ctx, h)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil, ErrResetLinkInvalid
	} else if err != nil {
		return nil, nil, err
	}
	if subtle.ConstantTimeCompare([]byte(r.TokenHash), []byte(h)) != 1 || r.UsedAt != nil || !s.now().Before(r.ExpiresAt) {
		return nil, nil, ErrResetLinkInvalid
	}
	u, err := s.store.UserByID(ctx, r.UserID)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil, ErrResetLinkInvalid
	}
	return r, u, err
}

// CheckPasswordReset reports whether a reset link still works, for the
// page that shows its form.
func (s *Service) CheckPasswordReset(ctx context.Context, token string) error {
	_, _, err := s.resetFor(ctx, token)
	return err
}

// ResetPassword sets a new password through a reset link: the link is
// used up and every session of the member is signed out. The member then
// logs in with the new password (so a second factor, when they have one,
// is still asked).
func (s *Service) ResetPassword(ctx context.Context, token, pw, confirm string) (*models.User, error) {
	var u *models.User
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		r, user, err := s.resetFor(ctx, token)
		if err != nil {
			return err
		}
		if p := passwordProblem(pw, user.Username, user.Email); !p.IsZero() {
			return invalidMsg("password", p)
		}
		if pw != confirm {
			return invalid("confirm_password", "errors.password_reset.two_passwords_differ_type")
		}
		ok, err := s.store.UsePasswordReset(ctx, r.ID, s.now())
		if err != nil {
			return err
		}
		if !ok {
			return ErrResetLinkInvalid
		}
		u = user
		return s.setPassword(ctx, user.ID, pw, "")
	})
	return u, err
}

// prunePasswordResets drops reset requests, and reset and verification
// links, a day past use.
func (s *Service) prunePasswordResets(ctx context.Context) error {
	if err := s.store.PrunePasswordResets(ctx, s.now().Add(-resetRetention)); err != nil {
		return err
	}
	return s.store.PruneEmailVerifications(ctx, s.now().Add(-resetRetention))
}
