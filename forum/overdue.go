package forum

import (
	"context"
	"html"
	"html/template"
	"strconv"

	"github.com/hearth/hearth/models"
)

// overdueBatch bounds one pass; the next pass picks up the rest.
const overdueBatch = 200

// NotifyOverdue tells each assignee, once, that a follow-up they were given
// is past its due time while the thread still waits for an answer: an
// in-site notification, and mail when they opted in. "Once" is a row in
// overdue_alerts written in the same transaction as the notification, so
// concurrent passes from several processes notify one time between them;
// a new due time is a new alert. It returns how many were notified.
func (s *Service) NotifyOverdue(ctx context.Context) (int, error) {
	now := s.now()
	due, err := s.store.OverdueAssignments(ctx, now, overdueBatch)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	threadIDs := make([]int64, len(due))
	for i, a := range due {
		threadIDs[i] = a.ThreadID
	}
	done, err := s.store.OverdueAlertsFor(ctx, threadIDs)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, a := range due {
		key := models.OverdueAlert{ThreadID: a.ThreadID, AssigneeID: a.AssigneeID, DueUnix: a.DueAt.Unix()}
		if done[key] {
			continue
		}
		sent, err := s.notifyOverdueOne(ctx, a, key)
		if err != nil {
			return n, err
		}
		if sent {
			n++
		}
	}
	return n, nil
}

func (s *Service) notifyOverdueOne(ctx context.Context, a models.OverdueAssignment, key models.OverdueAlert) (bool, error) {
	sent := false
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		now := s.now()
		key.CreatedAt = now
		first, err := s.store.ClaimOverdueAlert(ctx, key)
		if err != nil || !first {
			return err
		}
		// A suspended assignee is not told; the alert still counts as
		// done, so a lifted suspension does not bring back a stale one.
		ok, err := s.store.NotifiableUserIDs(ctx, []int64{a.AssigneeID}, now)
		if err != nil || !ok[a.AssigneeID] {
			return err
		}
		sent = true
		n := models.Notification{UserID: a.AssigneeID, Kind: models.NotifyOverdue, ActorID: a.AssignedBy,
			ThreadID: a.ThreadID, PostID: a.FirstPostID, CreatedAt: now}
		rows := []models.Notification{n}
		if err := s.store.CreateNotifications(ctx, rows); err != nil {
			return err
		}
		to, err := s.store.EmailRecipients(ctx, []int64{a.AssigneeID})
		r := to[a.AssigneeID]
		if err != nil || r.Email == "" {
			return err
		}
		site := s.mailSite(ctx)
		l := s.langFor(site, r.Language)
		link := s.cfg.URL + "/t/" + strconv.FormatInt(a.ThreadID, 10)
		due := l.DateTime(a.DueAt)
		titleLink := template.HTML(`<a href="` + html.EscapeString(link) + `">` + html.EscapeString(a.Title) + `</a>`) // #nosec G203 -- escaped
		b := mailBody{
			Subject: l.T("mail.overdue.subject", "Site", site.Name, "Title", l.T("mail.quoted", "Text", a.Title)),
			Text: l.T("mail.overdue.body", "Title", l.T("mail.quoted", "Text", a.Title), "Due", due) + "\n\n" +
				l.T("mail.overdue.answer_text", "Link", link) + "\n",
			HTML: "<p>" + string(l.HTML("mail.overdue.body", "Title", titleLink, "Due", due)) + "</p>\n",
			Lang: l.Code,
		}
		_, err = s.store.QueueMails(ctx, []models.Mail{s.newMail(a.AssigneeID, r.Email, models.MailNotification,
			models.ScopeNotifications, "n:"+strconv.FormatInt(rows[0].ID, 10), b, now)})
		return err
	})
	return sent, err
}
