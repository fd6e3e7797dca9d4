package server_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// An appeal card in /mod tells the contested decision as the audit log
// does: who did what to whom or which post, with links and the reason,
// never the stored action name ("post.hide", "user.suspend").
func TestAppealCardsTellTheDecisionInWords(t *testing.T) {
	cases := []struct {
		name   string
		act    func(ts *testServer, mod *models.User, postID int64)
		raw    string
		want   []string // fragments of the card's sentence, %d: the post id
		reason string
	}{
		{
			name: "hidden post",
			act: func(ts *testServer, mod *models.User, postID int64) {
				if err := ts.Svc.SetPostHidden(ts.Ctx, mod, postID, true, "spam links"); err != nil {
					t.Fatal(err)
				}
			},
			raw:  "post.hide",
			want: []string{`<a href="/u/moddy">moddy</a> hid <a href="/p/%d">a post</a> by <a href="/u/author">author</a> in ‘<a href="/t/`, `">Starter loaf</a>’`},
		},
		{
			name: "suspension",
			act: func(ts *testServer, mod *models.User, _ int64) {
				if _, err := ts.Svc.Suspend(ts.Ctx, mod, "author", "72h", "spam links"); err != nil {
					t.Fatal(err)
				}
			},
			raw:  "user.suspend",
			want: []string{`<a href="/u/moddy">moddy</a> suspended <a href="/u/author">author</a> until `},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t)
			ts.Category("general")
			mod := ts.User("moddy", models.RoleModerator)
			author := ts.User("author", models.RoleMember)
			_, p := ts.Thread(author, "general", "Starter loaf", "buy my stuff")
			tc.act(ts, mod, p.ID)
			ns, err := ts.Svc.Notices(ts.Ctx, mustUser(t, ts, "author"))
			if err != nil || len(ns) == 0 {
				t.Fatalf("notices: %v %v", ns, err)
			}
			if _, err := ts.Svc.Appeal(ts.Ctx, mustUser(t, ts, "author"), ns[0].Entry.ID, "I was answering a question"); err != nil {
				t.Fatal(err)
			}
			ts.User("reviewer", models.RoleModerator)
			b := ts.browser()
			b.login("reviewer")
			body := b.get("/mod").Body
			card := regexp.MustCompile(`(?s)<p class="small appeal-contests">(.*?)</p>`).FindStringSubmatch(body)
			if card == nil {
				t.Fatalf("no appeal card sentence: %s", body)
			}
			for _, w := range tc.want {
				if strings.Contains(w, "%d") {
					w = fmt.Sprintf(w, p.ID)
				}
				if !strings.Contains(card[1], w) {
					t.Errorf("card %q lacks %q", card[1], w)
				}
			}
			if !strings.Contains(card[1], `<span class="audit-reason">— spam links</span>`) {
				t.Errorf("card %q lacks the reason", card[1])
			}
			if strings.Contains(body, tc.raw) {
				t.Errorf("/mod still shows the raw kind %q", tc.raw)
			}
		})
	}
}
