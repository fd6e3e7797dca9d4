package main

import (
	"context"
	"net/http"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"testing"

	"github.com/hearth/hearth/forum"
)

// liveHeap is the heap the last collection found live, after a fresh one.
func liveHeap(t *testing.T) uint64 {
	t.Helper()
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		t.Fatalf("runtime/metrics has no %s", s[0].Name)
	}
	return s[0].Value.Uint64()
}

// idleHeapBound is what a whole process (buildApp) on a small forum, after
// serving its common pages, may keep live on the heap. Measured at 6.1 MB
// (go test -run TestIdleHeap -v prints it; 7.7 MB before the tag check lost
// its 636 KB regexp and German was compiled on first use); with every
// page's template set built at start it was 19.2 MB, so the bound catches
// that kind of regression with room for the heap to grow with features.
const idleHeapBound = 10 << 20

// TestIdleHeapOfTheWholeProcess: the live heap a process adds by starting
// (store, server, federation, mail) and serving the home, category,
// thread and sign-in pages stays under idleHeapBound. It measures the
// difference around building the app, so what other tests left behind
// does not count, and forces collections, so it does not depend on timing.
func TestIdleHeapOfTheWholeProcess(t *testing.T) {
	ctx := context.Background()
	before := liveHeap(t)
	a, vf, _ := sqliteApp(t, filepath.Join(t.TempDir(), "data"))
	defer a.svc.Store().Close()
	res, err := a.svc.Seed(ctx, forum.SeedOptions{Users: 20, Threads: 30, PostsPerThread: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/c/general", "/t/" + strconv.FormatInt(res.FirstThreadID, 10), "/login", "/signup"} {
		if r := vf.do(nil, http.MethodGet, path, "text/html", "", ""); r.status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, r.status)
		}
	}
	grown := int64(liveHeap(t)) - int64(before)
	t.Logf("live heap grown by %.1f MB", float64(grown)/(1<<20))
	if grown > idleHeapBound {
		t.Fatalf("the process keeps %.1f MB live after start and a few pages; bound %d MB", float64(grown)/(1<<20), idleHeapBound>>20)
	}
	runtime.KeepAlive(a)
}
