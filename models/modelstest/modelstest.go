// Package modelstest opens a migrated, empty store for a test: a SQLite file
// by default, or a fresh PostgreSQL schema when HEARTH_TEST_POSTGRES holds a
// DSN, so the same tests run on both databases.
package modelstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// DSN returns a database DSN for one test, isolated from every other test,
// and registers its cleanup.
func DSN(t testing.TB) string {
	t.Helper()
	pg := strings.TrimSpace(os.Getenv("HEARTH_TEST_POSTGRES"))
	if pg == "" {
		return "sqlite://" + filepath.Join(t.TempDir(), "hearth.db")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := models.Open(context.Background(), pg)
	if err != nil {
		t.Fatalf("connect to HEARTH_TEST_POSTGRES: %v", err)
	}
	if err := admin.DB(context.Background()).Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		_ = admin.DB(context.Background()).Exec("DROP SCHEMA " + schema + " CASCADE").Error
		_ = admin.Close()
	})
	sep := "?"
	if strings.Contains(pg, "?") {
		sep = "&"
	}
	return pg + sep + "search_path=" + schema
}

// Open returns a migrated store for one test.
func Open(t testing.TB) *models.Store {
	t.Helper()
	s, err := models.Open(context.Background(), DSN(t))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	if err := s.Migrate(); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// IsPostgres reports whether tests run against PostgreSQL.
func IsPostgres() bool { return strings.TrimSpace(os.Getenv("HEARTH_TEST_POSTGRES")) != "" }
