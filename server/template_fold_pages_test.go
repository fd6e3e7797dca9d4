package server_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/server"
)

// twin is another server on ts's service (same database, same clock,
// same catalogs), folding its templates' constants or not.
func (ts *testServer) twin(t *testing.T, fold bool) (*testServer, *server.Server) {
	t.Helper()
	s, err := server.New(ts.Cfg, ts.Svc, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	if !fold {
		s.UnfoldTemplates() // before it serves anything
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return &testServer{Env: ts.Env, URL: hs.URL, srv: hs}, s
}

// TestFoldedPagesMatchUnfolded renders pages through the real handlers on
// a server that folds its templates' constants and on one that does not,
// as a visitor, a member, a moderator and an administrator, in English and
// German, including forms sent back with an error or a preview (the
// member's text in a <textarea>) and a site whose name and footer need
// escaping: every body must be byte-identical. Each page is asked for on
// the unfolded server first, so what a first visit changes (read marks)
// is settled before the two are compared (forms are sent once to each). At the end the folded server's
// thread page must have no constant call left and the unfolded one many,
// so a switch that stopped folding, or folded both, fails.
func TestFoldedPagesMatchUnfolded(t *testing.T) {
	ts := newTestServer(t)
	// One instant for both servers' pages ("3 minutes ago" must not
	// change between the two requests). The service is shared, so every
	// clock of the test is this one.
	now := ts.Svc.Now()
	ts.Svc.SetClock(func() time.Time { return now })
	folded, foldedServer := ts.twin(t, true)
	plain, plainServer := ts.twin(t, false)

	root := ts.User("rooty", models.RoleAdmin)
	ts.Category("general")
	ana := ts.User("ana", models.RoleMember)
	moira := ts.User("moira", models.RoleModerator)
	bo := ts.User("bo", models.RoleMember)
	closes := now.Add(72 * time.Hour)
	th, first, err := ts.Svc.CreateThread(ts.Ctx, ana, forum.NewThread{Category: "general", Title: `Tea & "coffee" <or> 'both'`,
		Body: "Which one? #drinks @bo", Tags: []string{"drinks"}, Poll: &forum.PollInput{Options: []string{"Tea", "Coffee"}, ClosesAt: &closes}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 7; i++ { // two pages of five: both paginations
		ts.Reply(bo, th.ID, fmt.Sprintf("Reply %d to @ana: <b>bold</b> & more", i))
	}
	if _, err := ts.Svc.FlagPost(ts.Ctx, bo, first.ID, "spam", "looks odd"); err != nil {
		t.Fatal(err)
	}
	conv, _, err := ts.Svc.StartConversation(ts.Ctx, ana, forum.NewConversation{To: []string{"bo"}, Subject: "Hi & <hello>", Body: "A message"})
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.Svc.SetBookmark(ts.Ctx, ana, th.ID, true); err != nil {
		t.Fatal(err)
	}
	threadPath := fmt.Sprintf("/t/%d/%s", th.ID, th.Slug)

	visitor, member, mod, admin, other := ts.browser(), ts.memberBrowser(ana), ts.memberBrowser(moira), ts.memberBrowser(root), ts.memberBrowser(bo)
	type page struct {
		who    *browser
		name   string
		method string
		path   string
		form   url.Values
		status int
	}
	pages := []page{
		{visitor, "visitor", "GET", "/", nil, 200},
		{visitor, "visitor", "GET", "/c/general", nil, 200},
		{visitor, "visitor", "GET", threadPath, nil, 200},
		{visitor, "visitor", "GET", threadPath + "?page=2", nil, 200},
		{visitor, "visitor", "GET", "/login", nil, 200},
		{visitor, "visitor", "GET", "/signup", nil, 200},
		{visitor, "visitor", "GET", "/search?q=tea", nil, 200},
		{visitor, "visitor", "GET", "/tags/drinks", nil, 200},
		{visitor, "visitor", "GET", "/u/ana", nil, 200},
		{visitor, "visitor", "GET", "/password/forgot", nil, 200},
		{visitor, "visitor", "GET", "/t/999999", nil, 404},
		{visitor, "visitor", "POST", "/login", url.Values{"login": {`ana & "<bo>" {lang}`}, "password": {"wrong"}}, 0},
		{member, "member", "GET", "/", nil, 200},
		{member, "member", "GET", "/c/general", nil, 200},
		{member, "member", "GET", threadPath, nil, 200},
		{member, "member", "GET", threadPath + "?page=2", nil, 200},
		{member, "member", "POST", fmt.Sprintf("/t/%d/reply", th.ID), url.Values{"body": {""}}, 0},
		{member, "member", "POST", fmt.Sprintf("/t/%d/reply", th.ID), url.Values{"body": {`<b>"Tea"</b> & 'coffee' </textarea> ü`}, "action": {"preview"}}, 200},
		{member, "member", "POST", "/new", url.Values{"category": {"general"}, "title": {""}, "body": {`</textarea><script>x & "y"`}}, 0},
		{member, "member", "GET", "/new", nil, 200},
		{member, "member", "GET", "/notifications", nil, 200},
		{member, "member", "GET", "/settings", nil, 200},
		{member, "member", "GET", "/bookmarks", nil, 200},
		{member, "member", "GET", "/messages", nil, 200},
		{member, "member", "GET", fmt.Sprintf("/messages/%d", conv.ID), nil, 200},
		{member, "member", "GET", "/messages/new", nil, 200},
		{member, "member", "GET", "/u/bo", nil, 200},
		{member, "member", "GET", "/search?q=tea", nil, 200},
		{other, "bo", "GET", "/notifications", nil, 200},
		{mod, "moderator", "GET", threadPath, nil, 200},
		{mod, "moderator", "GET", "/mod", nil, 200},
		{mod, "moderator", "GET", "/mod/audit", nil, 200},
		{mod, "moderator", "GET", "/mod/members", nil, 200},
		{mod, "moderator", "GET", "/mod/users/bo", nil, 200},
		{mod, "moderator", "GET", "/community", nil, 200},
		{admin, "admin", "GET", threadPath, nil, 200},
		{admin, "admin", "GET", "/admin", nil, 200},
		{admin, "admin", "GET", "/admin/site", nil, 200},
		{admin, "admin", "GET", "/admin/users", nil, 200},
		{admin, "admin", "GET", "/admin/categories/general", nil, 200},
		{admin, "admin", "GET", "/admin/invites", nil, 200},
		{admin, "admin", "GET", "/admin/instances", nil, 200},
	}
	compare := func(p page, lang string) {
		t.Helper()
		on := &browser{t: t, ts: folded, client: p.who.client}
		off := &browser{t: t, ts: plain, client: p.who.client}
		send := func(b *browser) *response {
			var req *http.Request
			if p.method == "POST" {
				form := url.Values{}
				for k, v := range p.form {
					// {lang}: a login per language, so the two
					// languages' failed logins do not reach the limit.
					form.Set(k, strings.ReplaceAll(v[0], "{lang}", lang))
				}
				form.Set("_csrf", p.who.csrf())
				req, _ = http.NewRequest(http.MethodPost, b.ts.URL+p.path, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			} else {
				req, _ = http.NewRequest(http.MethodGet, b.ts.URL+p.path, nil)
			}
			if lang != "" {
				req.Header.Set("Accept-Language", lang)
			}
			return b.do(req)
		}
		if p.method == "GET" {
			send(off) // settle what a first visit changes
		}
		got, want := send(on), send(off)
		where := fmt.Sprintf("%s %s as %s in %q", p.method, p.path, p.name, lang)
		if p.status != 0 && got.StatusCode != p.status {
			t.Errorf("%s: status %d, want %d", where, got.StatusCode, p.status)
		}
		if p.status == 0 && got.StatusCode < 400 {
			t.Errorf("%s: status %d, want the form back with an error", where, got.StatusCode)
		}
		code := "en"
		if lang != "" {
			code = lang
		}
		if !strings.Contains(got.Body, `<html lang="`+code+`">`) {
			t.Errorf("%s: not a page in %s:\n%s", where, code, got.Body)
			return
		}
		if got.StatusCode != want.StatusCode || got.Body != want.Body {
			i := 0
			for i < len(got.Body) && i < len(want.Body) && got.Body[i] == want.Body[i] {
				i++
			}
			lo := max(0, i-200)
			t.Errorf("%s: folded page differs from unfolded at byte %d (status %d, %d):\nfolded:   %q\nunfolded: %q",
				where, i, got.StatusCode, want.StatusCode, got.Body[lo:min(len(got.Body), i+200)], want.Body[lo:min(len(want.Body), i+200)])
		}
	}
	for _, lang := range []string{"", "de"} {
		for _, p := range pages {
			compare(p, lang)
		}
	}

	// A site whose name, description and footer links need escaping: the
	// layout's other footer, with the rules, terms, privacy and contact
	// links.
	name, desc, rules, contact := `Tea & "Co" <club>`, `Hot drinks & 'talk'`, "Be kind.", "tea@example.com"
	if _, err := ts.Svc.SaveSite(ts.Ctx, root, forum.SiteInput{Name: &name, Description: &desc, Rules: &rules, Terms: &rules, Privacy: &rules, ContactEmail: &contact}); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"", "de"} {
		for _, p := range []page{
			{visitor, "visitor", "GET", "/", nil, 200},
			{visitor, "visitor", "GET", threadPath, nil, 200},
			{member, "member", "GET", threadPath, nil, 200},
			{visitor, "visitor", "GET", "/rules", nil, 200},
		} {
			compare(p, lang)
		}
	}

	for _, lang := range []string{"en", "de"} {
		if left := foldedServer.ConstCallsLeft(t, "thread", lang); len(left) != 0 {
			t.Errorf("folded server, %s thread page: %d constant calls left: %v", lang, len(left), left)
		}
		if left := plainServer.ConstCallsLeft(t, "thread", lang); len(left) < 50 {
			t.Errorf("unfolded server, %s thread page: only %d constant calls: it folded", lang, len(left))
		}
	}
}
