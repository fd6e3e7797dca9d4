package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// TestForumPagesInGerman renders the reading side's pages (home, category,
// thread with a poll, tag, search, profile, a missing page) through the real
// handlers with Accept-Language: de, and again without it: the German pages
// are written in German (<html lang="de">, the catalog's words, none of the
// English ones), the others stay in English. Each page is asked for in
// English first, so a cache that ignored the language would fail here.
func TestForumPagesInGerman(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	ana := ts.User("ana", models.RoleModerator)
	closes := ts.Svc.Now().Add(72 * time.Hour)
	th, _, err := ts.Svc.CreateThread(ts.Ctx, ana, forum.NewThread{Category: "general", Title: "Tea or coffee",
		Body: "Which one? #drinks", Tags: []string{"drinks"}, Poll: &forum.PollInput{Options: []string{"Tea", "Coffee"}, ClosesAt: &closes}})
	if err != nil {
		t.Fatal(err)
	}
	ts.Reply(ana, th.ID, "Tea, always.")
	threadPath := fmt.Sprintf("/t/%d/%s", th.ID, th.Slug)

	cases := []struct {
		path   string
		status int
		en, de []string // words only that language's page has
	}{
		{"/", 200, []string{"Latest threads", "Categories", "by <a", "2 posts"},
			[]string{"Neueste Themen", "Kategorien", "von <a", "2 Beiträge"}},
		{"/c/general", 200, []string{"Log in to start a thread", `<span class="label">reply</span>`, "Follow from Mastodon"},
			[]string{"Anmelden, um ein Thema zu eröffnen", `<span class="label">Antwort</span>`, "Folge von Mastodon"}},
		{threadPath, 200, []string{"Log in to reply", "Poll", "Log in to vote", "Closes <time", ", post 2", ">moderator<", "2 posts"},
			[]string{"Zum Antworten anmelden", "Umfrage", "Melde dich an, um abzustimmen", "Endet am <time", ", Beitrag 2", ">Moderator*in<", "2 Beiträge"}},
		{"/tags/drinks", 200, []string{"1 thread tagged #drinks"}, []string{"1 Thema mit dem Schlagwort #drinks"}},
		{"/search?q=coffee", 200, []string{"Filters and order", "found for"}, []string{"Filter und Reihenfolge", "gefunden für"}},
		{"/u/ana", 200, []string{"Recent posts", "Joined"}, []string{"Neueste Beiträge", "Dabei seit"}},
		{"/t/999999", 404, []string{"Page not found", "Go to the front page"}, []string{"Seite nicht gefunden", "Zur Startseite"}},
	}
	b := ts.browser()
	for _, tc := range cases {
		for _, lang := range []string{"", "de"} {
			r := b.getIn(tc.path, lang)
			want, other, code := tc.en, tc.de, "en"
			if lang == "de" {
				want, other, code = tc.de, tc.en, "de"
			}
			if r.StatusCode != tc.status {
				t.Errorf("%s (%q): status %d, want %d\n%s", tc.path, lang, r.StatusCode, tc.status, r.Body)
				continue
			}
			if !strings.Contains(r.Body, `<html lang="`+code+`">`) {
				t.Errorf("%s (%q): not <html lang=%q>", tc.path, lang, code)
			}
			for _, w := range want {
				if !strings.Contains(r.Body, w) {
					t.Errorf("%s (%q): lacks %q", tc.path, lang, w)
				}
			}
			for _, w := range other {
				if strings.Contains(r.Body, w) {
					t.Errorf("%s (%q): has the other language's %q", tc.path, lang, w)
				}
			}
		}
	}
}

// TestForumMemberPagesInGerman: a member reading in German gets the post
// actions, the reply form, the editor's script words and the flash after
// an action in German; the same member in English gets them in English.
func TestForumMemberPagesInGerman(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	ana := ts.User("ana", models.RoleMember)
	th, _ := ts.Thread(ana, "general", "Hello there", "First post")
	threadPath := fmt.Sprintf("/t/%d/%s", th.ID, th.Slug)
	b := ts.browser()
	b.signup("bob")

	cases := []struct {
		lang  string
		words []string
		flash string
	}{
		{"", []string{`<html lang="en">`, "    Like\n", ">Reply<", "Post reply", `data-t-bold="Bold"`, `data-t-progress="Uploading {name}: {percent}%"`, "Attach a file"}, "Thread bookmarked."},
		{"de", []string{`<html lang="de">`, "Gefällt mir", ">Antworten<", "Antwort senden", `data-t-bold="Fett"`, `data-t-progress="{name} wird hochgeladen: {percent} %"`, "Datei anhängen"}, "Lesezeichen gesetzt."},
	}
	for _, tc := range cases {
		r := b.getIn(threadPath, tc.lang)
		for _, w := range tc.words {
			if !strings.Contains(r.Body, w) {
				t.Errorf("thread page (%q) lacks %q", tc.lang, w)
			}
		}
		req, _ := http.NewRequest(http.MethodPost, ts.URL+fmt.Sprintf("/t/%d/bookmark", th.ID),
			strings.NewReader(url.Values{"_csrf": {b.csrf()}, "on": {"1"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if tc.lang != "" {
			req.Header.Set("Accept-Language", tc.lang)
		}
		if res := b.do(req); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("bookmark (%q): %d", tc.lang, res.StatusCode)
		}
		if r := b.getIn(threadPath, tc.lang); !strings.Contains(r.Body, tc.flash) {
			t.Errorf("flash after bookmarking (%q): want %q", tc.lang, tc.flash)
		}
	}
}

// TestUnavailablePageInGerman: with the database unreachable, the retry page
// still speaks the reader's language (chosen without the database: the
// session's member, the cookie, Accept-Language) and keeps what they typed.
func TestUnavailablePageInGerman(t *testing.T) {
	sc := newFaultScene(t, true)
	sc.fs.cut(t)
	typed := "Meine Antwort, sorgfältig geschrieben."
	req, _ := http.NewRequest(http.MethodPost, sc.fs.URL+fmt.Sprintf("/t/%d/reply", sc.threadID),
		strings.NewReader(url.Values{"_csrf": {sc.b.csrf()}, "body": {typed}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "de-DE,de;q=0.9,en;q=0.5")
	r := sc.b.do(req)
	if r.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", r.StatusCode)
	}
	for _, w := range []string{`<html lang="de">`, "Das Forum ist nicht erreichbar", "Das Forum kann gerade nicht speichern", "Erneut versuchen", ">Text</label>", typed} {
		if !strings.Contains(r.Body, w) {
			t.Errorf("retry page lacks %q:\n%s", w, r.Body)
		}
	}
	if strings.Contains(r.Body, "Try again") || strings.Contains(r.Body, "cannot save right now") {
		t.Errorf("retry page has English words:\n%s", r.Body)
	}
}
