package mailer_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/hearth/hearth/models"
)

// BenchmarkMailQueue measures queueing one mail per transaction, as a
// reply does for each opted-in recipient.
func BenchmarkMailQueue(b *testing.B) {
	e := newEnv(b)
	bob := e.user("bob")
	b.ResetTimer()
	for i := range b.N {
		err := e.store.WithTx(e.ctx, func(ctx2 context.Context) error {
			now := e.svc.Now()
			_, err := e.store.QueueMails(ctx2, []models.Mail{{UserID: bob.ID, Kind: models.MailNotification, ToAddr: bob.Email,
				Subject: "Bench", Text: "Body", HTML: "<p>Body</p>", ListScope: models.ScopeNotifications,
				DedupeKey: "bq" + strconv.Itoa(i), State: models.QueuePending, NextAttemptAt: now, CreatedAt: now, UpdatedAt: now}})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mails/s")
}

// BenchmarkMailSend measures the worker draining b.N queued mails into the
// in-process SMTP server: claim, sign the unsubscribe link, build MIME,
// SMTP over loopback (one connection per batch), record the outcome.
func BenchmarkMailSend(b *testing.B) {
	e := newEnv(b)
	bob := e.user("bob")
	e.queue(bob, b.N, "bs")
	b.ResetTimer()
	if n := e.drain(); n != b.N {
		b.Fatalf("sent %d of %d", n, b.N)
	}
	b.StopTimer()
	if got := len(e.smtp.messages()); got != b.N {
		b.Fatalf("server received %d of %d", got, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mails/s")
}
