package server_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// auditTarget is the target type each action prefix is stored with (see the
// s.record calls in forum/).
func auditTarget(action string) string {
	switch {
	case action == "queue.claim" || action == "queue.unclaim":
		return forum.TargetQueueItem
	case action == "queue.reject":
		return forum.TargetUser
	case strings.HasPrefix(action, "thread."):
		return forum.TargetThread
	case strings.HasPrefix(action, "post."), strings.HasPrefix(action, "queue."):
		return forum.TargetPost
	case strings.HasPrefix(action, "user."), strings.HasPrefix(action, "appeal."), strings.HasPrefix(action, "application."):
		return forum.TargetUser
	case strings.HasPrefix(action, "category."):
		return forum.TargetCategory
	case strings.HasPrefix(action, "instance."):
		return forum.TargetInstance
	case strings.HasPrefix(action, "remote_user."):
		return forum.TargetRemoteActor
	case strings.HasPrefix(action, "invite."):
		return forum.TargetInvite
	case strings.HasPrefix(action, "site."):
		return forum.TargetSite
	case strings.HasPrefix(action, "watched_word."):
		return forum.TargetWatchedWord
	}
	return "mystery"
}

var (
	sentenceRe = regexp.MustCompile(`(?s)<p class="audit-sentence">(.*?)</p>`)
	tagRe      = regexp.MustCompile(`<[^>]+>`)
	// "user 26", "post 7", "thread #3": ids where names belong.
	rawIDRe = regexp.MustCompile(`(?i)\b(user|post|thread|member|category|item) #?\d+`)
)

// TestAuditLogReadsAsSentences: every kind in the table is told as a
// sentence naming people and things (linked), never as JSON or "user 26";
// the filter is a <select> of the table's labels; an unknown kind still
// reads as words.
func TestAuditLogReadsAsSentences(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	mod := ts.User("mod1", models.RoleModerator)
	carol := ts.User("carol", models.RoleMember)
	th, p := ts.Thread(carol, "general", "Starter loaf", "my starter smells of nail varnish")
	other, _ := ts.Thread(carol, "general", "Rye loaf", "dense")
	cat, err := ts.Store.CategoryBySlug(ts.Ctx, "general")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{forum.TargetThread: th.ID, forum.TargetPost: p.ID, forum.TargetUser: carol.ID, forum.TargetCategory: cat.ID}
	details := `{"into":` + fmt.Sprint(other.ID) + `,"username":"carol","until":"indefinite","from":"member","to":"moderator",` +
		`"domain":"spam.example","severity":"suspend","actor":"https://spam.example/u/bot","pattern":"casino","fields":["name"],"seconds":60,"item":4}`
	kinds := forum.AuditKinds()
	if len(kinds) < 40 {
		t.Fatalf("only %d kinds in the table", len(kinds))
	}
	at := time.Now()
	for i, k := range append(kinds, forum.AuditKind{Action: "post.frobnicate"}) {
		target := auditTarget(k.Action)
		e := &models.AuditEntry{ActorID: mod.ID, Action: k.Action, TargetType: target, TargetID: ids[target] + 900, Reason: "spam", Details: details, CreatedAt: at.Add(time.Duration(i) * time.Second)}
		if id, ok := ids[target]; ok {
			e.TargetID = id
		}
		if err := ts.Store.CreateAuditEntry(ts.Ctx, e); err != nil {
			t.Fatal(err)
		}
	}

	b := ts.browser()
	b.login("mod1")
	all := b.get("/mod/audit")
	for _, k := range kinds {
		if !strings.Contains(all.Body, fmt.Sprintf(`<option value="%s">%s</option>`, k.Action, k.Label)) {
			t.Errorf("the kind filter lacks %s (%q)", k.Action, k.Label)
		}
	}
	for _, k := range append(kinds, forum.AuditKind{Action: "post.frobnicate", Verb: "did “frobnicate” to"}) {
		r := b.get("/mod/audit?action=" + url.QueryEscape(k.Action))
		m := sentenceRe.FindAllStringSubmatch(r.Body, -1)
		if len(m) != 1 {
			t.Errorf("%s: %d sentences", k.Action, len(m))
			continue
		}
		html := m[0][1]
		text := strings.Join(strings.Fields(tagRe.ReplaceAllString(html, "")), " ")
		if strings.ContainsAny(text, "{}") || rawIDRe.MatchString(text) || strings.Contains(text, k.Action) {
			t.Errorf("%s reads %q", k.Action, text)
		}
		if want := "mod1 " + k.Verb + " "; !strings.HasPrefix(text, want) || !strings.HasSuffix(text, "— spam") {
			t.Errorf("%s reads %q, want it to start %q and end with the reason", k.Action, text, want)
		}
		if !strings.Contains(html, `<a href="/u/mod1">mod1</a>`) {
			t.Errorf("%s: the actor is not linked: %s", k.Action, html)
		}
		switch auditTarget(k.Action) {
		case forum.TargetPost:
			if !strings.Contains(html, fmt.Sprintf(`<a href="/p/%d">a post</a> by <a href="/u/carol">carol</a> in ‘<a href="/t/%d`, p.ID, th.ID)) {
				t.Errorf("%s: the post, its author and thread are not linked: %s", k.Action, html)
			}
		case forum.TargetThread:
			if !strings.Contains(html, fmt.Sprintf(`‘<a href="/t/%d`, th.ID)) || !strings.Contains(text, "Starter loaf") {
				t.Errorf("%s: the thread is not linked: %s", k.Action, html)
			}
		case forum.TargetUser:
			if !strings.Contains(html, `<a href="/u/carol">carol</a>`) {
				t.Errorf("%s: the member is not linked: %s", k.Action, html)
			}
		}
	}
	if r := b.get("/mod/audit?action=thread.merge"); !strings.Contains(r.Body, "into ‘") || !strings.Contains(r.Body, "Rye loaf</a>’") {
		t.Error("a merge does not name the thread it went into")
	}
	if r := b.get("/mod/audit?action=post.hide"); !strings.Contains(r.Body, `<option value="post.hide" selected>Post hidden</option>`) {
		t.Error("the filter does not keep the chosen kind")
	}
}
