package forum

import (
	"context"
	"html"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// Sign-up by approval: the newcomer writes a short application; the
// account is made but cannot log in (LogIn refuses it, and sign-up starts
// no session) until an ambassador, moderator or administrator approves it
// from /mod/applications. Rejection erases the account, as account
// deletion does, and tells the applicant by mail.

const (
	applicationMaxRunes = 1000
	applicationsListed  = 200
)

// msgAwaitingApproval is what a waiting account is told at login.
const msgAwaitingApproval = "errors.applications.awaiting_approval"

// ErrNotWaiting is an application already decided.
var ErrNotWaiting = i18n.Wrap(ErrConflict, "errors.applications.not_waiting")

func checkApplication(text string) (string, i18n.Msg) {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	switch {
	case text == "":
		return text, i18n.M("errors.applications.say_why")
	case utf8.RuneCountInString(text) > applicationMaxRunes:
		return text, i18n.M("errors.applications.too_long", "Max", applicationMaxRunes)
	}
	return text, i18n.Msg{}
}

// Applications lists the accounts waiting for approval, oldest first.
func (s *Service) Applications(ctx context.Context, actor *models.User) ([]models.User, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if !CanApprove(actor) {
		return nil, ErrForbidden
	}
	return s.store.Applications(ctx, applicationsListed)
}

// ApproveApplication lets a waiting account log in, tells it by mail,
// and audits the decision.
func (s *Service) ApproveApplication(ctx context.Context, actor *models.User, userID int64) error {
	return s.decideApplication(ctx, actor, userID, func(ctx context.Context, u *models.User, now time.Time) error {
		if err := s.record(ctx, actor, "application.approve", TargetUser, u.ID, "", nil, now); err != nil {
			return err
		}
		return s.applicationMail(ctx, u, true)
	})
}

// RejectApplication erases a waiting account (its name and address are
// free again), tells the applicant by mail, and audits the decision.
func (s *Service) RejectApplication(ctx context.Context, actor *models.User, userID int64) error {
	return s.decideApplication(ctx, actor, userID, func(ctx context.Context, u *models.User, now time.Time) error {
		if err := s.store.DeleteAccountRows(ctx, u.ID); err != nil {
			return err
		}
		name := "deleted-" + strconv.FormatInt(u.ID, 10)
		if err := s.store.UpdateUserFields(ctx, u.ID, map[string]any{
			"username": name, "username_lower": name, "email": "", "email_lower": name,
			"password_hash": "", "display_name": DeletedMemberName, "application": "", "erased_at": now, "updated_at": now,
		}); err != nil {
			return err
		}
		if err := s.record(ctx, actor, "application.reject", TargetUser, u.ID, "", map[string]any{"username": u.Username}, now); err != nil {
			return err
		}
		return s.applicationMail(ctx, u, false)
	})
}

// decideApplication claims a waiting account's application for an
// approver (one UPDATE, so two decisions at once cannot both win) and, in
// the same transaction, applies the decision to it; ErrNotWaiting when it
// was decided already.
func (s *Service) decideApplication(ctx context.Context, actor *models.User, userID int64, decide func(ctx context.Context, u *models.User, now time.Time) error) error {
	if actor == nil {
		return ErrUnauthorized
	}
	if !CanApprove(actor) {
		return ErrForbidden
	}
	now := s.now()
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		u, err := s.store.UserByID(ctx, userID)
		if err != nil {
			return mapNotFound(err)
		}
		ok, err := s.store.ApproveApplication(ctx, userID, now)
		if err != nil {
			return err
		}
		if !ok || u.ErasedAt != nil {
			return ErrNotWaiting
		}
		return decide(ctx, u, now)
	})
}

func (s *Service) applicationMail(ctx context.Context, u *models.User, approved bool) error {
	site := s.mailSite(ctx)
	l := s.langFor(site, u.Language)
	subject, text := l.T("mail.application.declined_subject", "Site", site.Name), l.T("mail.application.declined", "Site", site.Name, "Name", u.Username)+"\n"
	if approved {
		subject = l.T("mail.application.approved_subject", "Site", site.Name)
		text = l.T("mail.application.approved", "Site", site.Name, "Name", u.Username) + "\n" + s.cfg.URL + "/login\n"
	}
	b := mailBody{Subject: subject, Text: text, HTML: "<p>" + html.EscapeString(text) + "</p>\n", Lang: l.Code}
	_, err := s.store.QueueMails(ctx, []models.Mail{s.newMail(u.ID, u.Email, MailAccount, "", "application:"+strconv.FormatInt(u.ID, 10), b, s.now())})
	return err
}
