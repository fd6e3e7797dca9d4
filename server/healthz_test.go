package server_test

import (
	"net/http"
	"testing"

	"github.com/hearth/hearth/models"
)

// TestHealthzFailsWhenTheDatabaseCannotWrite: a database that answers but
// cannot grow (SQLite at its max_page_count, as on a full disk) fails the
// health check; with room again it passes. The probe keeps one row per
// process, however often it runs.
func TestHealthzFailsWhenTheDatabaseCannotWrite(t *testing.T) {
	fs := newFaultServer(t, true)
	b := fs.browser()
	for range 3 {
		if r := b.get("/healthz"); r.StatusCode != http.StatusOK || r.Body != "ok" {
			t.Fatalf("healthz on a healthy database: %d %q", r.StatusCode, r.Body)
		}
	}
	var rows int64
	if err := fs.Store.DB(fs.Ctx).Model(&models.HealthCheck{}).Count(&rows).Error; err != nil || rows != 1 {
		t.Fatalf("health probe rows after three checks: %d (%v), want 1", rows, err)
	}

	fs.fill(t)
	if err := fs.sqlDB.Ping(); err != nil {
		t.Fatalf("the full database no longer answers a ping, so this test would not tell a write from a ping: %v", err)
	}
	r := b.get("/healthz")
	if r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Fatalf("healthz on a full database: %d %q, Retry-After %q; want 503", r.StatusCode, r.Body, r.Header.Get("Retry-After"))
	}

	fs.unfill(t)
	if r := b.get("/healthz"); r.StatusCode != http.StatusOK || r.Body != "ok" {
		t.Fatalf("healthz once the database has room: %d %q", r.StatusCode, r.Body)
	}
}
