package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// The side doors an outside review found into the ambassadors' private
// category, each closed: a visitor and a member are refused (404, as if the
// thing did not exist) or see a page without the private text, while an
// ambassador making the same request gets through, so a case cannot pass
// by the route being broken.
func TestPrivateCategorySideDoors(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	admin := ts.User("chief", models.RoleAdmin)
	if _, err := ts.Svc.CreateCategory(ts.Ctx, admin, forum.CategoryInput{Name: "Inner", Slug: "inner", AmbassadorsOnly: true}); err != nil {
		t.Fatal(err)
	}
	amb := ts.User("amb", models.RoleAmbassador)
	pub, _ := ts.Thread(ts.User("someone", models.RoleMember), "general", "Open talk", "hello")
	th, _ := ts.Thread(amb, "inner", "Roadmap qqsecret", "the qqsecret plan")
	reply := ts.Reply(amb, th.ID, "draft qqsecret one")
	if _, err := ts.Svc.EditPost(ts.Ctx, amb, reply.ID, "draft two"); err != nil {
		t.Fatal(err)
	}
	_, pollPost, err := ts.Svc.CreateThread(ts.Ctx, amb, forum.NewThread{Category: "inner", Title: "Vote", Body: "choose",
		Poll: &forum.PollInput{Options: []string{"qqsecret yes", "qqsecret no"}}})
	if err != nil {
		t.Fatal(err)
	}
	poll, err := ts.Store.PollByPostID(ts.Ctx, pollPost.ID)
	if err != nil {
		t.Fatal(err)
	}

	// A second ambassador asks, so flagging the author's post is theirs to do.
	ambTok := ts.token(t, "amb2", models.RoleAmbassador)
	memTok := ts.token(t, "plain", models.RoleMember)
	ambB := ts.browser()
	ambB.login("amb2")
	memB := ts.browser()
	memB.login("plain")
	anonB := ts.browser()

	tid, rid, pid := th.ID, reply.ID, poll.ID
	type request struct {
		method, path, body string // body: JSON for /api, form for pages
	}
	cases := []struct {
		name string
		req  request
		// read: a visitor is refused too; write: only members try.
		read bool
		// page: everyone gets the page (200), without the private text.
		page bool
	}{
		{"revisions page", request{"GET", fmt.Sprintf("/p/%d/revisions", rid), ""}, true, false},
		{"revisions API", request{"GET", fmt.Sprintf("/api/v1/posts/%d/revisions", rid), ""}, true, false},
		{"profile recent posts", request{"GET", "/u/amb", ""}, true, true},
		{"flag form", request{"GET", fmt.Sprintf("/p/%d/flag", rid), ""}, false, false},
		{"quote in reply form", request{"GET", fmt.Sprintf("/t/%d?reply_to=%d", pub.ID, rid), ""}, false, true},
		{"poll API", request{"GET", fmt.Sprintf("/api/v1/polls/%d", pid), ""}, true, false},
		{"poll page", request{"GET", fmt.Sprintf("/polls/%d", pid), ""}, true, false},
		{"poll vote API", request{"POST", fmt.Sprintf("/api/v1/polls/%d/votes", pid), `{"options":[0]}`}, false, false},
		{"poll vote form", request{"POST", fmt.Sprintf("/polls/%d/vote", pid), "option=0"}, false, false},
		{"thread watching API", request{"PUT", fmt.Sprintf("/api/v1/threads/%d/notification-level", tid), `{"level":"watching"}`}, false, false},
		{"thread watching form", request{"POST", fmt.Sprintf("/t/%d/notification-level", tid), "level=watching"}, false, false},
		{"thread level API read", request{"GET", fmt.Sprintf("/api/v1/threads/%d/notification-level", tid), ""}, false, false},
		{"category watching API", request{"PUT", "/api/v1/categories/inner/notification-level", `{"level":"watching"}`}, false, false},
		{"category watching form", request{"POST", "/c/inner/notification-level", "level=watching"}, false, false},
		{"bookmark API", request{"POST", fmt.Sprintf("/api/v1/threads/%d/bookmark", tid), ""}, false, false},
		{"unbookmark API", request{"DELETE", fmt.Sprintf("/api/v1/threads/%d/bookmark", tid), ""}, false, false},
		{"bookmark form", request{"POST", fmt.Sprintf("/t/%d/bookmark", tid), ""}, false, false},
	}
	send := func(b *browser, tok string, r request) *response {
		t.Helper()
		if strings.HasPrefix(r.path, "/api/") {
			req, _ := http.NewRequest(r.method, ts.URL+r.path, strings.NewReader(r.body))
			req.Header.Set("Accept", "application/json")
			if r.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if tok != "" {
				req.Header.Set("Authorization", "Bearer "+tok)
			}
			return b.do(req)
		}
		if r.method == "GET" {
			return b.get(r.path)
		}
		form, _ := url.ParseQuery(r.body)
		return b.post(r.path, form)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			who := []struct {
				name string
				b    *browser
				tok  string
			}{{"member", memB, memTok}}
			if c.read {
				who = append(who, struct {
					name string
					b    *browser
					tok  string
				}{"visitor", anonB, ""})
			}
			for _, w := range who {
				res := send(w.b, w.tok, c.req)
				if strings.Contains(res.Body, "qqsecret") {
					t.Errorf("%s %s as %s: %d shows the private text", c.req.method, c.req.path, w.name, res.StatusCode)
				}
				if c.page && res.StatusCode != http.StatusOK {
					t.Errorf("%s %s as %s: %d, want the page without the private text", c.req.method, c.req.path, w.name, res.StatusCode)
				}
				if !c.page && res.StatusCode != http.StatusNotFound {
					t.Errorf("%s %s as %s: %d, want 404", c.req.method, c.req.path, w.name, res.StatusCode)
				}
			}
			if res := send(ambB, ambTok, c.req); res.StatusCode >= 400 {
				t.Errorf("%s %s as ambassador: %d, want it to work (%s)", c.req.method, c.req.path, res.StatusCode, res.Body)
			}
		})
	}
	// The ambassador's reads above showed the private text: the fixture is
	// what the refusals were about.
	if res := ambB.get(fmt.Sprintf("/p/%d/revisions", rid)); !strings.Contains(res.Body, "draft qqsecret one") {
		t.Errorf("ambassador's revisions page lacks the earlier text: %d", res.StatusCode)
	}
	if res := ambB.get("/u/amb"); !strings.Contains(res.Body, "qqsecret") {
		t.Errorf("ambassador's view of the profile lacks the private posts")
	}
	// Nothing the member tried stuck: no bookmark, no level.
	if res := memB.get("/bookmarks"); strings.Contains(res.Body, "qqsecret") {
		t.Errorf("member's bookmarks list the private thread")
	}
	plain, err := ts.Store.UserByUsername(ts.Ctx, "plain")
	if err != nil {
		t.Fatal(err)
	}
	var levels int64
	if err := ts.Store.DB(ts.Ctx).Model(&models.NotificationLevel{}).Where("user_id = ? AND level <> ''", plain.ID).Count(&levels).Error; err != nil {
		t.Fatal(err)
	}
	if levels != 0 { // a visit's read mark has an empty level
		t.Errorf("member has %d notification levels after refused requests", levels)
	}
}
