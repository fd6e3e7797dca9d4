package forum

import (
	"context"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/hearth/hearth/forum/markup"
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

// siteName names the forum in mail: the name the operator set, else its
// host. A failed read falls back too: a name must not stop a mail.
func (s *Service) siteName(ctx context.Context) string {
	if site, err := s.Site(ctx); err == nil && site.Name != DefaultSiteName {
		return site.Name
	}
	if h := s.cfg.Host(); h != "" {
		return h
	}
	return DefaultSiteName
}

// mailBody is a rendered message: plain text and its HTML twin.
type mailBody struct {
	Subject, Text, HTML string
}

// notificationMail words one notification as mail.
func (s *Service) notificationMail(site, kind string, actor *models.User, t *models.Thread, post *models.Post) mailBody {
	who := actor.Name()
	var what string
	switch kind {
	case models.NotifyReply:
		what = who + " replied in"
	case models.NotifyMention:
		what = who + " mentioned you in"
	case models.NotifyNewThread:
		what = who + " started a new thread:"
	default:
		what = who + " posted in"
	}
	link := s.cfg.URL + "/p/" + strconv.FormatInt(post.ID, 10)
	excerpt := markup.Excerpt(post.HTML, 500)
	subject := fmt.Sprintf("[%s] %s %q", site, what, t.Title)
	text := fmt.Sprintf("%s %q:\n\n%s\n\nRead it and reply: %s\n", what, t.Title, excerpt, link)
	htm := fmt.Sprintf("<p>%s <a href=\"%s\">%s</a>:</p>\n<blockquote>%s</blockquote>\n<p><a href=\"%s\">Read it and reply</a></p>\n",
		html.EscapeString(what), html.EscapeString(link), html.EscapeString(t.Title), html.EscapeString(excerpt), html.EscapeString(link))
	return mailBody{Subject: subject, Text: text, HTML: htm}
}

// queueNotificationMails queues mail for the notifications just created,
// for the recipients who opted in, in the caller's transaction. Likes stay
// in the site. The dedupe key is the notification's id, so a notification
// never mails twice.
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
	site := s.siteName(ctx)
	var mails []models.Mail
	for _, n := range rows {
		addr, ok := to[n.UserID]
		if !ok || n.Kind == models.NotifyLike {
			continue
		}
		b := s.notificationMail(site, n.Kind, actor, t, post)
		mails = append(mails, s.newMail(n.UserID, addr, models.MailNotification, models.ScopeNotifications,
			"n:"+strconv.FormatInt(n.ID, 10), b, now))
	}
	_, err = s.store.QueueMails(ctx, mails)
	return err
}

func (s *Service) newMail(userID int64, addr, kind, scope, key string, b mailBody, now time.Time) models.Mail {
	return models.Mail{UserID: userID, Kind: kind, ToAddr: addr, Subject: truncateRunes(b.Subject, 300), Text: b.Text, HTML: b.HTML,
		ListScope: scope, DedupeKey: key, State: models.QueuePending, NextAttemptAt: now, CreatedAt: now, UpdatedAt: now}
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
