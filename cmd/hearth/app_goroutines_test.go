package main

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"testing"
	"time"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/models/modelstest"
)

// TestClosedAppsLeaveNoGoroutines: building the whole process (server,
// federation, mail, their caches) and closing its store leaves no
// goroutine behind. expirable.NewLRU started one per cache that never
// stopped, nine a process, so every test that built a server leaked them.
func TestClosedAppsLeaveNoGoroutines(t *testing.T) {
	// One database for every build: on PostgreSQL each test DSN keeps an
	// admin connection (and its goroutines) open until the test ends.
	cfg := config.Defaults()
	cfg.URL = "http://forum.test"
	cfg.DataDir = t.TempDir()
	cfg.DB = modelstest.DSN(t)
	cfg.MetricsAddr = ""
	if err := cfg.Normalize(); err != nil {
		t.Fatal(err)
	}
	build := func() {
		t.Helper()
		a, err := buildApp(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		if err := a.svc.Store().Close(); err != nil {
			t.Fatal(err)
		}
	}
	build() // whatever a first build starts once per process (pools of the driver, ...)
	const apps = 5
	// steady is the goroutine count once it has stopped changing: a
	// closed pool's goroutines end just after Close returns.
	steady := func() int {
		n, same := runtime.NumGoroutine(), 0
		for deadline := time.Now().Add(10 * time.Second); same < 5 && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
			if m := runtime.NumGoroutine(); m == n {
				same++
			} else {
				n, same = m, 0
			}
		}
		return n
	}
	settled := func(limit int) int {
		deadline := time.Now().Add(10 * time.Second)
		for {
			n := runtime.NumGoroutine()
			if n <= limit || time.Now().After(deadline) {
				return n
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	before := steady()
	for range apps {
		build()
	}
	// A goroutine left per app would be 5 more; nine per app was the leak.
	if after := settled(before + apps - 1); after >= before+apps {
		t.Fatalf("%d goroutines after building and closing %d apps, %d before", after, apps, before)
	}
}
