package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// getIn fetches path as a browser asking for language lang ("" sends no
// Accept-Language).
func (b *browser) getIn(path, lang string) *response {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.ts.URL+path, nil)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	return b.do(req)
}

// TestAccountPagesInGerman renders a member's own pages through the real
// handlers with Accept-Language: de and without it: the German pages are
// German (and say so in <html lang>), with no English of their own left,
// and the same pages without the header stay English.
func TestAccountPagesInGerman(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.browser()
	admin.signup("ada") // the first account: later ones are ordinary members
	b := ts.browser()
	b.signup("bea")

	pages := []struct {
		path    string
		visitor bool
		de, en  []string
	}{
		{"/login", true,
			[]string{"Benutzername oder E-Mail", "Mit einem Passkey anmelden", `Neu hier? <a href="/signup">Konto erstellen</a>`},
			[]string{"Username or email", "Log in with a passkey", `New here? <a href="/signup">Create an account</a>`}},
		{"/signup", true,
			[]string{"<h1>Registrieren</h1>", "Mindestens 8 Zeichen.", "Konto erstellen"},
			[]string{"<h1>Sign up</h1>", "At least 8 characters.", "Create account"}},
		{"/password/forgot", true,
			[]string{"Passwort vergessen?", "Link schicken"},
			[]string{"Forgot your password?", "Send me a link"}},
		{"/settings", false,
			[]string{"<h1>Einstellungen</h1>", "Anzeigename", "Zwei-Faktor-Anmeldung", "Wo du angemeldet bist", "dieses Gerät", "Mein Konto löschen…"},
			[]string{"<h1>Settings</h1>", "Display name", "Two-factor login", "Where you are signed in", "this device", "Delete my account…"}},
		{"/messages", false,
			[]string{"Neue Nachricht", "Noch keine Unterhaltungen.", "Niemand."},
			[]string{"New message", "No conversations yet.", "Nobody."}},
		{"/notifications", false,
			[]string{"<h1>Benachrichtigungen", "Noch keine Benachrichtigungen."},
			[]string{"<h1>Notifications", "No notifications yet."}},
		{"/settings/delete", false,
			[]string{"Was passiert", "7 Tage lang kannst du dich", "Mein Konto löschen"},
			[]string{"What happens", "For 7 days you can log in again", "Delete my account"}},
	}
	anon := ts.browser()
	for _, p := range pages {
		who := b
		if p.visitor {
			who = anon
		}
		de := who.getIn(p.path, "de-DE,de;q=0.9,en;q=0.5")
		if de.StatusCode != http.StatusOK || !strings.Contains(de.Body, `<html lang="de">`) {
			t.Fatalf("%s in German: %d, lang=de %v", p.path, de.StatusCode, strings.Contains(de.Body, `<html lang="de">`))
		}
		en := who.getIn(p.path, "")
		if en.StatusCode != http.StatusOK || !strings.Contains(en.Body, `<html lang="en">`) {
			t.Fatalf("%s without a language: %d, lang=en %v", p.path, en.StatusCode, strings.Contains(en.Body, `<html lang="en">`))
		}
		for i := range p.de {
			if !strings.Contains(de.Body, p.de[i]) {
				t.Errorf("%s in German lacks %q", p.path, p.de[i])
			}
			if strings.Contains(de.Body, p.en[i]) {
				t.Errorf("%s in German still says %q", p.path, p.en[i])
			}
			if !strings.Contains(en.Body, p.en[i]) {
				t.Errorf("%s in English lacks %q", p.path, p.en[i])
			}
		}
	}

	// A handler's flash is written in the language of the request that
	// set it.
	form := url.Values{"display_name": {"Bea"}, "bio": {""}, "_csrf": {b.csrf()}}
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/settings", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "de")
	if res := b.do(req); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save profile: %d", res.StatusCode)
	}
	if page := b.getIn("/settings", "de"); !strings.Contains(page.Body, "Profil gespeichert.") {
		t.Error("the German flash after saving the profile is missing")
	}
}

// TestNotificationsPageInGerman: a grouped notification line is one German
// sentence, its verb in the plural for two people, and the page without
// a language says the same in English.
func TestNotificationsPageInGerman(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	b := ts.browser()
	b.signup("alice")
	alice, err := ts.Store.UserByUsername(ts.Ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	bob := ts.User("bob", models.RoleMember)
	cy := ts.User("cy", models.RoleMember)
	th, _ := ts.Thread(alice, "general", "Notify me", "First post.")
	ts.Reply(bob, th.ID, "A reply for alice.")
	ts.Reply(cy, th.ID, "Another reply for alice.")

	tags := regexp.MustCompile(`<[^>]+>`)
	text := func(s string) string { return strings.Join(strings.Fields(tags.ReplaceAllString(s, " ")), " ") }
	de := b.getIn("/notifications", "de")
	for _, want := range []string{"2 ungelesen", "Alle als gelesen markieren", "cy und bob haben in Notify me geantwortet", "(ungelesen)"} {
		if !strings.Contains(text(de.Body), want) {
			t.Errorf("German notifications lack %q:\n%s", want, text(de.Body))
		}
	}
	if !strings.Contains(de.Body, `<a href="/u/cy">cy</a> und <a href="/u/bob">bob</a> haben in <a href="/p/`) {
		t.Errorf("the German line does not link the people and the thread:\n%s", de.Body)
	}
	en := b.getIn("/notifications", "")
	if !strings.Contains(text(en.Body), "cy and bob replied in Notify me") || !strings.Contains(text(en.Body), "2 unread") {
		t.Errorf("English notifications changed:\n%s", text(en.Body))
	}
}
