package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models/modelstest"
	"github.com/hearth/hearth/server"
)

// benchServer seeds a 10,000-post thread plus a small community, with 100
// posts a page as the benchmarks in docs/BENCHMARKS.md quote.
func benchServer(b *testing.B) (http.Handler, *forum.SeedResult, string) {
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
	member, err := svc.CreateUser(ctx, forum.SignUpInput{Username: "reader", Email: "reader@example.com", Password: "password123"}, "member")
	if err != nil {
		b.Fatal(err)
	}
	session, err := svc.StartSession(ctx, member.ID, "127.0.0.1", "bench")
	if err != nil {
		b.Fatal(err)
	}
	return s.Handler(), big, session
}

// benchGet requests path in parallel; with a session the viewer is a
// logged-in member, whose pages are never served from the anonymous cache.
func benchGet(b *testing.B, h http.Handler, path, session string) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Accept", "text/html")
			if session != "" {
				req.AddCookie(&http.Cookie{Name: "hearth_session", Value: session})
			}
			w := &discardWriter{header: http.Header{}}
			h.ServeHTTP(w, req)
			if w.code != http.StatusOK {
				b.Fatalf("GET %s: %d", path, w.code)
			}
		}
	})
}

// discardWriter is a response writer that keeps the status and drops the
// body, as a server's socket takes it: httptest.ResponseRecorder grows a
// buffer to the page's size on every request, which was a tenth of a
// 100-post page's measured CPU and no part of serving it.
type discardWriter struct {
	header http.Header
	code   int
}

func (w *discardWriter) Header() http.Header { return w.header }

func (w *discardWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *discardWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return len(b), nil
}

// reportCPU adds the process's CPU time per operation (user + system, all
// goroutines, GC included) as cpu-ns/op. On a machine shared with other
// work, wall time per op mostly measures the wait for a core; CPU per op is
// what a change to the request path moves.
func reportCPU(b *testing.B) func() {
	start := processCPU(b)
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(processCPU(b)-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkThreadPage compares page 1 and the last page of a 10,000-post
// thread side by side: both are a range scan on (thread_id, number).
func BenchmarkThreadPage(b *testing.B) {
	h, big, session := benchServer(b)
	first, last := fmt.Sprintf("/t/%d", big.FirstThreadID), fmt.Sprintf("/t/%d?page=100", big.FirstThreadID)
	b.Run("anonymous/first", func(b *testing.B) { benchGet(b, h, first, "") })
	b.Run("anonymous/last", func(b *testing.B) { benchGet(b, h, last, "") })
	b.Run("member/first", func(b *testing.B) { benchGet(b, h, first, session) })
	b.Run("member/last", func(b *testing.B) { benchGet(b, h, last, session) })
}

// BenchmarkCategoryPage measures a category's thread list.
func BenchmarkCategoryPage(b *testing.B) {
	h, _, session := benchServer(b)
	b.Run("anonymous", func(b *testing.B) { benchGet(b, h, "/c/general", "") })
	b.Run("member", func(b *testing.B) { benchGet(b, h, "/c/general", session) })
	b.Run("home", func(b *testing.B) { benchGet(b, h, "/", "") })
}
