package server_test

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// cannotSave is the notice a member sees above the text they typed.
const cannotSave = "The forum cannot save right now; your text is below, try again in a moment."

// writeForm is one HTML form a member types text into.
type writeForm struct {
	name, path string
	form       url.Values
	typed      []string // what must come back on the page
}

// faultScene is a member with a session, a thread, its first post and an
// API token, on a server whose database the test then breaks.
type faultScene struct {
	fs       *faultServer
	b        *browser
	threadID int64
	postID   int64
	token    string
}

func newFaultScene(t *testing.T, sqliteOnly bool) *faultScene {
	t.Helper()
	fs := newFaultServer(t, sqliteOnly)
	b := fs.browser()
	b.signup("alice")
	alice, err := fs.Store.UserByUsername(fs.Ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	fs.Category("general")
	th, p := fs.Thread(alice, "general", "Fault tolerance", "The first post of the thread.")
	tok, err := fs.Svc.CreateToken(fs.Ctx, alice.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return &faultScene{fs: fs, b: b, threadID: th.ID, postID: p.ID, token: tok}
}

func (sc *faultScene) forms(long string) []writeForm {
	reply := "My careful reply,\nwritten over two lines. " + long
	return []writeForm{
		{"reply", fmt.Sprintf("/t/%d/reply", sc.threadID), url.Values{"body": {reply}}, []string{reply}},
		{"new thread", "/c/general/new", url.Values{"title": {"A title I typed"}, "body": {"A body I typed. " + long}},
			[]string{"A title I typed", "A body I typed. " + long}},
		{"edit", fmt.Sprintf("/p/%d/edit", sc.postID), url.Values{"body": {"An edit I typed. " + long}}, []string{"An edit I typed. " + long}},
		{"settings", "/settings", url.Values{"bio": {"A bio I typed."}}, []string{"A bio I typed."}},
	}
}

// checkKeptText: a 503 with Retry-After, the notice, every typed value in
// a form that posts back to the same URL with the member's CSRF token.
func checkKeptText(t *testing.T, b *browser, f writeForm, r *response) {
	t.Helper()
	if r.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("%s: %d, want 503\n%s", f.name, r.StatusCode, r.Body)
	}
	if got := r.Header.Get("Retry-After"); got != "5" {
		t.Errorf("%s: Retry-After %q, want 5", f.name, got)
	}
	if !strings.Contains(r.Body, html.EscapeString(cannotSave)) {
		t.Errorf("%s: the page does not say the forum cannot save:\n%s", f.name, r.Body)
	}
	for _, typed := range f.typed {
		if !strings.Contains(r.Body, html.EscapeString(typed)) {
			t.Errorf("%s: the page lost the typed text %q:\n%s", f.name, typed, r.Body)
		}
	}
	if !strings.Contains(r.Body, `action="`+f.path+`"`) || !strings.Contains(r.Body, `name="_csrf" value="`+b.csrf()+`"`) {
		t.Errorf("%s: the page has no form posting back to %s with the CSRF token:\n%s", f.name, f.path, r.Body)
	}
}

// apiUnavailable sends one API call and checks the 503 JSON answer.
func apiUnavailable(t *testing.T, base, method, path, token, body string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, base+path, rd)
	req.Header.Set("Accept", "application/json")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	raw, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: %d, not JSON: %s", method, path, res.StatusCode, raw)
	}
	if res.StatusCode != http.StatusServiceUnavailable || out.Error.Code != "unavailable" || res.Header.Get("Retry-After") != "5" {
		t.Errorf("%s %s: %d %s, Retry-After %q; want 503 unavailable, Retry-After 5", method, path, res.StatusCode, raw, res.Header.Get("Retry-After"))
	}
}

// TestUnreachableDatabaseAnswers503: with the database gone (a SQLite
// database closed under the store; on PostgreSQL every connection cut and
// new ones refused), reads and writes answer 503 with Retry-After, not
// 500, and an HTML form comes back holding what the member typed.
func TestUnreachableDatabaseAnswers503(t *testing.T) {
	sc := newFaultScene(t, false)
	sc.fs.cut(t)
	for _, f := range sc.forms("") {
		t.Run(f.name, func(t *testing.T) {
			checkKeptText(t, sc.b, f, sc.b.post(f.path, f.form))
		})
	}
	t.Run("login never echoes the password", func(t *testing.T) {
		r := sc.b.post("/login", url.Values{"login": {"alice"}, "password": {"hunter2-typed-secret"}})
		checkKeptText(t, sc.b, writeForm{name: "login", path: "/login", typed: []string{"alice"}}, r)
		if strings.Contains(r.Body, "hunter2-typed-secret") {
			t.Errorf("the retry form shows the password:\n%s", r.Body)
		}
		if !strings.Contains(r.Body, `type="password"`) {
			t.Errorf("the retry form has no password box to type it again:\n%s", r.Body)
		}
	})
	t.Run("reads", func(t *testing.T) {
		for _, path := range []string{fmt.Sprintf("/t/%d", sc.threadID), "/settings"} {
			if r := sc.b.get(path); r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") != "5" {
				t.Errorf("GET %s: %d, Retry-After %q; want 503, 5", path, r.StatusCode, r.Header.Get("Retry-After"))
			}
		}
	})
	t.Run("api", func(t *testing.T) {
		apiUnavailable(t, sc.fs.URL, http.MethodPost, fmt.Sprintf("/api/v1/threads/%d/posts", sc.threadID), sc.token, `{"body":"An API reply."}`)
		apiUnavailable(t, sc.fs.URL, http.MethodPost, "/api/v1/threads", sc.token, `{"category":"general","title":"Via API","body":"An API thread."}`)
		apiUnavailable(t, sc.fs.URL, http.MethodGet, fmt.Sprintf("/api/v1/threads/%d", sc.threadID), sc.token, "")
		apiUnavailable(t, sc.fs.URL, http.MethodGet, fmt.Sprintf("/api/v1/posts/%d", sc.postID), "", "")
	})
	t.Run("healthz", func(t *testing.T) {
		if r := sc.b.get("/healthz"); r.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("/healthz: %d, want 503", r.StatusCode)
		}
	})
}

// TestFullDatabaseAnswers503: a SQLite database that cannot grow
// ("database or disk is full") answers writes 503, keeps the typed text,
// and takes the same form once it has room again.
func TestFullDatabaseAnswers503(t *testing.T) {
	sc := newFaultScene(t, true)
	// A post longer than a page needs fresh pages, as any growth would.
	long := strings.Repeat("Words that need room on the disk. ", 200)
	sc.fs.fill(t)
	for _, f := range sc.forms(long)[:3] {
		t.Run(f.name, func(t *testing.T) {
			checkKeptText(t, sc.b, f, sc.b.post(f.path, f.form))
		})
	}
	apiUnavailable(t, sc.fs.URL, http.MethodPost, fmt.Sprintf("/api/v1/threads/%d/posts", sc.threadID), sc.token,
		`{"body":"`+long+`"}`)

	sc.fs.unfill(t)
	reply := sc.forms(long)[0]
	if r := sc.b.post(reply.path, reply.form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("the same reply once the database has room: %d\n%s", r.StatusCode, r.Body)
	}
	var n int64
	if err := sc.fs.Store.DB(sc.fs.Ctx).Model(&models.Post{}).Where("thread_id = ?", sc.threadID).Count(&n).Error; err != nil || n != 2 {
		t.Fatalf("posts in the thread after the retry: %d (%v), want 2", n, err)
	}
}
