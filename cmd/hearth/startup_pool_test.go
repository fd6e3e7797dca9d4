package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/clock"
	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
)

// TestStartupWorkersLeaveRequestsAConnection starts the whole process as
// serve does (buildApp, then every background worker) with a pool of ONE
// database connection, while each queue worker has work due (a mail, an
// inbox activity, a delivery, a data export), and asks for pages and an
// API write meanwhile. One connection makes every hidden need for a
// second one a hang instead of a rare stall: a worker holding a
// connection (a transaction, open rows) while it waits for another, or
// waiting for something that waits for a connection (go-gorm/gorm#7465,
// the prepared-statement deadlock that timed out TestDeliverySurvivesKill's
// first API call). The 30 s bounds only turn a hang into a failure; with
// nothing to wait for, all of it takes milliseconds.
func TestStartupWorkersLeaveRequestsAConnection(t *testing.T) {
	ctx := context.Background()
	peer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer peer.Close()

	cfg := config.Defaults()
	cfg.URL = "http://forum.test"
	cfg.DataDir = t.TempDir()
	cfg.DB = modelstest.DSN(t)
	cfg.DBMaxConns = 1
	cfg.MetricsAddr = ""
	cfg.FederationAllowPrivate = true
	if err := cfg.Normalize(); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	token := seedDueWork(t, cfg, log, peer.URL)

	// A fresh process: nothing prepared yet, as at a real start.
	a, err := buildApp(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	st := a.svc.Store()
	defer st.Close()
	if got := st.MaxConns(); got != 1 {
		t.Fatalf("pool of %d connections, want 1", got)
	}
	srv := httptest.NewServer(a.srv.Handler())
	defer srv.Close()
	runCtx, stop := context.WithCancel(ctx)
	wait := a.startWorkers(runCtx, log)
	defer func() { stop(); wait() }()

	// The requests come while the workers start, all at once.
	client := &http.Client{Timeout: 30 * time.Second}
	reqs := []struct{ method, path, body string }{
		{"GET", "/healthz", ""}, // a write: the health check's transaction
		{"GET", "/", ""},
		{"GET", "/c/general", ""},
		{"POST", "/api/v1/categories", `{"name":"Started","slug":"started"}`},
	}
	errs := make(chan error, len(reqs))
	for _, req := range reqs {
		go func() {
			r, err := http.NewRequest(req.method, srv.URL+req.path, strings.NewReader(req.body))
			if err != nil {
				errs <- err
				return
			}
			r.Header.Set("Authorization", "Bearer "+token)
			r.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(r)
			if err != nil {
				errs <- fmt.Errorf("%s %s while the workers start: %w (pool %+v)", req.method, req.path, err, st.PoolStats())
				return
			}
			resp.Body.Close()
			if resp.StatusCode >= 300 {
				err = fmt.Errorf("%s %s: %d", req.method, req.path, resp.StatusCode)
			}
			errs <- err
		}()
	}
	for range reqs {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}

	// Every queue's due row is taken up by its worker on that one connection.
	deadline := time.Now().Add(30 * time.Second)
	for _, table := range []string{"mails", "inbox_activities", "deliveries", "account_exports"} {
		for {
			var waiting int64
			if err := st.DB(ctx).Table(table).Where("state IN ?", []string{models.QueuePending, models.QueueProcessing}).
				Count(&waiting).Error; err != nil {
				t.Fatal(err)
			}
			if waiting == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d rows still waiting after 30 s (pool %+v)", table, waiting, st.PoolStats())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// seedDueWork makes a forum (an admin, a category) with one due row in
// each queue, through a process of its own that is closed again, and
// returns the admin's API token.
func seedDueWork(t *testing.T, cfg config.Config, log *slog.Logger, peerURL string) string {
	t.Helper()
	ctx := context.Background()
	a, err := buildApp(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer a.svc.Store().Close()
	st := a.svc.Store()
	a.svc.BcryptCost = 4
	admin, err := a.svc.CreateUser(ctx, forum.SignUpInput{Username: "alice", Email: "alice@example.com", Password: "password123"}, models.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	token, err := a.svc.CreateToken(ctx, admin.ID, "startup")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.RequestExport(ctx, admin); err != nil {
		t.Fatal(err)
	}
	now := clock.Now()
	if _, err := st.QueueMails(ctx, []models.Mail{{UserID: admin.ID, Kind: "test", ToAddr: "alice@example.com",
		Subject: "due", Text: "due", DedupeKey: "startup-test", State: models.QueuePending, NextAttemptAt: now.Add(-time.Minute)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.EnqueueInbox(ctx, &models.InboxActivity{ActivityID: peerURL + "/activities/1", Signer: peerURL + "/users/mia",
		Body: `{"type":"Nothing"}`}); err != nil {
		t.Fatal(err)
	}
	if err := st.EnqueueDeliveries(ctx, `{"type":"Note"}`, "user", admin.ID, []string{peerURL + "/inbox"}, now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.svc.CreateCategory(ctx, admin, forum.CategoryInput{Name: "General", Slug: "general"}); err != nil {
		t.Fatal(err)
	}
	return token
}
