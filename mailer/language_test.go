package mailer_test

import (
	"mime"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
)

// TestMailFooterInTheRecipientsLanguage: what the SMTP server receives is
// in the recipient's language from subject to footer: a German member's
// reply mail has a German subject, body and unsubscribe footer (text and
// HTML, <html lang="de">), the English member's beside it English, though
// both were caused by one German-speaking member's posts.
func TestMailFooterInTheRecipientsLanguage(t *testing.T) {
	e := newEnv(t)
	e.category("general")
	alice := e.user("alice")
	e.user("bob")
	e.user("cy")
	for u, code := range map[string]string{"alice": "de", "bob": "de", "cy": "en"} {
		if err := e.store.DB(e.ctx).Exec(`UPDATE users SET language = ? WHERE username = ?`, code, u).Error; err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []string{"bob", "cy"} {
		member, err := e.store.UserByUsername(e.ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.SaveMailSettings(e.ctx, member, true, false); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []string{"bob", "cy"} {
		author, _ := e.store.UserByUsername(e.ctx, u)
		th, _, err := e.svc.CreateThread(e.ctx, author, forum.NewThread{Category: "general", Title: "Entkalken " + u, Body: "Wie oft?"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Reply(e.ctx, alice, th.ID, forum.NewReply{Body: "Monatlich."}); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.drain(); n != 2 {
		t.Fatalf("sent %d mails, want 2", n)
	}
	got := map[string]parsed{}
	for _, r := range e.smtp.messages() {
		got[r.To[0]] = parse(t, r.Data)
	}
	dec := new(mime.WordDecoder)
	for _, c := range []struct {
		to                 string
		subject, text, htm []string
		notText            string
	}{
		{"bob@example.com",
			[]string{"] alice hat in „Entkalken bob“ geantwortet"},
			[]string{"alice hat in „Entkalken bob“ geantwortet:", "Monatlich.", "Du bekommst diese E-Mail von Hearth, weil du E-Mail-Benachrichtigungen eingeschaltet hast. Mit einem Klick abbestellen: "},
			[]string{`<html lang="de">`, "weil du E-Mail-Benachrichtigungen eingeschaltet hast.", ">Abbestellen</a>"},
			"You get this"},
		{"cy@example.com",
			[]string{`] alice replied in "Entkalken cy"`},
			[]string{`alice replied in "Entkalken cy":`, "You get this from Hearth because you turned on email notifications. Stop it with one click: "},
			[]string{`<html lang="en">`, ">Unsubscribe</a>"},
			"Du bekommst"},
	} {
		m, ok := got[c.to]
		if !ok {
			t.Fatalf("no mail to %s", c.to)
		}
		subject, _ := dec.DecodeHeader(m.Header.Get("Subject"))
		for _, w := range c.subject {
			if !strings.Contains(subject, w) {
				t.Errorf("%s: subject %q lacks %q", c.to, subject, w)
			}
		}
		for _, w := range c.text {
			if !strings.Contains(m.Text, w) {
				t.Errorf("%s: text lacks %q:\n%s", c.to, w, m.Text)
			}
		}
		for _, w := range c.htm {
			if !strings.Contains(m.HTML, w) {
				t.Errorf("%s: html lacks %q:\n%s", c.to, w, m.HTML)
			}
		}
		if strings.Contains(m.Text+m.HTML, c.notText) {
			t.Errorf("%s: footer in the wrong language:\n%s", c.to, m.Text)
		}
	}
}
