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

// auditEnglish is how the log reads each kind in English: the filter's
// label and the verb the sentence starts with after the actor (the words
// the log used before the catalogs; the catalog must keep them).
var auditEnglish = []struct{ Action, Label, Verb string }{
	{"thread.lock", "Thread locked", "locked"},
	{"thread.unlock", "Thread unlocked", "unlocked"},
	{"thread.pin", "Thread pinned", "pinned"},
	{"thread.unpin", "Thread unpinned", "unpinned"},
	{"thread.pin_global", "Thread pinned on the home page", "pinned"},
	{"thread.unpin_global", "Thread unpinned from the home page", "unpinned"},
	{"thread.move", "Thread moved", "moved"},
	{"thread.merge", "Threads merged", "merged"},
	{"thread.edit", "Thread title or tags edited", "edited the title or tags of"},
	{"thread.slow_mode", "Slow mode set", "set slow mode on"},
	{"thread.assign", "Thread assigned", "assigned"},
	{"thread.solution", "Solution marked", "marked a solution in"},
	{"thread.fetch_replies", "Missing replies fetched", "fetched missing replies for"},
	{"post.hide", "Post hidden", "hid"},
	{"post.unhide", "Post shown again", "showed again"},
	{"post.delete", "Post deleted", "deleted"},
	{"post.auto_hide", "Post hidden by flags", "hid"},
	{"post.hold", "Post held for review", "held"},
	{"queue.approve", "Review: approved", "approved"},
	{"queue.dismiss", "Review: flags dismissed", "dismissed the flags on"},
	{"queue.hide", "Review: hidden", "hid"},
	{"queue.delete", "Review: deleted", "deleted"},
	{"queue.reject", "Review: held post rejected", "rejected a held post by"},
	{"queue.forward", "Report forwarded", "forwarded a report about"},
	{"queue.claim", "Review item claimed", "claimed"},
	{"queue.unclaim", "Review item released", "released"},
	{"queue.lock", "Review: thread locked", "locked the thread of"},
	{"queue.warn", "Review: author warned", "warned the author of"},
	{"queue.silence", "Review: author silenced", "silenced the author of"},
	{"queue.suspend", "Review: author suspended", "suspended the author of"},
	{"user.warn", "Member warned", "warned"},
	{"user.silence", "Member silenced", "silenced"},
	{"user.unsilence", "Silence lifted", "lifted the silence on"},
	{"user.suspend", "Member suspended", "suspended"},
	{"user.unsuspend", "Suspension lifted", "lifted the suspension of"},
	{"user.role", "Role changed", "changed the role of"},
	{"user.session_end", "Session ended", "ended a session of"},
	{"user.graduate", "Left the sandbox", "let"},
	{"user.vouch", "Member vouched for", "vouched for"},
	{"user.reset_2fa", "Two-factor sign-in reset", "reset two-factor sign-in for"},
	{"appeal.uphold", "Appeal upheld", "upheld the decision appealed by"},
	{"appeal.reverse", "Appeal granted", "reversed the decision appealed by"},
	{"application.approve", "Application approved", "approved the application of"},
	{"application.reject", "Application rejected", "rejected the application of"},
	{"category.edit", "Category edited", "edited"},
	{"category.reorder", "Category moved in the list", "reordered"},
	{"category.delete", "Category deleted", "deleted"},
	{"instance.block", "Instance blocked", "blocked"},
	{"instance.unblock", "Instance unblocked", "unblocked"},
	{"remote_user.block", "Fediverse account blocked", "blocked"},
	{"remote_user.unblock", "Fediverse account unblocked", "unblocked"},
	{"invite.create", "Invite created", "created"},
	{"invite.revoke", "Invite revoked", "revoked"},
	{"site.update", "Site settings changed", "changed"},
	{"watched_word.add", "Watched word added", "added"},
	{"watched_word.remove", "Watched word removed", "removed"},
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
	kinds := auditEnglish
	if actions := forum.AuditActions(); len(actions) != len(kinds) {
		t.Fatalf("forum lists %d kinds, this test %d: add the new kind's English here", len(actions), len(kinds))
	} else {
		for i, a := range actions {
			if kinds[i].Action != a {
				t.Fatalf("kind %d is %s in forum, %s here", i, a, kinds[i].Action)
			}
		}
	}
	unknown := struct{ Action, Label, Verb string }{"post.frobnicate", "Other: post frobnicate", "did “frobnicate” to"}
	at := time.Now()
	for i, k := range append(kinds, unknown) {
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
	for _, k := range append(kinds, unknown) {
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
