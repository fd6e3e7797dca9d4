package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models/modelstest"
	"github.com/hearth/hearth/server"
)

// accountBench is a forum with two members at the production bcrypt cost:
// "plain" logs in with a password, "guarded" with a password and a TOTP
// code. The clock moves one TOTP step per login, as a code is never
// accepted twice.
type accountBench struct {
	h       http.Handler
	svc     *forum.Service
	now     time.Time
	secret  string
	session string // guarded's session, for the settings and profile pages
}

func newAccountBench(b *testing.B) *accountBench {
	b.Helper()
	cfg := config.Defaults()
	cfg.URL = "http://forum.test"
	cfg.DataDir = b.TempDir()
	if err := cfg.Normalize(); err != nil {
		b.Fatal(err)
	}
	svc := forum.New(modelstest.Open(b), cfg) // production BcryptCost
	ab := &accountBench{svc: svc, now: svc.Now().Truncate(30 * time.Second)}
	svc.SetClock(func() time.Time { return ab.now })
	ctx := context.Background()
	if _, err := svc.Seed(ctx, forum.SeedOptions{Users: 20, Threads: 20, PostsPerThread: 5}); err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"plain", "guarded"} {
		if _, err := svc.CreateUser(ctx, forum.SignUpInput{Username: name, Email: name + "@example.com", Password: "a long bench password"}, "member"); err != nil {
			b.Fatal(err)
		}
	}
	guarded, err := svc.Store().UserByUsername(ctx, "guarded")
	if err != nil {
		b.Fatal(err)
	}
	en, err := svc.StartTwoFactor(ctx, guarded)
	if err != nil {
		b.Fatal(err)
	}
	ab.secret = en.Secret
	if _, err := svc.EnableTwoFactor(ctx, guarded, ab.code(b), "127.0.0.1"); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 3; i++ { // a few signed-in devices for the sessions list
		if ab.session, err = svc.StartSession(ctx, guarded.ID, "127.0.0.1", "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"); err != nil {
			b.Fatal(err)
		}
	}
	s, err := server.New(cfg, svc, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	ab.h = s.Handler()
	return ab
}

func (ab *accountBench) code(b *testing.B) string {
	ab.now = ab.now.Add(30 * time.Second)
	c, err := forum.TOTPCode(ab.secret, ab.now)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// post sends a form as an anonymous browser with a double-submit CSRF
// token and the given extra cookies; it wants a 303.
func (ab *accountBench) post(b *testing.B, path string, form url.Values, cookies ...*http.Cookie) *http.Response {
	const token = "0123456789abcdef0123456789abcdef"
	form.Set("_csrf", token)
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "hearth_csrf", Value: token})
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	ab.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		b.Fatalf("POST %s: %d %s", path, rec.Code, rec.Body.String())
	}
	return rec.Result()
}

func cookieNamed(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// BenchmarkLogin: a whole login through the forms, password alone against
// password then TOTP code (issue 12: the second factor must cost no more
// than the login it guards). Both pay bcrypt at the production cost once.
//
//	go test ./server -run '^$' -bench Login -benchtime 30x
func BenchmarkLogin(b *testing.B) {
	ab := newAccountBench(b)
	b.Run("password", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			res := ab.post(b, "/login", url.Values{"login": {"plain"}, "password": {"a long bench password"}, "next": {"/"}})
			if cookieNamed(res, "hearth_session") == nil {
				b.Fatal("no session after the password")
			}
		}
	})
	b.Run("password+totp", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			res := ab.post(b, "/login", url.Values{"login": {"guarded"}, "password": {"a long bench password"}, "next": {"/"}})
			pending := cookieNamed(res, "hearth_login2")
			if pending == nil {
				b.Fatal("no pending login after the password")
			}
			res = ab.post(b, "/login/2fa", url.Values{"code": {ab.code(b)}, "next": {"/"}}, pending)
			if cookieNamed(res, "hearth_session") == nil {
				b.Fatal("no session after the code")
			}
		}
	})
}

// BenchmarkAccountPages: the settings page (with the password, address,
// two-factor, sessions and leaving sections) against the member's profile
// page, both for a signed-in member with two-factor on.
//
//	go test ./server -run '^$' -bench AccountPages -benchtime 2000x
func BenchmarkAccountPages(b *testing.B) {
	ab := newAccountBench(b)
	b.Run("profile", func(b *testing.B) { benchGet(b, ab.h, "/u/guarded", ab.session) })
	b.Run("settings", func(b *testing.B) { benchGet(b, ab.h, "/settings", ab.session) })
}
