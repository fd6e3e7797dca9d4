// Package mailer sends the mail forum queues: workers claim rows of the
// mails table (safe with several processes on one database), add the
// unsubscribe link and headers, and hand them to an SMTP server (or the log
// when none is set), retrying with backoff. It also runs the periodic mail
// jobs: overdue follow-up alerts and the weekly digest. Like federation, it
// is a peer of server/ and meets it only in cmd/hearth.
package mailer

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// Queue limits.
const (
	lease       = 2 * time.Minute
	batch       = 50
	maxAttempts = 8 // about 4 hours of backoff before giving up
	idlePoll    = time.Second
	jobsEvery   = time.Minute // overdue alerts and the digest check
)

// Worker sends queued mail.
type Worker struct {
	svc    *forum.Service
	store  *models.Store
	sender Sender
	from   string
	log    *slog.Logger
	// describe is what Run logs about where mail goes; nil means the log.
	describe []any
}

// New builds a worker for svc's configuration: SMTP when --smtp-url is
// set, the log otherwise. Mail comes from the ?from= address of the SMTP
// URL, else noreply@ the forum's host.
func New(svc *forum.Service, log *slog.Logger) (*Worker, error) {
	cfg := svc.Config()
	var sender Sender = LogSender{Log: log}
	from := "noreply@" + hostOnly(cfg.URL)
	if cfg.SMTPURL != "" {
		s, err := NewSMTPSender(cfg.SMTPURL)
		if err != nil {
			return nil, err
		}
		sender = s
		u, _ := url.Parse(cfg.SMTPURL)
		if u.Query().Get("from") != "" {
			from = u.Query().Get("from")
		}
		w := NewWithSender(svc, sender, from, log)
		// The host only: the URL may hold the SMTP password.
		w.describe = []any{"smtp_host", u.Host, "from", from}
		return w, nil
	}
	return NewWithSender(svc, sender, from, log), nil
}

// NewWithSender builds a worker around any Sender (tests, benchmarks).
func NewWithSender(svc *forum.Service, sender Sender, from string, log *slog.Logger) *Worker {
	return &Worker{svc: svc, store: svc.Store(), sender: sender, from: from, log: log}
}

func hostOnly(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Hostname() == "" {
		return "localhost"
	}
	return u.Hostname()
}

// Run sends mail and runs the periodic jobs until ctx ends, then returns
// once the current batch is finished. Nothing lives in memory: what is
// queued when a process stops is sent by the next one.
func (w *Worker) Run(ctx context.Context) {
	if w.describe == nil {
		w.log.Info("mail workers started; no --smtp-url set, so mail is logged, not sent")
	} else {
		w.log.Info("mail workers started", w.describe...)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			n, err := w.Step(ctx)
			if err != nil && ctx.Err() == nil {
				w.log.Error("mail worker", "error", err)
			}
			if n == 0 || err != nil {
				sleep(ctx, idlePoll)
			}
		}
	}()
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			w.Jobs(ctx)
			sleep(ctx, jobsEvery)
		}
	}()
	wg.Wait()
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// Jobs runs the periodic mail jobs once: overdue follow-up alerts, and the
// weekly digest when this week's has not run.
func (w *Worker) Jobs(ctx context.Context) {
	if n, err := w.svc.NotifyOverdue(ctx); err != nil && ctx.Err() == nil {
		w.log.Error("overdue follow-ups", "error", err)
	} else if n > 0 {
		w.log.Info("overdue follow-ups notified", "count", n)
	}
	if n, err := w.svc.QueueWeeklyDigest(ctx); err != nil && ctx.Err() == nil {
		w.log.Error("weekly digest", "error", err)
	} else if n > 0 {
		w.log.Info("weekly digest queued", "mails", n)
	}
}

// Step claims one batch of due mail, sends it over one connection and
// records each outcome; it returns how many rows it claimed.
func (w *Worker) Step(ctx context.Context) (int, error) {
	now := w.svc.Now()
	rows, err := w.store.ClaimMails(ctx, now, lease, batch)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	done := context.WithoutCancel(ctx)
	links, err := w.svc.UnsubscribeLinks(ctx)
	if err != nil {
		return len(rows), err // the lease runs out and the rows are claimed again
	}
	site, err := w.svc.Site(ctx)
	if err != nil {
		return len(rows), err
	}
	msgs := make([]*gomail.Msg, 0, len(rows))
	sendable := make([]*models.Mail, 0, len(rows))
	for i := range rows {
		// The footer is in the body's language; mail queued before
		// bodies had one (Language "") was written in English.
		l := w.svc.Catalog().Pick(rows[i].Language, "", i18n.Default)
		msg, err := w.message(links, site.Name, l, &rows[i])
		if err != nil {
			// A bad address cannot get better by waiting.
			w.log.Warn("mail: cannot build message", "mail", rows[i].ID, "error", err)
			if err := w.store.FinishMail(done, rows[i].ID, models.QueueFailed, now, err.Error(), nil); err != nil {
				return len(rows), err
			}
			continue
		}
		msgs = append(msgs, msg)
		sendable = append(sendable, &rows[i])
	}
	if len(msgs) == 0 {
		return len(rows), nil
	}
	errs, connErr := w.sender.Send(ctx, msgs)
	var sent []int64
	for i, m := range sendable {
		err := connErr
		if err == nil {
			err = errs[i]
		}
		if err == nil {
			sent = append(sent, m.ID)
			continue
		}
		if err := w.finish(done, m, err); err != nil {
			return len(rows), err
		}
	}
	return len(rows), w.store.FinishMailsSent(done, sent, w.svc.Now())
}

// finish records a failed attempt: retried later with backoff, or given
// up (a permanent refusal, or too many attempts).
func (w *Worker) finish(ctx context.Context, m *models.Mail, sendErr error) error {
	now := w.svc.Now()
	state, next := models.QueuePending, now.Add(backoff(m.Attempts))
	if !temporary(sendErr) || m.Attempts >= maxAttempts {
		state = models.QueueFailed
	}
	w.log.Warn("mail: send failed", "mail", m.ID, "attempt", m.Attempts, "state", state, "error", sendErr)
	return w.store.FinishMail(ctx, m.ID, state, next, sendErr.Error(), nil)
}

// backoff is 1, 2, 4 … minutes after attempt n, capped at two hours, with
// up to a fifth of jitter so a server that was down is not hit by every
// retry at once.
func backoff(attempts int) time.Duration {
	d := time.Minute << min(max(attempts-1, 0), 7)
	d = min(d, 2*time.Hour)
	return d + time.Duration(rand.Int64N(int64(d/5)+1))
}
