package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// The route-walking visibility test: every route the process registers
// (server and federation, HTML, API, feeds, ActivityPub) is asked for the
// ambassadors' private category's content as a visitor, as a member (by
// session cookie and by Bearer token) and as an ambassador. Visitors and
// members must never get a marker back; the ambassador must, on the thread
// page, which proves the fixture holds what it should. A route added later is
// walked without anyone editing this file; a route with a path parameter this
// file cannot fill fails the test (see paramValues).

// paramValues is what each path parameter is filled with: every private
// object that parameter can name. A route whose parameter is not here fails
// the test, so whoever adds it says what private value it takes.
func (f *visFixture) paramValues() map[string][]string {
	ids := func(xs ...int64) []string {
		var out []string
		for _, x := range xs {
			out = append(out, strconv.FormatInt(x, 10))
		}
		return out
	}
	return map[string][]string{
		// thread, post (first and the edited reply), poll and private
		// conversation ids
		"id":       ids(f.threadID, f.pollThreadID, f.firstPostID, f.replyID, f.pollPostID, f.pollID, f.convID),
		"message":  ids(f.msgID),      // a private message, in conversation f.convID
		"slug":     {f.privSlug, "x"}, // a thread slug never needs to match: the page redirects to the right one
		"username": {f.amb.Username, f.member.Username},
		"tag":      {"zqxtag"},
		"item":     ids(1),                                                                    // review queue items: staff only
		"op":       {"lock", "pin", "move"},                                                   // moderation operations: staff only
		"domain":   {"remote.example"},                                                        // instance blocks: admins only
		"file":     {"none.png"},                                                              // avatar files
		"hash":     {"0000000000000000000000000000000000000000000000000000000000000000", "x"}, // uploads: public by their unguessable hash
		"variant":  {"w400", "x"},
		"token":    {"bad-token"},             // unsubscribe tokens
		"acct":     {"nobody@remote.example"}, // remote accounts (name@host): the fixture has none
		"*":        {"", "x"},                 // catch-alls (static files, unknown API paths)
	}
}

var paramPattern = regexp.MustCompile(`:([A-Za-z_]+)|\*`)

// expand fills a route path with every combination of its parameters'
// values, or reports the parameters it cannot fill.
func expand(path string, values map[string][]string) (paths []string, missing []string) {
	paths = []string{""}
	rest := path
	for {
		loc := paramPattern.FindStringSubmatchIndex(rest)
		if loc == nil {
			break
		}
		name := "*"
		if loc[2] >= 0 {
			name = rest[loc[2]:loc[3]]
		}
		vals, ok := values[name]
		if !ok {
			missing = append(missing, name)
			vals = []string{"x"}
		}
		var next []string
		for _, p := range paths {
			for _, v := range vals {
				next = append(next, p+rest[:loc[0]]+url.PathEscape(v))
			}
		}
		paths = next
		rest = rest[loc[1]:]
	}
	for i := range paths {
		paths[i] += rest
	}
	return paths, missing
}

// unfillable is the failure for a route whose parameter the walk cannot
// fill: it tells the developer what to do rather than skipping the route.
func unfillable(r *echo.Route, param string) string {
	return fmt.Sprintf("%s %s has the path parameter %q, which the visibility walk cannot fill: add it to paramValues in cmd/hearth/visibility_routes_test.go with the private objects (thread, post, poll, category…) it can name", r.Method, r.Path, param)
}

// A route added later with a parameter nobody taught the walk is reported,
// never walked with a guess or skipped.
func TestRouteWalkReportsUnknownParams(t *testing.T) {
	vals := map[string][]string{"id": {"7", "9"}, "slug": {"inner"}, "*": {""}}
	cases := []struct {
		path        string
		wantPaths   []string
		wantMissing []string
	}{
		{"/t/:id", []string{"/t/7", "/t/9"}, nil},
		{"/t/:id/:slug", []string{"/t/7/inner", "/t/9/inner"}, nil},
		{"/static/*", []string{"/static/"}, nil},
		{"/gizmos/:gizmo/parts/:id", []string{"/gizmos/x/parts/7", "/gizmos/x/parts/9"}, []string{"gizmo"}},
	}
	for _, c := range cases {
		paths, missing := expand(c.path, vals)
		if fmt.Sprint(paths) != fmt.Sprint(c.wantPaths) || fmt.Sprint(missing) != fmt.Sprint(c.wantMissing) {
			t.Errorf("expand(%s) = %v, missing %v; want %v, missing %v", c.path, paths, missing, c.wantPaths, c.wantMissing)
		}
	}
	msg := unfillable(&echo.Route{Method: "GET", Path: "/gizmos/:gizmo"}, "gizmo")
	if !strings.Contains(msg, "paramValues") || !strings.Contains(msg, `"gizmo"`) {
		t.Errorf("the failure does not tell the developer what to do: %s", msg)
	}
}

// readRoutes are the GET routes, each filled with every private value.
func (f *visFixture) readRoutes(t *testing.T) []string {
	t.Helper()
	vals := f.paramValues()
	seen := map[string]bool{}
	var out []string
	for _, r := range f.routes {
		if r.Method != http.MethodGet {
			continue
		}
		paths, missing := expand(r.Path, vals)
		for _, m := range missing {
			t.Error(unfillable(r, m))
		}
		for _, p := range paths {
			// Each page also gets the query parameters that name objects
			// (a reply's quote, a search), pointed at the private ones.
			for _, q := range []string{p, p + "?" + f.privateQuery()} {
				if !seen[q] {
					seen[q] = true
					out = append(out, q)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// privateQuery is a query string whose object-naming parameters point at
// the private objects and whose search words find them (words of their
// text that are not markers, so an echo of the query is no leak).
func (f *visFixture) privateQuery() string {
	reply := strconv.FormatInt(f.replyID, 10)
	return url.Values{"reply_to": {reply}, "quote": {reply}, "post": {reply}, "q": {"plan"},
		"thread": {strconv.FormatInt(f.threadID, 10)}, "poll": {strconv.FormatInt(f.pollID, 10)},
		"resource": {"acct:" + f.privSlug + "@forum.test"}, "category": {f.privSlug}}.Encode()
}

// accepts are the answers a route can give: a page, JSON, and the
// ActivityPub document fed.Negotiate routes to for /u, /c, /p and /t.
var accepts = []string{"text/html", "application/json", "application/activity+json"}

// walk GETs (and HEADs) every read route as v (nil: a visitor). For one who
// may not see the private category it reports every answer that carries a
// marker; for one who may, it returns the routes that showed one. Any 5xx
// is a failure too: a route that breaks on a private id hides nothing.
func (f *visFixture) walk(t *testing.T, v *visitor, paths []string, maySee bool) (shown []string) {
	t.Helper()
	who := "visitor"
	if v != nil {
		who = v.name
	}
	type ask struct{ method, path, accept string }
	var asks []ask
	for _, p := range paths {
		if v != nil && v.token != "" && !strings.HasPrefix(p, "/api/") {
			continue // tokens are for the API
		}
		for i, acc := range accepts {
			asks = append(asks, ask{http.MethodGet, p, acc})
			if i == 0 {
				// HEAD answers carry headers only (a Location, a Link).
				asks = append(asks, ask{http.MethodHead, p, acc})
			}
		}
	}
	// A few at a time: the handler serves concurrent requests anyway, and
	// on PostgreSQL the walk is bound by round trips.
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan ask)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range next {
				res := f.do(v, a.method, a.path, a.accept, "", "")
				if res.status >= 500 {
					t.Errorf("%s %s (Accept %s) as %s: status %d", a.method, a.path, a.accept, who, res.status)
				}
				m := leaked(res)
				switch {
				case len(m) > 0 && maySee:
					mu.Lock()
					shown = append(shown, a.method+" "+a.path)
					mu.Unlock()
				case len(m) > 0:
					t.Errorf("%s %s (Accept %s) as %s: status %d carries private %v", a.method, a.path, a.accept, who, res.status, m)
				}
			}
		}()
	}
	for _, a := range asks {
		next <- a
	}
	close(next)
	wg.Wait()
	return shown
}

// sessionRoutes end or change the member's own session and account; the
// write walk leaves them out so the re-walk still reads as that member.
var sessionRoutes = map[string]bool{
	"/logout": true, "/login": true, "/signup": true, "/login/appeal": true,
	"/settings": true, "/settings/email": true, "/settings/avatar": true, "/settings/tokens": true,
	"/api/v1/settings/email": true,
}

// writeAll sends every state-changing route, filled with the private ids, as
// the member: HTML routes by form with session and CSRF, API routes as JSON
// with the member's token. Every answer must keep the markers out, and a
// write that names a private object must be refused.
func (f *visFixture) writeAll(t *testing.T, member *visitor) {
	t.Helper()
	vals := f.paramValues()
	api := &visitor{name: "member (token)", cookies: map[string]string{}, token: f.memberToken}
	for _, r := range f.routes {
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		default:
			continue
		}
		if sessionRoutes[r.Path] {
			continue
		}
		paths, missing := expand(r.Path, vals)
		for _, m := range missing {
			t.Error(unfillable(r, m))
		}
		for _, p := range paths {
			var res answer
			if strings.HasPrefix(p, "/api/") {
				body, _ := json.Marshal(map[string]any{
					"level": "watching", "options": []int{0}, "body": "member reply", "title": "member title",
					"category": f.privSlug, "reason": "spam", "text": "member note", "post_id": f.replyID,
				})
				res = f.do(api, r.Method, p, "application/json", "application/json", string(body))
			} else {
				form := url.Values{"_csrf": {member.cookies["hearth_csrf"]}, "level": {"watching"}, "option": {"0"},
					"body": {"member reply"}, "title": {"member title"}, "category": {f.privSlug}, "reason": {"spam"},
					"text": {"member note"}, "post_id": {strconv.FormatInt(f.replyID, 10)}}
				res = f.do(member, r.Method, p, "text/html", "application/x-www-form-urlencoded", form.Encode())
			}
			if m := leaked(res); len(m) > 0 {
				t.Errorf("%s %s as member: status %d carries private %v", r.Method, p, res.status, m)
			}
			if res.status < 400 && strings.Contains(r.Path, ":") && !strings.Contains(r.Path, ":username") {
				t.Errorf("%s %s as member: status %d, want a refusal for a private object (if a parameter here names something else, teach paramValues)", r.Method, p, res.status)
			}
		}
	}
}

func TestEveryRouteKeepsPrivateCategoryPrivate(t *testing.T) {
	f := newVisFixture(t)
	ctx := context.Background()
	paths := f.readRoutes(t)
	if t.Failed() {
		t.FailNow()
	}

	// The fixture is real: the ambassador reads the markers on the thread
	// page, the poll and the revisions.
	amb := f.login(t, f.amb.Username)
	for _, c := range []struct{ path, mark string }{
		{"/t/" + strconv.FormatInt(f.threadID, 10), markTitle},
		{"/t/" + strconv.FormatInt(f.threadID, 10), markBody},
		{"/t/" + strconv.FormatInt(f.pollThreadID, 10), markPollOpt},
		{"/p/" + strconv.FormatInt(f.replyID, 10) + "/revisions", markRevision},
		{"/messages/" + strconv.FormatInt(f.convID, 10), markMessage},
	} {
		res := f.do(amb, http.MethodGet, c.path, "text/html", "", "")
		if !strings.Contains(strings.ToLower(res.body), c.mark) {
			t.Fatalf("ambassador GET %s: status %d without %q: the fixture does not hold the private content", c.path, res.status, c.mark)
		}
	}

	t.Run("ambassador", func(t *testing.T) {
		shown := f.walk(t, amb, paths, true)
		if len(shown) < 10 {
			t.Errorf("the ambassador saw private text on only %d answers (%v): the walk is not reaching the private objects", len(shown), shown)
		}
	})
	t.Run("visitor", func(t *testing.T) { f.walk(t, nil, paths, false) })
	member := f.login(t, f.member.Username)
	t.Run("member", func(t *testing.T) {
		f.walk(t, member, paths, false)
		f.walk(t, &visitor{name: "member (token)", cookies: map[string]string{}, token: f.memberToken}, paths, false)
	})
	t.Run("member writes", func(t *testing.T) {
		f.writeAll(t, member)
		if res := f.do(member, http.MethodGet, "/api/v1/me", "application/json", "", ""); !strings.Contains(res.body, f.member.Username) {
			t.Fatalf("the write walk ended the member's session (status %d): leave the route that did it out in sessionRoutes", res.status)
		}
		// What the writes may have subscribed the member to: a new reply
		// and mention, and a new thread in the private category.
		if _, err := f.svc.Reply(ctx, f.amb, f.threadID, forum.NewReply{Body: "Later " + markLater + " @memo"}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.CreateThread(ctx, f.amb, forum.NewThread{Category: f.privSlug, Title: "More " + markLater, Body: "New " + markLater}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.QueueWeeklyDigest(ctx); err != nil {
			t.Fatal(err)
		}
		f.walk(t, member, paths, false)
		f.walk(t, &visitor{name: "member (token)", cookies: map[string]string{}, token: f.memberToken}, paths, false)
		f.walk(t, nil, paths, false)
	})
	t.Run("member notifications and mail", func(t *testing.T) {
		var mails []models.Mail
		if err := f.svc.Store().DB(ctx).Where("user_id = ?", f.member.ID).Find(&mails).Error; err != nil {
			t.Fatal(err)
		}
		for _, m := range mails {
			if l := leaked(answer{body: m.Subject + m.Text + m.HTML}); len(l) > 0 {
				t.Errorf("mail %d (%s) to the member carries private %v", m.ID, m.Kind, l)
			}
		}
		var notes []models.Notification
		if err := f.svc.Store().DB(ctx).Where("user_id = ?", f.member.ID).Find(&notes).Error; err != nil {
			t.Fatal(err)
		}
		private := map[int64]bool{f.threadID: true, f.pollThreadID: true}
		for _, n := range notes {
			if private[n.ThreadID] {
				t.Errorf("notification %d (%s) for the member is about a private thread", n.ID, n.Kind)
			}
		}
		// Mail does flow: the ambassador, mentioned by the member in the
		// public thread, got theirs, so the member's empty box is a refusal.
		var ambMails int64
		if err := f.svc.Store().DB(ctx).Model(&models.Mail{}).Where("user_id = ?", f.amb.ID).Count(&ambMails).Error; err != nil {
			t.Fatal(err)
		}
		if ambMails == 0 {
			t.Errorf("the ambassador got no mail at all: the mail path the member check relies on is not exercised")
		}
	})
}
