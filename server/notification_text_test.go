package server

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// TestNotificationSentences: each kind's line is one sentence in the
// viewer's language, with the people and the thread in it; in German the
// verb agrees with how many people there are ("hat" / "haben"), the list
// ends in "und", and the phrases never fall back to English.
func TestNotificationSentences(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]*models.User{}
	for i, n := range []string{"ana", "ben", "cy", "dee", "eve"} {
		users[n] = &models.User{ID: int64(i + 1), Username: n}
	}
	bread := &models.Thread{ID: 1, Title: "Brot & Butter"}
	held := int64(7)
	group := func(kind string, count int, thread *models.Thread, actors ...string) notificationGroup {
		g := notificationGroup{First: forum.NotificationView{Notification: models.Notification{Kind: kind, PostID: 9}, Thread: thread},
			Link: "/p/9", Count: count}
		for _, a := range actors {
			g.Actors = append(g.Actors, users[a]) // nil for an unknown name
		}
		if len(g.Actors) > 0 {
			g.First.Actor = g.Actors[0]
		}
		return g
	}
	rejected := group(models.NotifyHeldRejected, 1, bread, "ben")
	rejected.First.HeldPostID = &held
	rejectedThread := group(models.NotifyHeldRejected, 1, nil, "ben")
	rejectedThread.First.HeldPostID = &held
	rejectedThread.First.Held = &models.HeldPost{Title: "Sauerteig"}
	exportReady := group(forum.NotifyExportReady, 1, nil)
	exportReady.First.Link = "/settings/export/3/download"

	for _, tc := range []struct {
		name   string
		g      notificationGroup
		en, de string
	}{
		{"one reply", group(models.NotifyReply, 1, bread, "ana"),
			"ana replied in Brot & Butter", "ana hat in Brot & Butter geantwortet"},
		{"two people reply, three posts", group(models.NotifyReply, 3, bread, "ben", "ana"),
			"ben and ana replied in Brot & Butter (3 posts)", "ben und ana haben in Brot & Butter geantwortet (3 Beiträge)"},
		{"three mention", group(models.NotifyMention, 3, bread, "cy", "ben", "ana"),
			"cy, ben and ana mentioned you in Brot & Butter", "cy, ben und ana haben dich in Brot & Butter erwähnt"},
		{"five like", group(models.NotifyLike, 5, bread, "eve", "dee", "cy", "ben", "ana"),
			"eve, dee and 3 others liked your post in Brot & Butter", "eve, dee und 3 weitere gefällt dein Beitrag in Brot & Butter"},
		{"someone boosts", group(models.NotifyBoost, 1, bread, "nobody"),
			"Someone boosted your post in Brot & Butter", "Jemand hat deinen Beitrag in Brot & Butter geteilt"},
		{"someone second", group(models.NotifyLike, 2, bread, "ana", "nobody"),
			"ana and someone liked your post in Brot & Butter", "ana und jemand gefällt dein Beitrag in Brot & Butter"},
		{"posted in a deleted thread", group(models.NotifyPosted, 1, nil, "ana"),
			"ana posted in a post", "ana hat in einem gelöschten Thema geschrieben"},
		{"new thread", group(models.NotifyNewThread, 1, bread, "ana"),
			"ana started Brot & Butter", "ana hat das Thema Brot & Butter eröffnet"},
		{"overdue", group(models.NotifyOverdue, 1, bread, "ana"),
			"ana assigned you a follow-up that is now overdue: Brot & Butter", "ana hat dir eine Nachverfolgung zugewiesen, die jetzt überfällig ist: Brot & Butter"},
		{"message", group(forum.NotifyMessage, 1, nil, "ben"),
			"ben sent you a private message: read it", "ben hat dir eine Nachricht geschickt: lesen"},
		{"moderation", group(forum.NotifyModeration, 1, nil, "ben"),
			"A moderator took an action about your account: read the notice", "Die Moderation hat eine Maßnahme zu deinem Konto ergriffen: Hinweis lesen"},
		{"held approved", group(models.NotifyHeldApproved, 1, bread, "ben"),
			"Your post waiting for approval was approved: Brot & Butter", "Dein Beitrag, der auf Freigabe wartete, wurde freigegeben: Brot & Butter"},
		{"held reply rejected", rejected,
			"Your reply in Brot & Butter was not approved: see why, and copy your text", "Deine Antwort in Brot & Butter wurde nicht freigegeben: Grund ansehen und deinen Text kopieren"},
		{"held thread rejected", rejectedThread,
			"Your thread “Sauerteig” was not approved: see why, and copy your text", "Dein Thema „Sauerteig“ wurde nicht freigegeben: Grund ansehen und deinen Text kopieren"},
		{"export ready", exportReady,
			"Your data export is ready: download it (for 7 days)", "Dein Datenexport ist fertig: herunterladen (7 Tage lang)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for code, want := range map[string]string{"en": tc.en, "de": tc.de} {
				got := string(tc.g.Sentence(cat.Get(code)))
				if plain := textOf(got); plain != want {
					t.Errorf("%s: %q, want %q (html %s)", code, plain, want, got)
				}
				if strings.Contains(got, "Brot & Butter") || strings.Contains(got, "{{") {
					t.Errorf("%s: title not escaped or a placeholder left: %s", code, got)
				}
			}
		})
	}
	// Links: people to their profiles, the thread to its post, the held
	// post to its page, the export to its download.
	for _, c := range []struct {
		g    notificationGroup
		want string
	}{
		{group(models.NotifyLike, 2, bread, "ana", "ben"), `<a href="/u/ana">ana</a>`},
		{group(models.NotifyLike, 2, bread, "ana", "ben"), `<a href="/p/9">Brot &amp; Butter</a>`},
		{rejected, `<a href="/held/7">`},
		{exportReady, `<a href="/settings/export/3/download">`},
		{group(forum.NotifyMessage, 1, nil, "ben"), `<a href="/messages/9">`},
	} {
		if got := string(c.g.Sentence(cat.Get("de"))); !strings.Contains(got, c.want) {
			t.Errorf("%s lacks %s", got, c.want)
		}
	}
}

func textOf(html string) string {
	s := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(html, "")
	s = strings.NewReplacer("&amp;", "&", "&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// TestUnknownAuthorInTheReadersLanguage: a post or thread whose author is
// gone names them "someone" in the reader's language.
func TestUnknownAuthorInTheReadersLanguage(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]string{"en": "someone", "de": "jemand"} {
		if a := newAuthorItem(nil, cat.Get(code)); a.Name != want || a.Initial != "?" {
			t.Errorf("%s: %+v, want %q", code, a, want)
		}
	}
}
