package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models/modelstest"
	"github.com/hearth/hearth/server"
)

// benchServer seeds a 10,000-post thread plus a small community, with 100
// posts a page as the benchmarks in docs/BENCHMARKS.md quote.
func benchServer(b *testing.B) (http.Handler, *forum.SeedResult) {
	b.Helper()
	cfg := config.Defaults()
	cfg.URL = "http://forum.test"
	cfg.DataDir = b.TempDir()
	cfg.PostsPerPage = 100
	if err := cfg.Normalize(); err != nil {
		b.Fatal(err)
	}
	store := modelstest.Open(b)
	svc := forum.New(store, cfg)
	ctx := context.Background()
	if _, err := svc.Seed(ctx, forum.SeedOptions{Users: 100, Threads: 200, PostsPerThread: 10}); err != nil {
		b.Fatal(err)
	}
	big, err := svc.Seed(ctx, forum.SeedOptions{Users: 20, Threads: 1, PostsPerThread: 10000, Category: "big"})
	if err != nil {
		b.Fatal(err)
	}
	s, err := server.New(cfg, svc, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	return s.Handler(), big
}

func benchGet(b *testing.B, h http.Handler, path string) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Accept", "text/html")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("GET %s: %d", path, rec.Code)
			}
		}
	})
}

// BenchmarkThreadPage compares page 1 and the last page of a 10,000-post
// thread side by side: both are a range scan on (thread_id, number).
func BenchmarkThreadPage(b *testing.B) {
	h, big := benchServer(b)
	b.Run("first", func(b *testing.B) { benchGet(b, h, fmt.Sprintf("/t/%d", big.FirstThreadID)) })
	b.Run("last", func(b *testing.B) { benchGet(b, h, fmt.Sprintf("/t/%d?page=100", big.FirstThreadID)) })
}

// BenchmarkCategoryPage measures a category's thread list.
func BenchmarkCategoryPage(b *testing.B) {
	h, _ := benchServer(b)
	b.Run("general", func(b *testing.B) { benchGet(b, h, "/c/general") })
	b.Run("home", func(b *testing.B) { benchGet(b, h, "/") })
}
