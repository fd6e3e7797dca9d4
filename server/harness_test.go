package server_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/server"
)

// testServer is the real router on a real test database.
type testServer struct {
	*forumtest.Env
	URL string
	srv *httptest.Server
}

func newTestServer(t *testing.T) *testServer { return newTestServerWith(t, nil) }

// newTestServerWith lets a test change the configuration the server sees.
func newTestServerWith(t *testing.T, change func(*config.Config)) *testServer {
	t.Helper()
	env := forumtest.New(t)
	if change != nil {
		change(&env.Cfg)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := server.New(env.Cfg, env.Svc, log, prometheus.NewRegistry())
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return &testServer{Env: env, URL: hs.URL, srv: hs}
}

// browser is a cookie-keeping client that does not follow redirects, so
// tests can check where a form sends the user.
type browser struct {
	t      *testing.T
	ts     *testServer
	client *http.Client
}

func (ts *testServer) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: ts.T.(*testing.T), ts: ts, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

type response struct {
	*http.Response
	Body string
}

func (b *browser) do(req *http.Request) *response {
	b.t.Helper()
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "text/html")
	}
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return &response{Response: res, Body: string(body)}
}

func (b *browser) get(path string) *response {
	req, _ := http.NewRequest(http.MethodGet, b.ts.URL+path, nil)
	return b.do(req)
}

// csrf returns the token a page would have put in its forms.
func (b *browser) csrf() string {
	u, _ := url.Parse(b.ts.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "hearth_csrf" {
			return c.Value
		}
	}
	b.get("/")
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "hearth_csrf" {
			return c.Value
		}
	}
	b.t.Fatal("no CSRF cookie")
	return ""
}

// post submits a form with the CSRF token.
func (b *browser) post(path string, form url.Values) *response {
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" {
		form.Set("_csrf", b.csrf())
	}
	return b.postRaw(path, form)
}

func (b *browser) postRaw(path string, form url.Values) *response {
	req, _ := http.NewRequest(http.MethodPost, b.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// signup creates an account through the form and stays logged in. The
// member is then let out of the sandbox, as an established member would
// be, so tests about other features see their posts at once; tests of the
// sandbox use signupSandboxed.
func (b *browser) signup(name string) {
	b.t.Helper()
	b.signupSandboxed(name)
	u, err := b.ts.Store.UserByUsername(b.ts.Ctx, name)
	if err != nil {
		b.t.Fatal(err)
	}
	if err := b.ts.Svc.SetSandboxed(b.ts.Ctx, u.ID, false); err != nil {
		b.t.Fatal(err)
	}
}

// signupPassword is the password of members made through the sign-up
// form (fixtures made by ts.User have "password123", which the form
// refuses as too common).
const signupPassword = "correct horse"

// signupSandboxed creates an account through the form as a newcomer does:
// in the sandbox (unless it is the first account, the administrator).
func (b *browser) signupSandboxed(name string) {
	b.t.Helper()
	res := b.post("/signup", url.Values{"username": {name}, "email": {name + "@example.com"}, "password": {signupPassword}})
	if res.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("signup %s: %d %s", name, res.StatusCode, res.Body)
	}
}

// api calls the JSON API with a bearer token.
func (ts *testServer) api(t *testing.T, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, ts.URL+path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := map[string]any{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: not JSON (%d): %s", method, path, res.StatusCode, raw)
		}
	}
	return res.StatusCode, out
}

func (ts *testServer) token(t *testing.T, username, role string) string {
	t.Helper()
	u := ts.User(username, role)
	tok, err := ts.Svc.CreateToken(ts.Ctx, u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
