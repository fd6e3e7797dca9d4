package mailer

import (
	"html"
	"net/mail"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// message builds the outgoing message for a queued row: the stored body
// plus the unsubscribe footer, and the RFC 8058 one-click headers. The
// unsubscribe link is signed now rather than stored, so the queue never
// holds a credential. siteName (the operator's forum name) is the sender's
// display name when the configured address has none, and the footer's.
//
// Account mail (reset links: no ListScope) is not a list: it has no
// unsubscribe link or headers. The footer is in l, the body's language.
func (w *Worker) message(links *forum.UnsubscribeLinker, siteName string, l *i18n.Lang, m *models.Mail) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if a, err := mail.ParseAddress(w.from); err == nil && a.Name == "" && siteName != "" {
		if err := msg.FromFormat(siteName, a.Address); err != nil {
			return nil, err
		}
	} else if err := msg.From(w.from); err != nil {
		return nil, err
	}
	if err := msg.To(m.ToAddr); err != nil {
		return nil, err
	}
	msg.Subject(m.Subject)
	msg.SetDateWithValue(w.svc.Now())
	msg.SetMessageID()
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	if m.ListScope == "" {
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(gomail.TypeTextHTML, "<!doctype html><html lang=\""+l.Code+"\"><body>"+m.HTML+"</body></html>")
		return msg, nil
	}
	unsub := links.URL(m.UserID, m.ListScope)
	why := l.T("mail.footer.notifications", "Site", siteName)
	if m.ListScope == models.ScopeDigest {
		why = l.T("mail.footer.digest", "Site", siteName)
	}
	// RFC 2369 and RFC 8058: a mail client's "Unsubscribe" button POSTs
	// "List-Unsubscribe=One-Click" to this URL.
	msg.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribe, "<"+unsub+">")
	msg.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	text := strings.TrimRight(m.Text, "\n") + "\n\n-- \n" + why + " " + l.T("mail.footer.stop", "Link", unsub) + "\n"
	htm := "<!doctype html><html lang=\"" + l.Code + "\"><body>" + m.HTML + "<hr><p style=\"font-size:small\">" + html.EscapeString(why) +
		" <a href=\"" + html.EscapeString(unsub) + "\">" + html.EscapeString(l.T("mail.footer.unsubscribe")) + "</a></p></body></html>"
	msg.SetBodyString(gomail.TypeTextPlain, text)
	msg.AddAlternativeString(gomail.TypeTextHTML, htm)
	return msg, nil
}
