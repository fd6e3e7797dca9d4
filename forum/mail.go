package forum

import (
	"context"
	"html"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/hearth/hearth/forum/markup"
	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// Now is the service's clock, for workers that must agree with it (the
// mail queue's retry times) and for tests that move it.
func (s *Service) Now() time.Time { return s.now() }

// MailSettings returns the actor's mail opt-ins.
func (s *Service) MailSettings(ctx context.Context, actor *models.User) (*models.MailSetting, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if !CanChooseNotifications(actor) {
		return nil, ErrForbidden
	}
	return s.store.MailSettingOf(ctx, actor.ID)
}

// SaveMailSettings sets the actor's opt-ins: mail for replies, mentions and
// watched posts, and the weekly digest.
func (s *Service) SaveMailSettings(ctx context.Context, actor *models.User, notifications, digest bool) error {
	if actor == nil {
		return ErrUnauthorized
	}
	if !CanChooseNotifications(actor) {
		return ErrForbidden
	}
	return s.store.SaveMailSetting(ctx, &models.MailSetting{UserID: actor.ID, EmailNotifications: notifications,
		EmailDigest: digest, UpdatedAt: s.now()})
}

// mailBody is a rendered message: plain text and its HTML twin, and the
// language they are written in.
type mailBody struct {
	Subject, Text, HTML string
	Lang                string
}

// notificationMail words one notification as mail, in l.
func (s *Service) notificationMail(l *i18n.Lang, site, kind string, actor *models.User, t *models.Thread, post *models.Post) mailBody {
	id := "mail.notify.posted"
	switch kind {
	case models.NotifyReply:
		id = "mail.notify.reply"
	case models.NotifyMention:
		id = "mail.notify.mention"
	case models.NotifyNewThread:
		id = "mail.notify.new_thread"
	}
	link := s.cfg.URL + "/p/" + strconv.FormatInt(post.ID, 10)
	excerpt := markup.Excerpt(post.HTML, 500)
	what := l.T(id, "Name", actor.Name(), "Title", l.T("mail.quoted", "Text", t.Title))
	text := what + ":\n\n" + excerpt + "\n\n" + l.T("mail.notify.read_text", "Link", link) + "\n"
	titleLink := template.HTML(`<a href="` + html.EscapeString(link) + `">` + html.EscapeString(t.Title) + `</a>`) // #nosec G203 -- escaped
	htm := "<p>" + string(l.HTML(id, "Name", actor.Name(), "Title", titleLink)) + ":</p>\n<blockquote>" + html.EscapeString(excerpt) +
		"</blockquote>\n<p><a href=\"" + html.EscapeString(link) + "\">" + html.EscapeString(l.T("mail.notify.read")) + "</a></p>\n"
	return mailBody{Subject: l.T("mail.notify.subject", "Site", site, "What", what), Text: text, HTML: htm, Lang: l.Code}
}

// queueNotificationMails queues mail for the notifications just created,
// for the recipients who opted in, in the caller's transaction, each in the
// recipient's language. Likes stay in the site. The dedupe key is the
// notification's id, so a notification never mails twice.
func (s *Service) queueNotificationMails(ctx context.Context, actor *models.User, t *models.Thread, post *models.Post, rows []models.Notification) error {
	var ids []int64
	for _, n := range rows {
		if n.Kind != models.NotifyLike {
			ids = append(ids, n.UserID)
		}
	}
	to, err := s.store.EmailRecipients(ctx, ids)
	if err != nil || len(to) == 0 {
		return err
	}
	now := s.now()
	site := s.mailSite(ctx)
	var mails []models.Mail
	for _, n := range rows {
		r, ok := to[n.UserID]
		if !ok || n.Kind == models.NotifyLike {
			continue
		}
		b := s.notificationMail(s.langFor(site, r.Language), site.Name, n.Kind, actor, t, post)
		mails = append(mails, s.newMail(n.UserID, r.Email, models.MailNotification, models.ScopeNotifications,
			"n:"+strconv.FormatInt(n.ID, 10), b, now))
	}
	_, err = s.store.QueueMails(ctx, mails)
	return err
}

func (s *Service) newMail(userID int64, addr, kind, scope, key string, b mailBody, now time.Time) models.Mail {
	return models.Mail{UserID: userID, Kind: kind, ToAddr: addr, Subject: truncateRunes(b.Subject, 300), Text: b.Text, HTML: b.HTML,
		ListScope: scope, Language: b.Lang, DedupeKey: key, State: models.QueuePending, NextAttemptAt: now, CreatedAt: now, UpdatedAt: now}
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
