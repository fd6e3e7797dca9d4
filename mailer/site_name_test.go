package mailer_test

import (
	"mime"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// TestMailNamesTheSite: once the operator names the forum, its mail comes
// from that name, says it in the subject and in the footer.
func TestMailNamesTheSite(t *testing.T) {
	e := newEnv(t)
	e.category("general")
	admin := e.userWithRole("boss", models.RoleAdmin)
	alice, bob := e.user("alice"), e.user("bob")
	if err := e.svc.SaveMailSettings(e.ctx, bob, true, false); err != nil {
		t.Fatal(err)
	}
	name := "Kettle Club"
	if _, err := e.svc.SaveSite(e.ctx, admin, forum.SiteInput{Name: &name}); err != nil {
		t.Fatal(err)
	}
	th, _, err := e.svc.CreateThread(e.ctx, bob, forum.NewThread{Category: "general", Title: "Descaling", Body: "How often?"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Reply(e.ctx, alice, th.ID, forum.NewReply{Body: "Monthly."}); err != nil {
		t.Fatal(err)
	}
	if n := e.drain(); n != 1 {
		t.Fatalf("sent %d mails, want 1", n)
	}
	m := parse(t, e.smtp.messages()[0].Data)
	dec := new(mime.WordDecoder)
	from, _ := dec.DecodeHeader(m.Header.Get("From"))
	subject, _ := dec.DecodeHeader(m.Header.Get("Subject"))
	if !strings.Contains(from, `Kettle Club`) || !strings.Contains(from, "<forum@forum.test>") {
		t.Errorf("From %q", from)
	}
	if !strings.HasPrefix(subject, "[Kettle Club] ") {
		t.Errorf("subject %q", subject)
	}
	if !strings.Contains(m.Text, "You get this from Kettle Club because") || !strings.Contains(m.HTML, "You get this from Kettle Club because") {
		t.Errorf("footer:\n%s\n%s", m.Text, m.HTML)
	}
}
