package forum

import (
	"context"
	"fmt"
	"html"
	"strconv"

	"github.com/hearth/hearth/forum/markup"
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
	site := s.siteName(ctx)
	b := s.messageMail(site, author, c, m)
	var mails []models.Mail
	for _, n := range rows {
		if addr, ok := to[n.UserID]; ok {
			mails = append(mails, s.newMail(n.UserID, addr, models.MailNotification, models.ScopeNotifications,
				"n:"+strconv.FormatInt(n.ID, 10), b, now))
		}
	}
	_, err = s.store.QueueMails(ctx, mails)
	return err
}

// messageMail words a new message as mail to a participant.
func (s *Service) messageMail(site string, author *models.User, c *models.Conversation, m *models.Message) mailBody {
	link := s.cfg.URL + "/messages/" + strconv.FormatInt(c.ID, 10)
	excerpt := markup.Excerpt(m.HTML, 500)
	what := author.Name() + " sent you a private message"
	subject := fmt.Sprintf("[%s] %s", site, what)
	if c.Subject != "" {
		subject += fmt.Sprintf(": %q", c.Subject)
	}
	text := fmt.Sprintf("%s:\n\n%s\n\nRead it and reply: %s\n", what, excerpt, link)
	htm := fmt.Sprintf("<p>%s:</p>\n<blockquote>%s</blockquote>\n<p><a href=\"%s\">Read it and reply</a></p>\n",
		html.EscapeString(what), html.EscapeString(excerpt), html.EscapeString(link))
	return mailBody{Subject: subject, Text: text, HTML: htm}
}
