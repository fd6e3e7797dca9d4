package mailer_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/mailer"
	"github.com/hearth/hearth/models"
)

// parsed is a received message with its MIME parts decoded.
type parsed struct {
	Header mail.Header
	Text   string
	HTML   string
}

func parse(t *testing.T, raw []byte) parsed {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("not a mail message: %v\n%s", err, raw)
	}
	out := parsed{Header: m.Header}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		t.Fatalf("content type %q: %v", m.Header.Get("Content-Type"), err)
	}
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := r.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			out.HTML = string(b)
		} else {
			out.Text = string(b)
		}
	}
	return out
}

func (e *env) settings(u *models.User) *models.MailSetting {
	e.t.Helper()
	m, err := e.svc.MailSettings(e.ctx, u)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

func post(t *testing.T, target string) (int, string) {
	t.Helper()
	// What a mail client's one-click button sends (RFC 8058): no cookie,
	// no CSRF token, just this body.
	res, err := http.Post(target, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestMailOverSMTPThenOneClickUnsubscribe(t *testing.T) {
	e := newEnv(t)
	e.category("general")
	alice := e.user("alice")
	bob := e.user("bob")
	if err := e.svc.SaveMailSettings(e.ctx, bob, true, true); err != nil {
		t.Fatal(err)
	}
	th, _, err := e.svc.CreateThread(e.ctx, alice, forum.NewThread{Category: "general", Title: "Kettle descaling", Body: "How often?"})
	if err != nil {
		t.Fatal(err)
	}
	bobs, err := e.svc.Reply(e.ctx, bob, th.ID, forum.NewReply{Body: "Monthly, with citric acid."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Reply(e.ctx, alice, th.ID, forum.NewReply{Body: "Thanks, & which brand?", ReplyTo: bobs.ID}); err != nil {
		t.Fatal(err)
	}
	if len(e.smtp.messages()) != 0 {
		t.Fatal("mail went out inside the request")
	}
	if n := e.drain(); n != 1 {
		t.Fatalf("worker sent %d mails, want 1", n)
	}
	msgs := e.smtp.messages()
	if len(msgs) != 1 || msgs[0].From != "forum@forum.test" || len(msgs[0].To) != 1 || msgs[0].To[0] != "bob@example.com" {
		t.Fatalf("envelope: %+v", msgs)
	}
	m := parse(t, msgs[0].Data)
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if !strings.Contains(subject, `alice replied in "Kettle descaling"`) {
		t.Errorf("subject %q", subject)
	}
	lu := m.Header.Get("List-Unsubscribe")
	if !strings.HasPrefix(lu, "<"+e.url+"/unsubscribe/") || !strings.HasSuffix(lu, ">") {
		t.Fatalf("List-Unsubscribe %q", lu)
	}
	if got := m.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post %q", got)
	}
	link := strings.Trim(lu, "<>")
	if !strings.Contains(m.Text, "Thanks, & which brand?") || !strings.Contains(m.Text, link) ||
		!strings.Contains(m.Text, e.url+"/p/") {
		t.Errorf("text part:\n%s", m.Text)
	}
	if !strings.Contains(m.HTML, "Thanks, &amp; which brand?") || !strings.Contains(m.HTML, `href="`+link+`"`) {
		t.Errorf("html part:\n%s", m.HTML)
	}
	rows, _ := e.store.MailsTo(e.ctx, bob.ID)
	if len(rows) != 1 || rows[0].State != models.QueueDone || rows[0].SentAt == nil {
		t.Errorf("queue row after sending: %+v", rows)
	}

	// GET only asks: link scanners must not unsubscribe anyone.
	res, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(page), "Stop getting email notifications") ||
		!e.settings(bob).EmailNotifications {
		t.Fatalf("GET %s: %d\n%s", link, res.StatusCode, page)
	}

	// A forged or tampered token is refused and changes nothing.
	u, _ := url.Parse(link)
	tok := strings.TrimPrefix(u.Path, "/unsubscribe/")
	enc, sig, _ := strings.Cut(tok, ".")
	flipped := "A"
	if strings.HasPrefix(sig, "A") {
		flipped = "B"
	}
	for _, bad := range []string{enc + "." + flipped + sig[1:], "MS4xLmRpZ2VzdA." + sig, "nonsense"} {
		code, body := post(t, e.url+"/unsubscribe/"+bad)
		if code != http.StatusBadRequest || !strings.Contains(body, "not valid") {
			t.Errorf("forged token %q: %d\n%s", bad, code, body)
		}
	}
	if s := e.settings(bob); !s.EmailNotifications || !s.EmailDigest {
		t.Fatalf("a forged token changed settings: %+v", s)
	}

	// The one-click POST works without login or CSRF; again, harmlessly.
	for range 2 {
		code, body := post(t, link)
		if code != http.StatusOK || !strings.Contains(body, "You are unsubscribed from email notifications") {
			t.Fatalf("one-click POST: %d\n%s", code, body)
		}
		if s := e.settings(bob); s.EmailNotifications || !s.EmailDigest {
			t.Fatalf("after unsubscribe: %+v (the digest is another list)", s)
		}
	}
	// And no more mail: the next reply stays in the site.
	if _, err := e.svc.Reply(e.ctx, alice, th.ID, forum.NewReply{Body: "Anyone?", ReplyTo: bobs.ID}); err != nil {
		t.Fatal(err)
	}
	if n := e.drain(); n != 0 || len(e.smtp.messages()) != 1 {
		t.Errorf("mail after unsubscribing: %d", n)
	}
}

func TestMailRetriedAfterTemporaryRefusal(t *testing.T) {
	e := newEnv(t)
	bob := e.user("bob")
	e.smtp.refuseNext(1, 451) // try again later
	e.queue(bob, 1, "retry")
	if n := e.drain(); n != 1 {
		t.Fatalf("claimed %d", n)
	}
	rows, _ := e.store.MailsTo(e.ctx, bob.ID)
	r := rows[0]
	if len(e.smtp.messages()) != 0 || r.State != models.QueuePending || r.Attempts != 1 ||
		!r.NextAttemptAt.After(e.svc.Now()) || !strings.Contains(r.LastError, "451") {
		t.Fatalf("after refusal: %+v", r)
	}
	// Not before the backoff has passed…
	if n := e.drain(); n != 0 {
		t.Fatalf("retried %d before its time", n)
	}
	e.clock.add(10 * time.Minute)
	if n := e.drain(); n != 1 {
		t.Fatalf("retry claimed %d", n)
	}
	rows, _ = e.store.MailsTo(e.ctx, bob.ID)
	if len(e.smtp.messages()) != 1 || rows[0].State != models.QueueDone || rows[0].Attempts != 2 {
		t.Fatalf("after retry: %+v, %d received", rows[0], len(e.smtp.messages()))
	}
}

func TestMailPermanentRefusalNotRetried(t *testing.T) {
	e := newEnv(t)
	bob := e.user("bob")
	e.smtp.refuseNext(1, 550)
	e.queue(bob, 1, "perm")
	e.drain()
	e.clock.add(24 * time.Hour)
	e.drain()
	rows, _ := e.store.MailsTo(e.ctx, bob.ID)
	if rows[0].State != models.QueueFailed || rows[0].Attempts != 1 || len(e.smtp.messages()) != 0 {
		t.Fatalf("after 550: %+v", rows[0])
	}
}

func TestDigestOverSMTPUnsubscribesFromDigestOnly(t *testing.T) {
	e := newEnv(t)
	e.category("general")
	alice := e.user("alice")
	bob := e.user("bob")
	if err := e.svc.SaveMailSettings(e.ctx, alice, true, true); err != nil {
		t.Fatal(err)
	}
	th, _, err := e.svc.CreateThread(e.ctx, alice, forum.NewThread{Category: "general", Title: "Weekly favourite", Body: "Hi"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Reply(e.ctx, bob, th.ID, forum.NewReply{Body: "Hello"}); err != nil {
		t.Fatal(err)
	}
	e.worker.Jobs(e.ctx) // queues the week's digest
	e.worker.Jobs(e.ctx) // and only once
	e.drain()
	var digest *parsed
	for _, r := range e.smtp.messages() {
		m := parse(t, r.Data)
		if s, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); strings.Contains(s, "top threads") {
			if digest != nil {
				t.Fatal("two digests in one week")
			}
			digest = &m
		}
	}
	if digest == nil || !strings.Contains(digest.Text, "Weekly favourite") || !strings.Contains(digest.Text, "1 reply") {
		t.Fatalf("digest: %+v", digest)
	}
	if code, _ := post(t, strings.Trim(digest.Header.Get("List-Unsubscribe"), "<>")); code != http.StatusOK {
		t.Fatalf("unsubscribe: %d", code)
	}
	if s := e.settings(alice); s.EmailDigest || !s.EmailNotifications {
		t.Errorf("digest link turned off the wrong list: %+v", s)
	}
}

func TestNoSMTPURLLogsMail(t *testing.T) {
	e := newEnv(t)
	bob := e.user("bob")
	cfg := e.svc.Config()
	cfg.SMTPURL = ""
	svc := forum.New(e.store, cfg)
	svc.SetClock(e.clock.Now)
	var buf bytes.Buffer
	w, err := mailer.New(svc, slog.New(slog.NewTextHandler(&buf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	e.queue(bob, 1, "log")
	if n, err := w.Step(e.ctx); err != nil || n != 1 {
		t.Fatalf("step: %d %v", n, err)
	}
	out := buf.String()
	if !strings.Contains(out, "bob@example.com") || !strings.Contains(out, "Test 0") || !strings.Contains(out, "no --smtp-url") {
		t.Errorf("log:\n%s", out)
	}
	if len(e.smtp.messages()) != 0 {
		t.Error("sent although no SMTP URL is set")
	}
	rows, _ := e.store.MailsTo(e.ctx, bob.ID)
	if rows[0].State != models.QueueDone {
		t.Errorf("logged mail left in state %s", rows[0].State)
	}
}

func TestSMTPPasswordNeverLogged(t *testing.T) {
	e := newEnv(t)
	cfg := e.svc.Config()
	cfg.SMTPURL = "smtp://mailer:s3cretpw@" + e.smtp.addr
	svc := forum.New(e.store, cfg)
	svc.SetClock(e.clock.Now)
	var buf bytes.Buffer
	w, err := mailer.New(svc, slog.New(slog.NewTextHandler(&buf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	bob := e.user("bob")
	e.queue(bob, 1, "pw")
	// The test server offers no AUTH over plain text, so this attempt
	// fails and is logged: the log must still not hold the password.
	if _, err := w.Step(e.ctx); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	w.Run(ctx) // logs where mail goes, then stops at once
	if out := buf.String(); strings.Contains(out, "s3cretpw") || !strings.Contains(out, e.smtp.addr) || !strings.Contains(out, "send failed") {
		t.Errorf("log:\n%s", out)
	}
}

func TestTwoWorkersSendEachMailOnce(t *testing.T) {
	e := newEnv(t)
	bob := e.user("bob")
	e.queue(bob, 120, "two")
	// A second worker on its own service, as another process would run it.
	svc2 := forum.New(e.store, e.svc.Config())
	svc2.SetClock(e.clock.Now)
	other, err := mailer.New(svc2, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 2)
	for _, w := range []*mailer.Worker{e.worker, other} {
		go func() {
			for {
				n, err := w.Step(e.ctx)
				if err != nil || n == 0 {
					done <- err
					return
				}
			}
		}()
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	e.drain()
	if got := len(e.smtp.messages()); got != 120 {
		t.Fatalf("server received %d mails, want each of 120 once", got)
	}
	seen := map[string]bool{}
	for _, m := range e.smtp.messages() {
		s := parse(t, m.Data).Header.Get("Subject")
		if seen[s] {
			t.Fatalf("%q sent twice", s)
		}
		seen[s] = true
	}
}
