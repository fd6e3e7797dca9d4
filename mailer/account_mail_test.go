package mailer_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/mailer"
)

// TestResetMailHasNoUnsubscribe: a reset link is account mail, sent
// whatever the opt-ins (all off here) and not a list, so it carries no
// unsubscribe link or headers.
func TestResetMailHasNoUnsubscribe(t *testing.T) {
	e := newEnv(t)
	e.user("bob")
	if err := e.svc.RequestPasswordReset(e.ctx, "bob", "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if n := e.drain(); n != 1 {
		t.Fatalf("worker sent %d mails, want 1", n)
	}
	msgs := e.smtp.messages()
	if len(msgs) != 1 || msgs[0].To[0] != "bob@example.com" {
		t.Fatalf("envelope: %+v", msgs)
	}
	m := parse(t, msgs[0].Data)
	if m.Header.Get("List-Unsubscribe") != "" || m.Header.Get("List-Unsubscribe-Post") != "" {
		t.Errorf("reset mail has list headers: %v", m.Header)
	}
	if !strings.Contains(m.Text, e.url+"/password/reset/") || strings.Contains(m.Text, "unsubscribe") {
		t.Errorf("text part:\n%s", m.Text)
	}
}

// TestResetMailLoggedWithoutSMTP: without --smtp-url the link goes to the
// log, as all mail does.
func TestResetMailLoggedWithoutSMTP(t *testing.T) {
	e := newEnv(t)
	e.user("bob")
	cfg := e.svc.Config()
	cfg.SMTPURL = ""
	svc := forum.New(e.store, cfg)
	var buf bytes.Buffer
	w, err := mailer.New(svc, slog.New(slog.NewTextHandler(&buf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.RequestPasswordReset(e.ctx, "bob@example.com", "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if n, err := w.Step(e.ctx); err != nil || n != 1 {
		t.Fatalf("step: %d %v", n, err)
	}
	if out := buf.String(); !strings.Contains(out, "/password/reset/") || !strings.Contains(out, "bob@example.com") {
		t.Errorf("log:\n%s", out)
	}
}
