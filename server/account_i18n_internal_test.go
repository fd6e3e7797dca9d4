package server

import (
	"testing"
	"time"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// TestNotificationWhoInGerman: the names before a notification's verb are
// joined the language's way, and an unknown actor is "Jemand".
func TestNotificationWhoInGerman(t *testing.T) {
	de := testCatalog(t).Get("de")
	if de == nil {
		t.Fatal("no German catalog")
	}
	users := []*models.User{{ID: 1, Username: "ana"}, {ID: 2, Username: "ben"}, {ID: 3, Username: "cy"}, {ID: 4, Username: "dee"}, {ID: 5, Username: "eve"}}
	for _, tc := range []struct {
		actors []*models.User
		text   string
		html   string
	}{
		{users[:1], "ana", `<a href="/u/ana">ana</a>`},
		{[]*models.User{nil}, "Jemand", "Jemand"},
		{users[:2], "ana und ben", `<a href="/u/ana">ana</a> und <a href="/u/ben">ben</a>`},
		{[]*models.User{users[0], nil}, "ana und jemand", `<a href="/u/ana">ana</a> und jemand`},
		{users[:3], "ana, ben und cy", `<a href="/u/ana">ana</a>, <a href="/u/ben">ben</a> und <a href="/u/cy">cy</a>`},
		{users, "ana, ben und 3 weitere", `<a href="/u/ana">ana</a>, <a href="/u/ben">ben</a> und 3 weitere`},
	} {
		g := notificationGroup{Actors: tc.actors}
		if got := g.WhoText(de); got != tc.text {
			t.Errorf("WhoText = %q, want %q", got, tc.text)
		}
		if got := string(g.Who(de)); got != tc.html {
			t.Errorf("Who = %q, want %q", got, tc.html)
		}
	}
	// Names are text: markup in a display name is escaped.
	odd := &models.User{ID: 9, Username: "zed", DisplayName: "<b>Zed</b>"}
	if got := string(notificationGroup{Actors: []*models.User{odd}}.Who(de)); got != `<a href="/u/zed">&lt;b&gt;Zed&lt;/b&gt;</a>` {
		t.Errorf("a display name with markup came out as %q", got)
	}
}

// TestGraceText says the deletion grace period in each language.
func TestGraceText(t *testing.T) {
	cat := testCatalog(t)
	for _, tc := range []struct {
		lang string
		d    time.Duration
		want string
	}{
		{i18n.Default, 7 * 24 * time.Hour, "7 days"},
		{i18n.Default, 24 * time.Hour, "1 day"},
		{i18n.Default, 36 * time.Hour, "36 hours"},
		{i18n.Default, 90 * time.Minute, "1h30m0s"},
		{"de", 7 * 24 * time.Hour, "7 Tage"},
		{"de", 24 * time.Hour, "1 Tag"},
		{"de", time.Hour, "1 Stunde"},
	} {
		if got := graceText(cat.Get(tc.lang), tc.d); got != tc.want {
			t.Errorf("%s %v = %q, want %q", tc.lang, tc.d, got, tc.want)
		}
	}
}

// TestWebHref lets only http(s) URLs become a link's target.
func TestWebHref(t *testing.T) {
	for in, want := range map[string]string{
		"https://new.example/users/ana": "https://new.example/users/ana",
		"http://new.example/@ana":       "http://new.example/@ana",
		"javascript:alert(1)":           "",
		"//new.example/ana":             "",
		"https:///nohost":               "",
		"":                              "",
	} {
		if got := webHref(in); got != want {
			t.Errorf("webHref(%q) = %q, want %q", in, got, want)
		}
	}
}
