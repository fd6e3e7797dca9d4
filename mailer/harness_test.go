package mailer_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/mailer"
	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
	"github.com/hearth/hearth/server"
)

// received is one message the test SMTP server accepted.
type received struct {
	From string
	To   []string
	Data []byte
}

// smtpd is a real SMTP server (emersion/go-smtp) in the test process. It
// refuses the next refuse messages with refuseCode before accepting.
type smtpd struct {
	mu         sync.Mutex
	msgs       []received
	refuse     int
	refuseCode int
	addr       string
}

func startSMTP(t testing.TB) *smtpd {
	t.Helper()
	d := &smtpd{refuseCode: 451}
	s := smtp.NewServer(d)
	s.Domain = "localhost"
	s.AllowInsecureAuth = true
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d.addr = ln.Addr().String()
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Close() })
	return d
}

// refuseNext makes the server refuse the next n messages with code.
func (d *smtpd) refuseNext(n, code int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.refuse, d.refuseCode = n, code
}

func (d *smtpd) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{d: d}, nil }

func (d *smtpd) messages() []received {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]received(nil), d.msgs...)
}

type session struct {
	d    *smtpd
	from string
	to   []string
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	if s.d.refuse > 0 {
		s.d.refuse--
		enh := smtp.EnhancedCode{4, 3, 0}
		if s.d.refuseCode >= 500 {
			enh = smtp.EnhancedCode{5, 7, 1}
		}
		return &smtp.SMTPError{Code: s.d.refuseCode, EnhancedCode: enh, Message: "not now"}
	}
	s.d.msgs = append(s.d.msgs, received{From: s.from, To: s.to, Data: b})
	return nil
}

// clock is the service's settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is a Hearth web server and a mail worker on one test database, with
// every link pointing at the web server and mail going to smtpd.
type env struct {
	t      testing.TB
	ctx    context.Context
	svc    *forum.Service
	store  *models.Store
	url    string
	smtp   *smtpd
	worker *mailer.Worker
	clock  *clock
	log    *bytes.Buffer
}

func newEnv(t testing.TB) *env {
	t.Helper()
	d := startSMTP(t)
	var h http.Handler
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(hs.Close)
	cfg := config.Defaults()
	cfg.URL = hs.URL
	cfg.DataDir = t.TempDir()
	cfg.SMTPURL = "smtp://" + d.addr + "?from=forum@forum.test"
	if err := cfg.Normalize(); err != nil {
		t.Fatal(err)
	}
	store := modelstest.Open(t)
	svc := forum.New(store, cfg)
	svc.BcryptCost = 4
	clk := &clock{now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	svc.SetClock(clk.Now)
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&syncWriter{w: &buf}, nil))
	srv, err := server.New(cfg, svc, log, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	h = srv.Handler()
	w, err := mailer.New(svc, log)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, ctx: context.Background(), svc: svc, store: store, url: hs.URL, smtp: d, worker: w, clock: clk, log: &buf}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (e *env) user(name string) *models.User { return e.userWithRole(name, models.RoleMember) }

func (e *env) userWithRole(name, role string) *models.User {
	e.t.Helper()
	u, err := e.svc.CreateUser(e.ctx, forum.SignUpInput{Username: name, Email: name + "@example.com", Password: "password123"}, role)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *env) category(slug string) {
	e.t.Helper()
	admin := e.userWithRole("catadmin"+slug, models.RoleAdmin)
	if _, err := e.svc.CreateCategory(e.ctx, admin, forum.CategoryInput{Name: slug, Slug: slug}); err != nil {
		e.t.Fatal(err)
	}
}

// drain runs the worker until nothing is due.
func (e *env) drain() int {
	e.t.Helper()
	total := 0
	for {
		n, err := e.worker.Step(e.ctx)
		if err != nil {
			e.t.Fatal(err)
		}
		if n == 0 {
			return total
		}
		total += n
	}
}

// queue puts n mails for u straight into the queue.
func (e *env) queue(u *models.User, n int, prefix string) {
	e.t.Helper()
	now := e.svc.Now()
	rows := make([]models.Mail, n)
	for i := range rows {
		rows[i] = models.Mail{UserID: u.ID, Kind: models.MailNotification, ToAddr: u.Email, Subject: "Test " + strconv.Itoa(i),
			Text: "Body " + strconv.Itoa(i), HTML: "<p>Body</p>", ListScope: models.ScopeNotifications,
			DedupeKey: prefix + strconv.Itoa(i), State: models.QueuePending, NextAttemptAt: now, CreatedAt: now, UpdatedAt: now}
	}
	for len(rows) > 0 {
		k := min(len(rows), 500)
		if _, err := e.store.QueueMails(e.ctx, rows[:k]); err != nil {
			e.t.Fatal(err)
		}
		rows = rows[k:]
	}
}
