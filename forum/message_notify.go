package forum

import (
	"context"
	"html"
	"strconv"

	"github.com/hearth/hearth/forum/markup"
	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// notifyMessage tells the other local participants of a new message, in
// the message's transaction: one unread notification per conversation at
// a time (ten messages in a row ring once), none for those who muted it,
// and mail, like other notifications, for those who opted in.
func (s *Service) notifyMessage(ctx context.Context, author *models.User, c *models.Conversation, m *models.Message, others []*models.User) error {
	var ids []int64
	for _, u := range others {
		if !u.IsRemote() {
			ids = append(ids, u.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	now := s.now()
	ok, err := s.store.NotifiableUserIDs(ctx, ids, now)
	if err != nil {
		return err
	}
	quiet, err := s.store.QuietMessageParticipants(ctx, c.ID, ids)
	if err != nil {
		return err
	}
	var rows []models.Notification
	for _, id := range ids {
		if ok[id] && !quiet[id] {
			rows = append(rows, models.Notification{UserID: id, Kind: NotifyMessage, ActorID: author.ID, PostID: c.ID, CreatedAt: now})
		}
	}
	if err := s.store.CreateNotifications(ctx, rows); err != nil || len(rows) == 0 {
		return err
	}
	to, err := s.store.EmailRecipients(ctx, ids)
	if err != nil || len(to) == 0 {
		return err
	}
	site := s.mailSite(ctx)
	bodies := map[string]mailBody{} // by language: the same words for everyone who reads it
	var mails []models.Mail
	for _, n := range rows {
		r, ok := to[n.UserID]
		if !ok {
			continue
		}
		l := s.langFor(site, r.Language)
		b, done := bodies[l.Code]
		if !done {
			b = s.messageMail(l, site.Name, author, c, m)
			bodies[l.Code] = b
		}
		mails = append(mails, s.newMail(n.UserID, r.Email, models.MailNotification, models.ScopeNotifications,
			"n:"+strconv.FormatInt(n.ID, 10), b, now))
	}
	_, err = s.store.QueueMails(ctx, mails)
	return err
}

// messageMail words a new message as mail to a participant, in l.
func (s *Service) messageMail(l *i18n.Lang, site string, author *models.User, c *models.Conversation, m *models.Message) mailBody {
	link := s.cfg.URL + "/messages/" + strconv.FormatInt(c.ID, 10)
	excerpt := markup.Excerpt(m.HTML, 500)
	what := l.T("mail.message.sent", "Name", author.Name())
	subject := what
	if c.Subject != "" {
		subject = l.T("mail.message.sent_subject", "Name", author.Name(), "Subject", l.T("mail.quoted", "Text", c.Subject))
	}
	text := what + ":\n\n" + excerpt + "\n\n" + l.T("mail.notify.read_text", "Link", link) + "\n"
	htm := "<p>" + html.EscapeString(what) + ":</p>\n<blockquote>" + html.EscapeString(excerpt) + "</blockquote>\n<p><a href=\"" +
		html.EscapeString(link) + "\">" + html.EscapeString(l.T("mail.notify.read")) + "</a></p>\n"
	return mailBody{Subject: l.T("mail.notify.subject", "Site", site, "What", subject), Text: text, HTML: htm, Lang: l.Code}
}
