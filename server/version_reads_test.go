package server

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
)

// TestVersionReadsNeverAnswerWithAnEarlierRead: requests that arrive while
// a version read is running must not get its answer (it may predate a write
// they should see): they share the next read, which starts after they all
// arrived. This is what keeps coalesced reads as exact as one read each.
func TestVersionReadsNeverAnswerWithAnEarlierRead(t *testing.T) {
	r := newVersionReads()
	var mu sync.Mutex
	version, reads := 1, 0 // the "database": a page version and how often it was read
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	fn := func(context.Context) (*forum.PageVersion, error) {
		mu.Lock()
		reads++
		v := version // read when the query starts, as a database would
		mu.Unlock()
		started <- struct{}{}
		<-release
		return &forum.PageVersion{Key: strconv.Itoa(v)}, nil
	}
	get := func(out chan<- string) {
		v, err := r.read(context.Background(), "t:1", fn)
		if err != nil {
			t.Error(err)
		}
		out <- v.Key
	}

	first := make(chan string, 1)
	go get(first)
	<-started // the first read is running and has read version 1

	mu.Lock()
	version = 2 // a write commits while it runs
	mu.Unlock()
	later := make(chan string, 3)
	for range 3 {
		go get(later)
	}
	waitFor(t, func() bool { // all three queued behind the running read
		r.mu.Lock()
		defer r.mu.Unlock()
		k := r.keys["t:1"]
		return k != nil && k.waiting != nil && k.waiting.joined == 2
	})
	release <- struct{}{}
	if got := <-first; got != "1" {
		t.Fatalf("first request: version %s, want 1", got)
	}
	<-started // the shared read starts only now
	release <- struct{}{}
	for range 3 {
		if got := <-later; got != "2" {
			t.Fatalf("a request that arrived after the write got version %s", got)
		}
	}
	if reads != 2 {
		t.Fatalf("%d reads for 4 requests, want 2", reads)
	}
	if len(r.keys) != 0 {
		t.Fatalf("keys left behind: %v", r.keys)
	}

	// A read that fails or panics releases the key.
	boom := func(context.Context) (*forum.PageVersion, error) { panic("boom") }
	func() {
		defer func() { _ = recover() }()
		_, _ = r.read(context.Background(), "t:1", boom)
	}()
	if len(r.keys) != 0 {
		t.Fatal("a panicking read left its key busy")
	}
}

// waitFor polls until the goroutines started have reached cond (a wait for
// scheduling on a busy machine, not a timing assertion).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Microsecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not reached")
}
