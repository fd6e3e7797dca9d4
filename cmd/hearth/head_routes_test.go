package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
)

// routeParam matches a path parameter (:id) or the trailing wildcard.
var routeParam = regexp.MustCompile(`:[a-zA-Z_]+|\*$`)

// TestHeadAnswersLikeGet walks every GET route of the whole process (server
// and federation, as buildApp wires them) as a visitor and as the
// administrator, and checks HEAD answers with GET's status and headers and
// no body. Parameters are filled from a small fixture; where an id does not
// fit a route the answer is a 404, which is fine as long as HEAD agrees.
func TestHeadAnswersLikeGet(t *testing.T) {
	ctx := context.Background()
	cfg := config.Defaults()
	cfg.URL = "http://forum.test"
	cfg.DataDir = t.TempDir()
	cfg.DB = modelstest.DSN(t)
	cfg.MetricsToken = "head-test-metrics-token-0123456789"
	if err := cfg.Normalize(); err != nil {
		t.Fatal(err)
	}
	a, err := buildApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.svc.Store().Close()
	a.svc.BcryptCost = 4

	admin, err := a.svc.CreateUser(ctx, forum.SignUpInput{Username: "alice", Email: "alice@example.com", Password: "password123"}, models.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := a.svc.CreateCategory(ctx, admin, forum.CategoryInput{Name: "General", Slug: "general"})
	if err != nil {
		t.Fatal(err)
	}
	th, post, err := a.svc.CreateThread(ctx, admin, forum.NewThread{Category: cat.Slug, Title: "Heads up", Body: "A body to count.", Tags: []string{"news"}})
	if err != nil {
		t.Fatal(err)
	}
	fill := map[string]string{
		":id": strconv.FormatInt(th.ID, 10), ":slug": cat.Slug, ":username": admin.Username, ":name": admin.Username,
		":tag": "news", ":post": strconv.FormatInt(post.ID, 10), "*": "app.css",
	}

	hs := httptest.NewServer(a.srv.Handler())
	defer hs.Close()
	visitor := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	member := loggedIn(t, hs.URL, "alice", "password123")

	var paths []string
	seen := map[string]bool{}
	for _, r := range a.srv.Echo().Routes() {
		if r.Method != http.MethodGet {
			continue
		}
		p := routeParam.ReplaceAllStringFunc(r.Path, func(m string) string {
			if v, ok := fill[m]; ok {
				return v
			}
			return strconv.FormatInt(th.ID, 10)
		})
		if !seen[p] {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	if len(paths) < 50 {
		t.Fatalf("only %d GET routes: the walk is not seeing the process's route table", len(paths))
	}
	for _, who := range []struct {
		name   string
		client *http.Client
	}{{"visitor", visitor}, {"admin", member}} {
		for _, p := range paths {
			for _, accept := range []string{"text/html", "application/activity+json"} {
				get := send(t, who.client, http.MethodGet, hs.URL+p, accept)
				head := send(t, who.client, http.MethodHead, hs.URL+p, accept)
				where := fmt.Sprintf("%s %s (Accept %s)", who.name, p, accept)
				if head.status != get.status {
					t.Errorf("%s: HEAD %d, GET %d", where, head.status, get.status)
					continue
				}
				if head.bodyLen != 0 {
					t.Errorf("%s: HEAD sent a %d-byte body", where, head.bodyLen)
				}
				for _, h := range []string{"Content-Type", "Location", "Cache-Control", "Vary", "Allow", "Retry-After", "ETag", "Last-Modified"} {
					if g, hd := get.header.Values(h), head.header.Values(h); strings.Join(g, ",") != strings.Join(hd, ",") {
						t.Errorf("%s: %s is %q on GET, %q on HEAD", where, h, g, hd)
					}
				}
				if get.bodyLen > 0 && head.header.Get("Content-Length") != strconv.Itoa(get.bodyLen) && !get.variable {
					t.Errorf("%s: HEAD Content-Length %q, GET body %d bytes", where, head.header.Get("Content-Length"), get.bodyLen)
				}
			}
		}
	}
}

type headAnswer struct {
	status   int
	header   http.Header
	bodyLen  int
	variable bool // the body carries per-request values (a fresh CSRF token), so its length may differ
}

func send(t *testing.T, client *http.Client, method, u, accept string) headAnswer {
	t.Helper()
	req, _ := http.NewRequest(method, u, nil)
	req.Header.Set("Accept", accept)
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return headAnswer{status: res.StatusCode, header: res.Header, bodyLen: len(body), variable: strings.Contains(string(body), "_csrf")}
}

// loggedIn logs in through the form, as a browser does.
func loggedIn(t *testing.T, base, username, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	u, _ := url.Parse(base)
	token := ""
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "hearth_csrf" {
			token = ck.Value
		}
	}
	res, err = c.PostForm(base+"/login", url.Values{"login": {username}, "password": {password}, "_csrf": {token}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d", username, res.StatusCode)
	}
	return c
}
