package server_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/server"
)

// TestClientAbortIsNotAServerError: a request whose client went away
// fails with context.Canceled deep in the store; that is logged at info
// as a client abort (499), not as an ERROR with status 500.
func TestClientAbortIsNotAServerError(t *testing.T) {
	env := forumtest.New(t)
	env.Category("general")
	var logs bytes.Buffer
	s, err := server.New(env.Cfg, env.Svc, slog.New(slog.NewTextHandler(&logs, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest(http.MethodGet, "/c/general", nil).WithContext(ctx)
	req.Header.Set("Accept", "text/html")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	out := logs.String()
	if strings.Contains(out, "level=ERROR") || strings.Contains(out, "status=500") {
		t.Fatalf("client abort logged as a server error:\n%s", out)
	}
	if !strings.Contains(out, "level=INFO") || !strings.Contains(out, "status=499") || !strings.Contains(out, "client aborted") {
		t.Fatalf("client abort not logged at info with 499:\n%s", out)
	}
	if strings.Count(out, "client aborted") != 1 {
		t.Fatalf("client abort logged more than once:\n%s", out)
	}

	// A real failure is still an error: the same page on a closed database
	// (503, the database being unavailable, and logged at ERROR).
	logs.Reset()
	db, _ := env.Store.DB(context.Background()).DB()
	_ = db.Close()
	rec = httptest.NewRecorder()
	req = httptest.NewRequest(http.MethodGet, "/c/general", nil)
	req.Header.Set("Accept", "text/html")
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("server error: %d\n%s", rec.Code, logs.String())
	}
}
