package mailer

import (
	"html"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// message builds the outgoing message for a queued row: the stored body
// plus the unsubscribe footer, and the RFC 8058 one-click headers. The
// unsubscribe link is signed now rather than stored, so the queue never
// holds a credential.
//
// Account mail (reset links: no ListScope) is not a list: it has no
// unsubscribe link or headers.
func (w *Worker) message(links *forum.UnsubscribeLinker, m *models.Mail) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(w.from); err != nil {
		return nil, err
	}
	if err := msg.To(m.ToAddr); err != nil {
		return nil, err
	}
	msg.Subject(m.Subject)
	msg.SetDateWithValue(w.svc.Now())
	msg.SetMessageID()
	if m.ListScope == "" {
		msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(gomail.TypeTextHTML, "<!doctype html><html><body>"+m.HTML+"</body></html>")
		return msg, nil
	}
	unsub := links.URL(m.UserID, m.ListScope)
	what := "email notifications"
	if m.ListScope == models.ScopeDigest {
		what = "the weekly digest"
	}
	// RFC 2369 and RFC 8058: a mail client's "Unsubscribe" button POSTs
	// "List-Unsubscribe=One-Click" to this URL.
	msg.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribe, "<"+unsub+">")
	msg.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	text := strings.TrimRight(m.Text, "\n") + "\n\n-- \nYou get this because you turned on " + what +
		". Stop it with one click: " + unsub + "\n"
	htm := "<!doctype html><html><body>" + m.HTML + "<hr><p style=\"font-size:small\">You get this because you turned on " +
		html.EscapeString(what) + ". <a href=\"" + html.EscapeString(unsub) + "\">Unsubscribe</a></p></body></html>"
	msg.SetBodyString(gomail.TypeTextPlain, text)
	msg.AddAlternativeString(gomail.TypeTextHTML, htm)
	return msg, nil
}
