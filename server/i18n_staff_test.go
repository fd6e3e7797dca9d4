package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// TestStaffPagesInGerman: the staff pages, through the real handlers,
// speak German to a browser that asks for it (headings, labels, buttons,
// the page title, the audit log's sentences with their links and dates)
// and English to one that does not; no message id leaks onto a page.
func TestStaffPagesInGerman(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	admin := ts.User("chief", models.RoleAdmin)
	carol := ts.User("carol", models.RoleMember)
	th, p := ts.Thread(carol, "general", "Starter loaf", "my starter smells of nail varnish")
	at := time.Now()
	for i, e := range []*models.AuditEntry{
		{Action: "post.hide", TargetType: forum.TargetPost, TargetID: p.ID, Reason: "spam"},
		{Action: "user.silence", TargetType: forum.TargetUser, TargetID: carol.ID, Details: `{"until":"2030-01-31T12:00:00Z"}`},
		{Action: "thread.slow_mode", TargetType: forum.TargetThread, TargetID: th.ID, Details: `{"seconds":120}`},
	} {
		e.ActorID, e.CreatedAt = admin.ID, at.Add(time.Duration(i)*time.Second)
		if err := ts.Store.CreateAuditEntry(ts.Ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	b := ts.browser()
	b.login("chief")

	cases := []struct {
		path   string
		german []string
		// english is the same page's words for a browser that asks for
		// no language.
		english []string
	}{
		{"/mod", []string{"<title>Moderation · ", "Warteschlange (offen)", ">Offen <span", "Nichts wartet auf Prüfung."},
			[]string{"<title>Moderation · ", "Review queue (open)", ">Open <span", "Nothing waiting for review."}},
		{"/mod/audit", []string{
			"<title>Protokoll · ",
			`<option value="post.hide">Beitrag ausgeblendet</option>`,
			fmt.Sprintf(`<a href="/u/chief">chief</a> hat <a href="/p/%d">den Beitrag</a> von <a href="/u/carol">carol</a> in „<a href="/t/%d/`, p.ID, th.ID),
			`</a>“ ausgeblendet <span class="audit-reason">– spam</span>`,
			`<a href="/u/chief">chief</a> hat <a href="/u/carol">carol</a> bis 31. Jan. 2030 stummgeschaltet`,
			"(ein Beitrag alle 2 Min.)",
		}, []string{
			"<title>Audit log · ",
			`<option value="post.hide">Post hidden</option>`,
			fmt.Sprintf(`<a href="/u/chief">chief</a> hid <a href="/p/%d">a post</a> by <a href="/u/carol">carol</a> in ‘<a href="/t/%d/`, p.ID, th.ID),
			`<span class="audit-reason">— spam</span>`,
			`<a href="/u/chief">chief</a> silenced <a href="/u/carol">carol</a> until 31 Jan 2030`,
			"(one post every 2 min)",
		}},
		{"/admin", []string{"<title>Verwaltung · ", "Neue Kategorie", "Kategorie anlegen", "1 Thema · 1 Beitrag"},
			[]string{"<title>Administration · ", "New category", "Create category", "1 thread · 1 post"}},
		{"/mod/users/carol", []string{"Akte von", "Verwarnungen (0)", "Mitglied · beigetreten"},
			[]string{"Record of", "Warnings (0)", "member · joined"}},
		{"/community", []string{"Wartet auf Antwort", "Aktive Mitglieder pro Tag", "CSV herunterladen"},
			[]string{"Needs a response", "Active members per day", "Download CSV"}},
	}
	for _, c := range cases {
		for _, lang := range []string{"de", ""} {
			r := b.getIn(c.path, lang)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("%s (%q): %d", c.path, lang, r.StatusCode)
			}
			want, code := c.english, "en"
			if lang == "de" {
				want, code = c.german, "de"
			}
			if !strings.Contains(r.Body, `<html lang="`+code+`">`) {
				t.Errorf("%s (%q): not marked lang=%s", c.path, lang, code)
			}
			for _, w := range want {
				if !strings.Contains(r.Body, w) {
					t.Errorf("%s (%q) lacks %q", c.path, lang, w)
				}
			}
			if i := strings.Index(r.Body, "staff."); i >= 0 {
				t.Errorf("%s (%q) shows a message id: %s", c.path, lang, r.Body[i:min(len(r.Body), i+60)])
			}
		}
	}

	// A flash set by a staff handler is in the language of the request
	// that caused it.
	form := url.Values{"name": {"Brot"}, "_csrf": {b.csrf()}}
	post, _ := http.NewRequest(http.MethodPost, ts.URL+"/admin/categories", strings.NewReader(form.Encode()))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	post.Header.Set("Accept-Language", "de")
	if r := b.do(post); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create category: %d", r.StatusCode)
	}
	if r := b.getIn("/admin", "de"); !strings.Contains(r.Body, "Kategorie Brot angelegt.") {
		t.Error("the flash is not in German")
	}
}

// TestEveryAuditKindHasItsWords: each kind forum lists has, in every
// language, its filter label and its sentence, and every variant the
// renderer may pick (a kind's sentence with a detail) exists with the
// same placeholders as English. The renderer builds these ids from the
// action, so TestEveryMessageIDExists cannot see them.
func TestEveryAuditKindHasItsWords(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"staff.audit.kind_other", "staff.audit.did_other"}
	for _, a := range forum.AuditActions() {
		ids = append(ids, "staff.audit.kind."+a, "staff.audit.did."+a)
	}
	for _, v := range []string{"thread.move_to", "thread.merge_into", "thread.merge_elsewhere", "thread.slow_mode_off",
		"thread.slow_mode_every", "user.silence_indefinitely", "user.silence_until", "user.suspend_indefinitely",
		"user.suspend_until", "user.role_to", "instance.block_severity", "site.update_fields", "category.delete_moved"} {
		ids = append(ids, "staff.audit.did."+v)
	}
	for _, o := range []string{forum.AuditObjectPostGone, forum.AuditObjectThreadGone, forum.AuditObjectMember,
		forum.AuditObjectFormerMember, forum.AuditObjectCategory, forum.AuditObjectInstance, forum.AuditObjectRemoteActor,
		forum.AuditObjectWatchedWord, forum.AuditObjectInvite, forum.AuditObjectSite, forum.AuditObjectQueueItem,
		forum.AuditObjectMessage} {
		ids = append(ids, "staff.audit.object."+o)
	}
	en := cat.Get(i18n.Default)
	for _, l := range cat.Langs() {
		for _, id := range ids {
			if !l.Has(id) {
				t.Errorf("%s lacks %s", l.Code, id)
				continue
			}
			if got, want := strings.Join(l.Placeholders(id), ","), strings.Join(en.Placeholders(id), ","); got != want {
				t.Errorf("%s %s: placeholders %s, English has %s", l.Code, id, got, want)
			}
			if strings.HasPrefix(id, "staff.audit.did") && !slices.Contains(l.Placeholders(id), "Actor") {
				t.Errorf("%s %s does not name who did it", l.Code, id)
			}
		}
	}
}
