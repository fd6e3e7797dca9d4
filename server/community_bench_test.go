package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
	"github.com/hearth/hearth/server"
)

// communityBench opens the forum the community benchmarks measure: the
// database in HEARTH_BENCH_DB when set (e.g. one filled once with
// `hearth dev seed --users 20000 --threads 50000 --posts-per-thread 20`
// and rolled up with `hearth admin rollup`), else a small seeded one so the
// benchmarks always run. It returns a staff session.
func communityBench(b *testing.B) (http.Handler, *forum.Service, *models.User, string) {
	b.Helper()
	ctx := context.Background()
	cfg := config.Defaults()
	cfg.URL = "http://forum.test"
	cfg.DataDir = b.TempDir()
	if err := cfg.Normalize(); err != nil {
		b.Fatal(err)
	}
	var store *models.Store
	if dsn := os.Getenv("HEARTH_BENCH_DB"); dsn != "" {
		var err error
		if store, err = models.Open(ctx, dsn); err != nil {
			b.Fatal(err)
		}
		if err := store.Migrate(); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = store.Close() })
	} else {
		store = modelstest.Open(b)
	}
	svc := forum.New(store, cfg)
	svc.BcryptCost = 4
	if os.Getenv("HEARTH_BENCH_DB") == "" {
		if _, err := svc.Seed(ctx, forum.SeedOptions{Users: 500, Threads: 1000, PostsPerThread: 20}); err != nil {
			b.Fatal(err)
		}
		today := time.Now().UTC().Truncate(24 * time.Hour)
		if _, _, err := svc.RollupRange(ctx, today.AddDate(0, 0, -61), today.AddDate(0, 0, -1)); err != nil {
			b.Fatal(err)
		}
	}
	// As the rollup worker does in production: contributor sums after each
	// pass, and today's partial (what was written up to a minute ago).
	if err := svc.RefreshContributorSums(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := svc.RefreshTodayPartial(ctx); err != nil {
		b.Fatal(err)
	}
	staff, err := svc.UserByUsername(ctx, "benchstaff")
	if err != nil {
		if staff, err = svc.CreateUser(ctx, forum.SignUpInput{Username: "benchstaff", Email: "benchstaff@example.com", Password: "password123"}, models.RoleAdmin); err != nil {
			b.Fatal(err)
		}
	}
	session, err := svc.StartSession(ctx, staff.ID, "127.0.0.1", "bench")
	if err != nil {
		b.Fatal(err)
	}
	s, err := server.New(cfg, svc, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	return s.Handler(), svc, staff, session
}

// BenchmarkCommunity measures the staff dashboard, the stats and retention
// endpoints (default windows: 30 days, 8 weeks; today from the partial
// refreshed in setup plus what was written since), the same figures
// computed without the server's stats cache (what the first request each
// minute pays), also without stored contributor sums and without today's
// partial (the cold paths), and recomputing one past day's rollup.
func BenchmarkCommunity(b *testing.B) {
	h, svc, staff, session := communityBench(b)
	ctx := context.Background()
	b.Run("page", func(b *testing.B) { benchGet(b, h, "/community", session) })
	b.Run("stats", func(b *testing.B) { benchGet(b, h, "/api/v1/community/stats", session) })
	b.Run("retention", func(b *testing.B) { benchGet(b, h, "/api/v1/community/retention", session) })
	b.Run("stats_uncached", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := svc.Stats(ctx, staff, "", ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The cold path: no stored contributor sums (as after midnight before
	// the worker's pass, or a custom window's first request), so the
	// rolled-up days are summed from the daily rows.
	b.Run("stats_uncached_nosums", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			if err := svc.Store().DB(ctx).Exec("DELETE FROM contributor_sums").Error; err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := svc.Stats(ctx, staff, "", ""); err != nil {
				b.Fatal(err)
			}
		}
		if err := svc.RefreshContributorSums(ctx); err != nil {
			b.Fatal(err)
		}
	})
	// The same without today's partial (none yet, another day's, or made
	// unusable by a moderation write): today is computed whole.
	b.Run("stats_uncached_nopartial", func(b *testing.B) {
		if err := svc.Store().DeleteDayPartials(ctx); err != nil {
			b.Fatal(err)
		}
		for i := 0; i < b.N; i++ {
			if _, err := svc.Stats(ctx, staff, "", ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("retention_uncached", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := svc.Retention(ctx, staff, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	// What the worker pays each minute to refresh today's partial.
	b.Run("partial_refresh", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := svc.Store().DeleteDayPartials(ctx); err != nil {
				b.Fatal(err)
			}
			if ok, err := svc.RefreshTodayPartial(ctx); err != nil || !ok {
				b.Fatal(ok, err)
			}
		}
	})
	b.Run("rollup_day", func(b *testing.B) {
		day := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -10)
		for i := 0; i < b.N; i++ {
			if err := svc.RollupDay(context.Background(), day); err != nil {
				b.Fatal(err)
			}
		}
	})
}
