package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
)

// The fixture of the route-walking visibility test
// (visibility_routes_test.go): the whole process from buildApp, a private
// category whose objects carry marker strings, and the people who ask.

// Markers: unique strings that appear only in the private objects. Matched
// case-insensitively, so a slug made from a title counts too.
const (
	markCategory = "zqxcatname"
	markTitle    = "zqxtitle"
	markBody     = "zqxbody"
	markRevision = "zqxrevision"
	markPoll     = "zqxpoll"
	markPollOpt  = "zqxoption"
	markMention  = "zqxmention"
	markLater    = "zqxlater"
	markMessage  = "zqxmessage" // a private conversation the member is not in
)

var markers = []string{markCategory, markTitle, markBody, markRevision, markPoll, markPollOpt, markMention, markLater, markMessage}

// visFixture is the private content and the people who look at it.
type visFixture struct {
	svc          *forum.Service
	handler      http.Handler
	routes       []*echo.Route
	privSlug     string
	threadID     int64
	threadSlug   string
	firstPostID  int64
	replyID      int64
	pollThreadID int64
	pollPostID   int64
	pollID       int64
	convID       int64
	msgID        int64 // the second conversation's message
	member       *models.User
	amb          *models.User
	admin        *models.User
	memberToken  string
}

func newVisFixture(t *testing.T) *visFixture {
	t.Helper()
	ctx := context.Background()
	cfg := config.Defaults()
	cfg.URL = "http://forum.test"
	cfg.DataDir = t.TempDir()
	cfg.DB = modelstest.DSN(t)
	if err := cfg.Normalize(); err != nil {
		t.Fatal(err)
	}
	a, err := buildApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.svc.Store().Close() })
	svc := a.svc
	svc.BcryptCost = 4
	f := &visFixture{svc: svc, handler: a.srv.Handler(), routes: a.srv.Echo().Routes(), privSlug: "inner-circle"}
	mk := func(name, role string) *models.User {
		u, err := svc.CreateUser(ctx, forum.SignUpInput{Username: name, Email: name + "@example.com", Password: "password123"}, role)
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return u
	}
	f.admin = mk("adminka", models.RoleAdmin)
	f.amb = mk("amby", models.RoleAmbassador)
	f.member = mk("memo", models.RoleMember)
	for _, u := range []*models.User{f.amb, f.member} {
		if err := svc.SaveMailSettings(ctx, u, true, true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.CreateCategory(ctx, f.admin, forum.CategoryInput{Name: "Open", Slug: "open"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateCategory(ctx, f.admin, forum.CategoryInput{Name: "Inner " + markCategory, Slug: f.privSlug, AmbassadorsOnly: true}); err != nil {
		t.Fatal(err)
	}
	// Public content, so lists and feeds have something to render. It comes
	// first and has a poll, so every id from 2 on (thread, post or poll)
	// names a private object or nothing, and a write to any filled id must
	// be refused.
	if _, _, err := svc.CreateThread(ctx, f.member, forum.NewThread{Category: "open", Title: "Hello everyone", Body: "A public hello from @amby.",
		Tags: []string{"zqxtag"}, Poll: &forum.PollInput{Options: []string{"tea", "coffee"}}}); err != nil {
		t.Fatal(err)
	}
	th, first, err := svc.CreateThread(ctx, f.amb, forum.NewThread{Category: f.privSlug, Title: "Plans " + markTitle, Body: "The plan is " + markBody + ".", Tags: []string{"zqxtag"}})
	if err != nil {
		t.Fatal(err)
	}
	f.threadID, f.threadSlug, f.firstPostID = th.ID, th.Slug, first.ID
	// A reply that mentions the member, then an edit, so a revision holds
	// the old text.
	reply, err := svc.Reply(ctx, f.amb, th.ID, forum.NewReply{Body: "First draft " + markRevision + " for @memo " + markMention})
	if err != nil {
		t.Fatal(err)
	}
	f.replyID = reply.ID
	if _, err := svc.EditPost(ctx, f.amb, reply.ID, "Second draft for @memo "+markMention); err != nil {
		t.Fatal(err)
	}
	pt, pp, err := svc.CreateThread(ctx, f.amb, forum.NewThread{Category: f.privSlug, Title: "Vote " + markPoll, Body: "Choose " + markPoll,
		Poll: &forum.PollInput{Options: []string{markPollOpt + " one", markPollOpt + " two"}}})
	if err != nil {
		t.Fatal(err)
	}
	f.pollThreadID, f.pollPostID = pt.ID, pp.ID
	poll, err := svc.Store().PollByPostID(ctx, pp.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.pollID = poll.ID
	// Two private conversations between the ambassador and the admin (the
	// second's id is past the public objects'), the member in neither.
	for i := 0; i < 2; i++ {
		c, m, err := svc.StartConversation(ctx, f.amb, forum.NewConversation{To: []string{f.admin.Username}, Subject: "Talk " + markMessage,
			Body: "Between us: " + markMessage})
		if err != nil {
			t.Fatal(err)
		}
		f.convID, f.msgID = c.ID, m.ID
	}
	for _, id := range []int64{f.threadID, f.pollThreadID, f.firstPostID, f.replyID, f.pollPostID, f.pollID, f.convID} {
		if id < 2 {
			t.Fatalf("private id %d collides with the public objects' ids", id)
		}
	}
	if f.memberToken, err = svc.CreateToken(ctx, f.member.ID, "walk"); err != nil {
		t.Fatal(err)
	}
	return f
}

// visitor is one way of asking: cookies it keeps, a token it sends.
type visitor struct {
	name    string
	mu      sync.Mutex // the walk asks in parallel
	cookies map[string]string
	token   string
}

type answer struct {
	status int
	header http.Header
	body   string
}

func (f *visFixture) do(v *visitor, method, target, accept, contentType, body string) answer {
	req := httptest.NewRequest(method, "http://forum.test"+target, strings.NewReader(body))
	req.Host = "forum.test"
	req.RemoteAddr = "192.0.2.10:4000"
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Origin", "http://forum.test")
	}
	if v != nil {
		v.mu.Lock()
		for k, val := range v.cookies {
			req.AddCookie(&http.Cookie{Name: k, Value: val})
		}
		v.mu.Unlock()
		if v.token != "" {
			req.Header.Set("Authorization", "Bearer "+v.token)
		}
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	res := rec.Result()
	if v != nil {
		v.mu.Lock()
		for _, c := range res.Cookies() {
			if c.MaxAge < 0 || c.Value == "" {
				delete(v.cookies, c.Name)
			} else {
				v.cookies[c.Name] = c.Value
			}
		}
		v.mu.Unlock()
	}
	return answer{status: rec.Code, header: res.Header, body: rec.Body.String()}
}

// login signs in through the form, as a browser does.
func (f *visFixture) login(t *testing.T, name string) *visitor {
	t.Helper()
	v := &visitor{name: name, cookies: map[string]string{}}
	f.do(v, http.MethodGet, "/login", "text/html", "", "")
	form := url.Values{"login": {name}, "password": {"password123"}, "_csrf": {v.cookies["hearth_csrf"]}}
	res := f.do(v, http.MethodPost, "/login", "text/html", "application/x-www-form-urlencoded", form.Encode())
	if res.status != http.StatusSeeOther || v.cookies["hearth_session"] == "" {
		t.Fatalf("login %s: status %d, no session", name, res.status)
	}
	// The token may be rotated at login: the next form uses the new one.
	f.do(v, http.MethodGet, "/", "text/html", "", "")
	return v
}

// leaked names the markers an answer carries, in its body or headers.
func leaked(a answer) []string {
	var hs []string
	for k, vs := range a.header {
		hs = append(hs, k+": "+strings.Join(vs, ","))
	}
	all := strings.ToLower(a.body + "\n" + strings.Join(hs, "\n"))
	var out []string
	for _, m := range markers {
		if strings.Contains(all, m) {
			out = append(out, m)
		}
	}
	return out
}
