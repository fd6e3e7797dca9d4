package forum_test

import (
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// TestRemoteQuestionText: a remote question's text is sanitised and kept
// with its content warning; watched words replace in it, and one that
// blocks or holds leaves it unshown while the poll itself stays.
func TestRemoteQuestionText(t *testing.T) {
	env := forumtest.New(t)
	admin := env.User("boss", models.RoleAdmin)
	a, err := env.Store.UpsertRemoteActor(env.Ctx, &models.RemoteActor{APID: "https://social.example/users/carol",
		Inbox: "https://social.example/users/carol/inbox", PreferredUsername: "carol", Domain: "social.example"})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []forum.WatchedWordInput{
		{Pattern: "darn", Action: models.WordReplace, Replacement: "gosh"},
		{Pattern: "casino", Action: models.WordBlock},
		{Pattern: "crypto", Action: models.WordHold},
	} {
		if _, err := env.Svc.AddWatchedWord(env.Ctx, admin, w); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range []struct {
		html, summary         string
		wantHTML, wantSummary string
	}{
		{`<p onclick="x()">Which <em>darn</em> one?<script>alert(1)</script></p>`, "  spoilers <b>ahead</b> ",
			"<p>Which <em>gosh</em> one?</p>", "spoilers ahead"},
		{"<p>Best casino?</p>", "", "", ""},
		{"<p>Buy crypto?</p>", "", "", ""},
		{"<p>Fine question</p>", "crypto talk", "", ""},
		{"<p>Fine question</p>", "darn long", "<p>Fine question</p>", "gosh long"},
	} {
		q := forum.RemoteQuestion{APID: "https://social.example/users/carol/statuses/" + string(rune('a'+i)),
			Options: []string{"Yes", "No"}, HTML: c.html, Summary: c.summary}
		p, err := env.Svc.StoreRemotePoll(env.Ctx, a, q, 0, 0)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if p.ContentHTML != c.wantHTML || p.Summary != c.wantSummary {
			t.Errorf("case %d: %q / %q, want %q / %q", i, p.ContentHTML, p.Summary, c.wantHTML, c.wantSummary)
		}
	}
}
