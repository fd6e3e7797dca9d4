package main

import (
	"context"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"
)

func forcedGCs(t *testing.T) uint64 {
	t.Helper()
	s := []metrics.Sample{{Name: "/gc/cycles/forced:gc-cycles"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		t.Fatalf("runtime/metrics has no %s", s[0].Name)
	}
	return s[0].Value.Uint64()
}

// TestReleaseStartupHeap: after the settle time the freed heap goes back
// to the kernel (a forced collection and released pages); a process
// stopped before then does nothing.
func TestReleaseStartupHeap(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	before := forcedGCs(t)
	releaseStartupHeap(ctx, time.Hour) // returns at once: stopped
	if got := forcedGCs(t); got != before {
		t.Fatalf("a stopped process collected %d times", got-before)
	}

	// Garbage to give back: 32 MB allocated and dropped.
	junk := make([][]byte, 0, 32)
	for range 32 {
		junk = append(junk, make([]byte, 1<<20))
	}
	runtime.KeepAlive(junk)
	junk = nil
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	releaseStartupHeap(context.Background(), time.Millisecond)
	runtime.ReadMemStats(&m1)
	if got := forcedGCs(t); got == before {
		t.Fatal("no forced collection: the start-up heap was not handed back")
	}
	if resident := m1.HeapSys - m1.HeapReleased; resident >= m0.HeapSys-m0.HeapReleased {
		t.Fatalf("heap not released: resident %d MB before, %d MB after", (m0.HeapSys-m0.HeapReleased)>>20, resident>>20)
	}
}
