package mailer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Sender hands messages to a mail server. Send returns one error per
// message (nil when accepted), or a single error for all when it could not
// talk to the server at all.
type Sender interface {
	Send(ctx context.Context, msgs []*gomail.Msg) ([]error, error)
}

// SMTPSender sends through one SMTP server, one connection per batch.
type SMTPSender struct {
	host    string
	options []gomail.Option
}

// NewSMTPSender parses smtp://user:pass@host:port (STARTTLS when the server
// offers it) or smtps://… (TLS from the start). Credentials are used only
// for AUTH and never logged.
func NewSMTPSender(raw string) (*SMTPSender, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return nil, errors.New("--smtp-url / HEARTH_SMTP_URL must look like smtp://user:pass@host:port")
	}
	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second)}
	port := 587
	if u.Scheme == "smtps" {
		port = 465
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, fmt.Errorf("--smtp-url / HEARTH_SMTP_URL: bad port %q", p)
		}
		port = n
	}
	opts = append(opts, gomail.WithPort(port))
	if user := u.User.Username(); user != "" {
		pass, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(user), gomail.WithPassword(pass))
	}
	return &SMTPSender{host: u.Hostname(), options: opts}, nil
}

// Send delivers msgs over one connection.
func (s *SMTPSender) Send(ctx context.Context, msgs []*gomail.Msg) ([]error, error) {
	c, err := gomail.NewClient(s.host, s.options...)
	if err != nil {
		return nil, err
	}
	if err := c.DialWithContext(ctx); err != nil {
		return nil, err
	}
	defer func() { _ = c.Close() }()
	errs := make([]error, len(msgs))
	for i, m := range msgs {
		errs[i] = c.Send(m)
	}
	return errs, nil
}

// LogSender is what runs without --smtp-url: each message is logged (to,
// subject and text, so a developer can follow its links) instead of sent.
type LogSender struct{ Log *slog.Logger }

// Send logs msgs.
func (l LogSender) Send(_ context.Context, msgs []*gomail.Msg) ([]error, error) {
	for _, m := range msgs {
		to := m.GetToString()
		var body string
		if parts := m.GetParts(); len(parts) > 0 {
			if b, err := parts[0].GetContent(); err == nil {
				body = string(b)
			}
		}
		l.Log.Info("mail not sent: no --smtp-url set", "to", to, "subject", m.GetGenHeader(gomail.HeaderSubject), "text", body)
	}
	return make([]error, len(msgs)), nil
}

// temporary reports whether a send error is worth retrying: anything but
// the server's permanent (5xx) refusal of this message.
func temporary(err error) bool {
	var se *gomail.SendError
	if errors.As(err, &se) {
		if code := se.ErrorCode(); code >= 500 && code < 600 {
			return false
		}
		return true
	}
	return true
}
