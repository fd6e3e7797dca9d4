package forum_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// setLanguage gives a member a language setting, as the settings page will.
func setLanguage(t *testing.T, e *forumtest.Env, u *models.User, code string) {
	t.Helper()
	if err := e.Store.UpdateUserFields(e.Ctx, u.ID, map[string]any{"language": code}); err != nil {
		t.Fatal(err)
	}
	u.Language = code
}

// setSiteLanguage sets the forum's default language (the admin page will),
// bumping the settings' version so every process reads it again.
func setSiteLanguage(t *testing.T, e *forumtest.Env, code string) {
	t.Helper()
	if err := e.Store.DB(e.Ctx).Exec(`UPDATE site_settings SET language = ?, version = version + 1`, code).Error; err != nil {
		t.Fatal(err)
	}
}

// mailOf returns the one mail queued to u whose subject contains what.
func mailOf(t *testing.T, e *forumtest.Env, u *models.User, what string) models.Mail {
	t.Helper()
	var found []models.Mail
	for _, m := range mailsTo(t, e, u) {
		if strings.Contains(m.Subject, what) {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		var subjects []string
		for _, m := range mailsTo(t, e, u) {
			subjects = append(subjects, m.Subject)
		}
		t.Fatalf("%s: %d mails with %q in the subject, want 1; subjects: %q", u.Username, len(found), what, subjects)
	}
	return found[0]
}

// wantWords checks a mail's subject, text and HTML parts each hold their
// words, and that the mail records the language it is written in.
func wantWords(t *testing.T, m models.Mail, lang string, subject, text, htm []string) {
	t.Helper()
	if m.Language != lang {
		t.Errorf("mail %q: language %q, want %q", m.Subject, m.Language, lang)
	}
	for _, c := range []struct {
		part, got string
		want      []string
	}{{"subject", m.Subject, subject}, {"text", m.Text, text}, {"html", m.HTML, htm}} {
		for _, w := range c.want {
			if !strings.Contains(c.got, w) {
				t.Errorf("%s part lacks %q:\n%s", c.part, w, c.got)
			}
		}
	}
}

// TestMailInTheRecipientsLanguage: every mail is written in its
// recipient's language (their setting), else the site's default, never the
// sender's: a German member gets German verification, email-change,
// password-reset, reply, message and digest mail (subject, text and HTML);
// an English member English, though the sender writes German; a member with
// no setting, or one Hearth has no catalog for, the site's default.
func TestMailInTheRecipientsLanguage(t *testing.T) {
	for _, tc := range []struct {
		name, member, site, want string
	}{
		{"german member", "de", "en", "de"},
		{"english member on a german site", "en", "de", "en"},
		{"no setting, english site", "", "en", "en"},
		{"no setting, german site", "", "de", "de"},
		{"unknown language, german site", "fr", "de", "de"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := forumtest.New(t)
			e.Category("general")
			setSiteLanguage(t, e, tc.site)
			bob := e.User("bob", models.RoleMember)
			setLanguage(t, e, bob, tc.member)
			carol := e.User("carol", models.RoleMember)
			setLanguage(t, e, carol, map[string]string{"de": "en", "en": "de"}[tc.want]) // the sender writes the other language
			optIn(t, e, bob, true, true)

			th, _ := e.Thread(bob, "general", "Brot backen", "Wie lange gehen lassen?")
			e.Reply(carol, th.ID, "Über Nacht.")
			if _, _, err := e.Svc.StartConversation(e.Ctx, carol, forum.NewConversation{To: []string{"bob"}, Subject: "Treffen", Body: "Samstag?"}); err != nil {
				t.Fatal(err)
			}
			if err := e.Svc.ChangeEmail(e.Ctx, bob, "bob@new.example", "password123"); err != nil {
				t.Fatal(err)
			}
			if err := e.Svc.RequestPasswordReset(e.Ctx, "bob", "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
			if _, err := e.Svc.QueueWeeklyDigest(e.Ctx); err != nil {
				t.Fatal(err)
			}

			if tc.want == "de" {
				wantWords(t, mailOf(t, e, bob, "geantwortet"), "de",
					[]string{"carol hat in „Brot backen“ geantwortet"},
					[]string{"carol hat in „Brot backen“ geantwortet:", "Über Nacht.", "Lesen und antworten: http://forum.test/p/"},
					[]string{`carol hat in <a href="http://forum.test/p/`, `">Brot backen</a> geantwortet:`, "Lesen und antworten</a>"})
				wantWords(t, mailOf(t, e, bob, "Nachricht"), "de",
					[]string{"carol hat dir eine Nachricht geschickt: „Treffen“"},
					[]string{"carol hat dir eine Nachricht geschickt:", "Samstag?", "Lesen und antworten: http://forum.test/messages/"},
					[]string{"carol hat dir eine Nachricht geschickt:</p>", "Lesen und antworten</a>"})
				wantWords(t, mailOf(t, e, bob, "Bestätige deine E-Mail-Adresse"), "de",
					nil,
					[]string{"Bestätige, dass bob@new.example die E-Mail-Adresse von bob auf forum.test ist:", "http://forum.test/email/verify/", "ignoriere diese Nachricht"},
					[]string{"Diese Adresse bestätigen</a>", "24 Stunden lang"})
				wantWords(t, mailOf(t, e, bob, "Deine E-Mail-Adresse wird geändert"), "de",
					nil,
					[]string{"als bob auf forum.test angemeldet", "in bob@new.example ändern", "setze dein Passwort zurück: http://forum.test/password/forgot"},
					[]string{"über die Anmeldeseite zurück"})
				wantWords(t, mailOf(t, e, bob, "Setze dein Passwort zurück"), "de",
					nil,
					[]string{"das Passwort von bob auf forum.test zurücksetzen", "Setze hier ein neues Passwort", "http://forum.test/password/reset/"},
					[]string{`">Neues Passwort setzen</a> (der Link funktioniert einmal und eine Stunde lang).`})
				wantWords(t, mailOf(t, e, bob, "Die beliebtesten Themen der Woche"), "de",
					nil,
					[]string{"Hallo bob,", "die lebhaftesten Themen dieser Woche auf forum.test:", "Brot backen (1 Antwort, 0 Gefällt mir)"},
					[]string{"<p>Hallo bob,</p>", "(1 Antwort, 0 Gefällt mir)"})
				for _, m := range mailsTo(t, e, bob) {
					for _, english := range []string{"replied", "Read it", "Confirm", "Someone", "This week", "Hello"} {
						if strings.Contains(m.Subject+m.Text+m.HTML, english) {
							t.Errorf("German mail %q holds English %q:\n%s", m.Subject, english, m.Text)
						}
					}
				}
				return
			}
			wantWords(t, mailOf(t, e, bob, "replied"), "en",
				[]string{`[forum.test] carol replied in "Brot backen"`},
				[]string{`carol replied in "Brot backen":`, "Über Nacht.", "Read it and reply: http://forum.test/p/"},
				[]string{`carol replied in <a href="http://forum.test/p/`, `">Brot backen</a>:`, "Read it and reply</a>"})
			wantWords(t, mailOf(t, e, bob, "private message"), "en",
				[]string{`[forum.test] carol sent you a private message: "Treffen"`},
				[]string{"carol sent you a private message:", "Samstag?", "Read it and reply: http://forum.test/messages/"},
				[]string{"carol sent you a private message:</p>"})
			wantWords(t, mailOf(t, e, bob, "Verify your email address"), "en",
				nil,
				[]string{"Confirm that bob@new.example is the email address of bob on forum.test:", "The link works once, for 24 hours."},
				[]string{"Verify this address</a>"})
			wantWords(t, mailOf(t, e, bob, "Your email address is being changed"), "en",
				nil,
				[]string{"Someone signed in as bob on forum.test asked to change the account's email address to bob@new.example.", "If this wasn't you, reset your password: http://forum.test/password/forgot"},
				[]string{"reset your password from the login page."})
			wantWords(t, mailOf(t, e, bob, "Reset your password"), "en",
				nil,
				[]string{"Someone, probably you, asked to reset the password of bob on forum.test.", "Set a new password here (the link works once, for one hour):"},
				[]string{`">Set a new password</a> (the link works once, for one hour).`})
			wantWords(t, mailOf(t, e, bob, "This week's top threads"), "en",
				nil,
				[]string{"Hello bob,", "This week's liveliest threads on forum.test:", "Brot backen (1 reply, 0 likes)"},
				[]string{"(1 reply, 0 likes)"})
		})
	}
}

// TestMessageMailEachInTheirLanguage: one message to a German and an
// English member is worded once per language, each in the reader's.
func TestMessageMailEachInTheirLanguage(t *testing.T) {
	e := forumtest.New(t)
	ana, bob, cy := e.User("ana", models.RoleMember), e.User("bob", models.RoleMember), e.User("cy", models.RoleMember)
	setLanguage(t, e, bob, "de")
	setLanguage(t, e, cy, "en")
	optIn(t, e, bob, true, false)
	optIn(t, e, cy, true, false)
	if _, _, err := e.Svc.StartConversation(e.Ctx, ana, forum.NewConversation{To: []string{"bob", "cy"}, Body: "Hallo zusammen"}); err != nil {
		t.Fatal(err)
	}
	de, en := mailOf(t, e, bob, "ana"), mailOf(t, e, cy, "ana")
	if de.Subject != "[forum.test] ana hat dir eine Nachricht geschickt" || de.Language != "de" {
		t.Errorf("bob's mail: %q (%s)", de.Subject, de.Language)
	}
	if en.Subject != "[forum.test] ana sent you a private message" || en.Language != "en" {
		t.Errorf("cy's mail: %q (%s)", en.Subject, en.Language)
	}
}

// TestOverdueAndApplicationMailInTheirLanguage: on a German site, the
// overdue alert (with its due time written the German way) and both
// application decisions reach their members in German; an assignee who
// chose English gets English.
func TestOverdueAndApplicationMailInTheirLanguage(t *testing.T) {
	e := forumtest.New(t)
	clk := newClock(e)
	clk.set(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	e.Category("help")
	boss := e.User("boss", models.RoleAdmin)
	amb, mia := e.User("amb", models.RoleAmbassador), e.User("mia", models.RoleModerator)
	setLanguage(t, e, mia, "en")
	asker := e.User("asker", models.RoleMember)
	optIn(t, e, amb, true, false)
	optIn(t, e, mia, true, false)
	mode := forum.SignupApproval
	if _, err := e.Svc.SaveSite(e.Ctx, boss, forum.SiteInput{SignupMode: &mode}); err != nil {
		t.Fatal(err)
	}
	setSiteLanguage(t, e, "de")

	due := clk.Now().Add(2 * time.Hour)
	for _, who := range []string{"amb", "mia"} {
		q, _ := e.Thread(asker, "help", "Hilfe für "+who, "Bitte.")
		if _, _, err := e.Svc.Assign(e.Ctx, boss, q.ID, who, &due); err != nil {
			t.Fatal(err)
		}
	}
	clk.add(3 * time.Hour)
	if n, err := e.Svc.NotifyOverdue(e.Ctx); err != nil || n != 2 {
		t.Fatalf("overdue: %d %v", n, err)
	}
	wantWords(t, mailOf(t, e, amb, "überfällig"), "de",
		[]string{"Nachverfolgung überfällig: „Hilfe für amb“"},
		[]string{"zu „Hilfe für amb“ zugewiesen wurde, war am 5. Jan. 2026, 11:00 UTC fällig", "Jetzt antworten: http://forum.test/t/"},
		[]string{`">Hilfe für amb</a> zugewiesen wurde, war am 5. Jan. 2026, 11:00 UTC fällig`})
	wantWords(t, mailOf(t, e, mia, "overdue"), "en",
		[]string{`Follow-up overdue: "Hilfe für mia"`},
		[]string{`The follow-up you were assigned on "Hilfe für mia" was due 5 Jan 2026 11:00 UTC`, "Answer it: http://forum.test/t/"},
		nil)

	var applicants []*models.User
	for _, name := range []string{"neu", "spam"} {
		u, _, err := e.Svc.SignUp(e.Ctx, forum.SignUpInput{Username: name, Email: name + "@example.com", Password: strongPassword, Application: "Ich backe gern."})
		if err != nil {
			t.Fatal(err)
		}
		applicants = append(applicants, u)
	}
	if err := e.Svc.ApproveApplication(e.Ctx, boss, applicants[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := e.Svc.RejectApplication(e.Ctx, boss, applicants[1].ID); err != nil {
		t.Fatal(err)
	}
	wantWords(t, mailOf(t, e, applicants[0], "Willkommen"), "de",
		[]string{"Willkommen: Deine Beitrittsanfrage wurde angenommen"},
		[]string{"Deine Anfrage, forum.test als neu beizutreten, wurde angenommen.", "http://forum.test/login"},
		[]string{"<p>Deine Anfrage"})
	wantWords(t, mailOf(t, e, applicants[1], "abgelehnt"), "de",
		[]string{"Deine Beitrittsanfrage wurde abgelehnt"},
		[]string{"Deine Anfrage, forum.test als spam beizutreten, wurde abgelehnt, und das Konto wurde entfernt."},
		nil)
}
