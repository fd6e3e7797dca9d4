package forum_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

func addWord(t *testing.T, e *forumtest.Env, staff *models.User, pattern, action, replacement string) *models.WatchedWord {
	t.Helper()
	w, err := e.Svc.AddWatchedWord(e.Ctx, staff, forum.WatchedWordInput{Pattern: pattern, Action: action, Replacement: replacement})
	if err != nil {
		t.Fatalf("add %q: %v", pattern, err)
	}
	return w
}

func TestWatchedWordsLocalPosts(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	mod := e.User("moddy", models.RoleModerator)
	member := e.User("member", models.RoleMember)
	th, p := e.Thread(member, "general", "A normal thread", "Nothing to see")
	addWord(t, e, mod, "casino", "block", "")
	addWord(t, e, mod, "crypto*", "hold", "")
	addWord(t, e, mod, "darn", "replace", "d***")

	// Block: a clear error naming the word, on the right field.
	_, err := e.Svc.Reply(e.Ctx, member, th.ID, forum.NewReply{Body: "Visit my Casino"})
	if ve, ok := forum.AsValidation(err); !ok || !strings.Contains(ve.Fields["body"], `"Casino"`) {
		t.Fatalf("block: %v", err)
	}
	_, _, err = e.Svc.CreateThread(e.Ctx, member, forum.NewThread{Category: "general", Title: "Best casino ever", Body: "hi"})
	if ve, ok := forum.AsValidation(err); !ok || ve.Fields["title"] == "" {
		t.Fatalf("block in title: %v", err)
	}
	// Words inside other words do not match.
	if _, err := e.Svc.Reply(e.Ctx, member, th.ID, forum.NewReply{Body: "occasional casinos"}); err != nil {
		t.Fatalf("whole words only: %v", err)
	}
	// Replace.
	r, err := e.Svc.Reply(e.Ctx, member, th.ID, forum.NewReply{Body: "oh darn it"})
	if err != nil || r.Body != "oh d*** it" || !strings.Contains(r.HTML, "d***") {
		t.Fatalf("replace: %v %+v", err, r)
	}
	// Hold: even a member out of the sandbox waits for approval.
	_, err = e.Svc.Reply(e.Ctx, member, th.ID, forum.NewReply{Body: "Cryptocurrency tips inside"})
	h := mustHold(t, err)
	if !strings.Contains(h.Reason, "Cryptocurrency") {
		t.Fatalf("hold reason %q", h.Reason)
	}
	// An edit that brings in a held word hides the post pending approval.
	if _, err := e.Svc.EditPost(e.Ctx, member, p.ID, "now about crypto"); err != nil {
		t.Fatal(err)
	}
	tp, _ := e.Svc.ThreadPage(e.Ctx, nil, th.ID, 1)
	if !tp.Posts[0].Hidden {
		t.Fatal("edited post with a held word is visible")
	}
	amb := e.User("amb", models.RoleAmbassador)
	q, _ := e.Svc.Queue(e.Ctx, amb, "", "")
	var editItem *forum.QueueItemView
	for i := range q.Items {
		if q.Items[i].PostID == p.ID {
			editItem = &q.Items[i]
		}
	}
	if editItem == nil || editItem.Kind != models.QueueKindApproval {
		t.Fatalf("edit not in the approval queue: %+v", q.Items)
	}
	if err := e.Svc.ResolveQueueItem(e.Ctx, amb, editItem.ID, forum.ResolveApprove, ""); err != nil {
		t.Fatal(err)
	}
	if tp, _ = e.Svc.ThreadPage(e.Ctx, nil, th.ID, 1); tp.Posts[0].Hidden {
		t.Fatal("approved edit still hidden")
	}
	// An edit with a blocked word is refused and changes nothing.
	if _, err := e.Svc.EditPost(e.Ctx, member, p.ID, "casino time"); err == nil {
		t.Fatal("edit with a blocked word accepted")
	}
}

func TestWatchedWordsManagement(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	mod := e.User("moddy", models.RoleModerator)
	member := e.User("member", models.RoleMember)
	th, _ := e.Thread(member, "general", "A normal thread", "Nothing to see")
	if _, err := e.Svc.AddWatchedWord(e.Ctx, member, forum.WatchedWordInput{Pattern: "x", Action: "block"}); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("member adding: %v", err)
	}
	if _, err := e.Svc.AddWatchedWord(e.Ctx, e.User("amb", models.RoleAmbassador), forum.WatchedWordInput{Pattern: "x", Action: "block"}); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("ambassador adding: %v", err)
	}
	for _, in := range []forum.WatchedWordInput{
		{Pattern: "*", Action: "block"}, {Pattern: "ok", Action: "shout"}, {Pattern: "(bad", Regex: true, Action: "block"},
	} {
		if _, err := e.Svc.AddWatchedWord(e.Ctx, mod, in); err == nil {
			t.Fatalf("accepted %+v", in)
		}
	}
	w := addWord(t, e, mod, `spam+y`, "block", "")
	if _, err := e.Svc.Reply(e.Ctx, member, th.ID, forum.NewReply{Body: "spam+y"}); err == nil {
		t.Fatal("plain pattern did not block")
	}
	rx, err := e.Svc.AddWatchedWord(e.Ctx, mod, forum.WatchedWordInput{Pattern: `\bfree\s+\$\d+`, Regex: true, Action: "block"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.Reply(e.Ctx, member, th.ID, forum.NewReply{Body: "win FREE $100"}); err == nil {
		t.Fatal("regex did not block")
	}

	// A second process (another Service on the same database) sees a
	// removal made here: the compiled list is keyed on the DB version.
	other := forum.New(e.Store, e.Cfg)
	if _, err := other.Reply(e.Ctx, member, th.ID, forum.NewReply{Body: "win FREE $100"}); err == nil {
		t.Fatal("other process: regex did not block")
	}
	if err := e.Svc.RemoveWatchedWord(e.Ctx, mod, rx.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Reply(e.Ctx, member, th.ID, forum.NewReply{Body: "win FREE $100"}); err != nil {
		t.Fatalf("other process still blocks a removed word: %v", err)
	}
	ws, _ := e.Svc.WatchedWords(e.Ctx, mod)
	if len(ws) != 1 || ws[0].ID != w.ID {
		t.Fatalf("list: %+v", ws)
	}
	audit, _ := e.Svc.Audit(e.Ctx, mod, forum.AuditFilter{TargetType: forum.TargetWatchedWord}, 10)
	if len(audit.Entries) != 3 {
		t.Fatalf("audit entries %d, want 3", len(audit.Entries))
	}
}

func TestWatchedWordsAndSilenceOnRemotePosts(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	admin := e.User("boss", models.RoleAdmin)
	member := e.User("member", models.RoleMember)
	th, first := e.Thread(member, "general", "A normal thread", "Nothing to see")
	addWord(t, e, admin, "casino", "block", "")
	addWord(t, e, admin, "crypto*", "hold", "")
	addWord(t, e, admin, "darn", "replace", "d***")
	dan := e.RemoteUser("dan", "mastodon.example")
	note := func(n int, html string) forum.RemoteNote {
		return forum.RemoteNote{APID: "https://mastodon.example/users/dan/statuses/" + string(rune('0'+n)), HTML: html}
	}

	// Block: dropped (a validation error federation counts as done).
	if _, err := e.Svc.ReplyFromRemote(e.Ctx, dan, th.ID, first.ID, note(1, "<p>casino night</p>")); err == nil {
		t.Fatal("blocked remote post stored")
	}
	// Replace: in the text, not in the markup.
	p, err := e.Svc.ReplyFromRemote(e.Ctx, dan, th.ID, first.ID, note(2, `<p>oh <a href="https://darn.example/">darn</a> it</p>`))
	if err != nil || p == nil || p.Body != "oh d*** it" || !strings.Contains(p.HTML, `href="https://darn.example/"`) || !strings.Contains(p.HTML, ">d***</a>") {
		t.Fatalf("replace: %v %+v", err, p)
	}
	// Hold: stored for approval, not published; redelivery stores it once.
	for i := 0; i < 2; i++ {
		if p, err := e.Svc.ReplyFromRemote(e.Ctx, dan, th.ID, first.ID, note(3, "<p>cryptocurrency!</p>")); err != nil || p != nil {
			t.Fatalf("hold: %v %+v", err, p)
		}
	}
	tp, _ := e.Svc.ThreadPage(e.Ctx, nil, th.ID, 1)
	if tp.Thread.PostCount != 2 {
		t.Fatalf("post count %d, want 2 (first + replaced)", tp.Thread.PostCount)
	}
	q, _ := e.Svc.Queue(e.Ctx, admin, "", "")
	if len(q.Items) != 1 || q.Items[0].Held == nil || q.Items[0].Held.APID == nil {
		t.Fatalf("queue: %+v", q.Items)
	}
	if err := e.Svc.ResolveQueueItem(e.Ctx, admin, q.Items[0].ID, forum.ResolveApprove, ""); err != nil {
		t.Fatal(err)
	}
	if p, err := e.Svc.RemotePost(e.Ctx, "https://mastodon.example/users/dan/statuses/3"); err != nil || p.UserID != dan.ID {
		t.Fatalf("approved remote post: %v %+v", err, p)
	}

	// Silence: a silenced instance's (and its subdomains') replies wait.
	if _, err := e.Svc.BlockInstance(e.Ctx, admin, "example.org", "silence", "spam wave"); err != nil {
		t.Fatal(err)
	}
	eve := e.RemoteUser("eve", "social.example.org")
	if p, err := e.Svc.ReplyFromRemote(e.Ctx, eve, th.ID, 0, forum.RemoteNote{APID: "https://social.example.org/s/1", HTML: "<p>hello</p>"}); err != nil || p != nil {
		t.Fatalf("silenced: %v %+v", err, p)
	}
	q, _ = e.Svc.Queue(e.Ctx, admin, "", "")
	if len(q.Items) != 1 || !strings.Contains(q.Items[0].Held.Reason, "silenced") {
		t.Fatalf("silenced queue: %+v", q.Items)
	}
	// Remote edits: a held word hides the post for approval.
	if _, err := e.Svc.EditFromRemote(e.Ctx, dan, forum.RemoteNote{APID: "https://mastodon.example/users/dan/statuses/2", HTML: "<p>crypto now</p>"}); err != nil {
		t.Fatal(err)
	}
	if p, _ := e.Svc.RemotePost(e.Ctx, "https://mastodon.example/users/dan/statuses/2"); p.HiddenAt == nil {
		t.Fatal("remote edit with a held word not hidden")
	}
}
