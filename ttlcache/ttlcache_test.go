package ttlcache

import (
	"runtime"
	"testing"
	"time"
)

// TestCache: values come back until their TTL has passed since the last
// Add; a full cache drops its least recently used entry; Contains does not
// count as a use; Remove drops one.
func TestCache(t *testing.T) {
	start := time.Unix(1_000_000, 0) // a fixed instant: the cache only compares times
	for _, tc := range []struct {
		name string
		run  func(c *Cache[string, int], at func(time.Duration))
		want map[string]int // key -> value, or absent
	}{
		{"kept within ttl", func(c *Cache[string, int], at func(time.Duration)) {
			c.Add("a", 1)
			at(time.Minute - time.Second)
		}, map[string]int{"a": 1}},
		{"gone at ttl", func(c *Cache[string, int], at func(time.Duration)) {
			c.Add("a", 1)
			at(time.Minute)
		}, map[string]int{}},
		{"add again restarts ttl", func(c *Cache[string, int], at func(time.Duration)) {
			c.Add("a", 1)
			at(50 * time.Second)
			c.Add("a", 2)
			at(100 * time.Second)
		}, map[string]int{"a": 2}},
		{"least recently used evicted", func(c *Cache[string, int], at func(time.Duration)) {
			c.Add("a", 1)
			c.Add("b", 2)
			c.Get("a")
			c.Add("c", 3)
		}, map[string]int{"a": 1, "c": 3}},
		{"contains is not a use", func(c *Cache[string, int], at func(time.Duration)) {
			c.Add("a", 1)
			c.Add("b", 2)
			if !c.Contains("a") {
				panic("a missing")
			}
			c.Add("c", 3)
		}, map[string]int{"b": 2, "c": 3}},
		{"remove", func(c *Cache[string, int], at func(time.Duration)) {
			c.Add("a", 1)
			c.Add("b", 2)
			c.Remove("a")
		}, map[string]int{"b": 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New[string, int](2, time.Minute)
			now := start
			c.now = func() time.Time { return now }
			tc.run(c, func(d time.Duration) { now = start.Add(d) })
			for _, k := range []string{"a", "b", "c"} {
				got, ok := c.Get(k)
				want, wantOK := tc.want[k]
				if ok != wantOK || got != want {
					t.Errorf("Get(%q) = %d, %v; want %d, %v", k, got, ok, want, wantOK)
				}
			}
		})
	}
}

// TestSweepEmptiesAndStops: expired entries are removed without anyone
// asking for them, and once the cache is empty its timer is gone.
func TestSweepEmptiesAndStops(t *testing.T) {
	c := New[string, int](10, time.Minute)
	now := time.Unix(1_000_000, 0)
	c.now = func() time.Time { return now }
	c.Add("old", 1)
	now = now.Add(30 * time.Second)
	c.Add("new", 2)
	now = now.Add(40 * time.Second) // "old" expired, "new" not
	c.removeExpired()
	if c.Len() != 1 || !c.Contains("new") {
		t.Fatalf("after the first sweep: %d entries, want only new", c.Len())
	}
	now = now.Add(time.Minute)
	c.removeExpired()
	c.mu.Lock()
	n, timer := c.recency.Len(), c.sweep
	c.mu.Unlock()
	if n != 0 || timer != nil {
		t.Fatalf("after the last sweep: %d entries, timer %v; want none and no timer", n, timer)
	}

	// And on the real clock, through the timer itself.
	r := New[string, int](10, 20*time.Millisecond)
	r.Add("a", 1)
	deadline := time.Now().Add(10 * time.Second)
	for r.Len() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the timer never swept the expired entry")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestNoGoroutines: caches start no goroutine, used or not (expirable.NewLRU
// started one per cache that never stopped).
func TestNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	caches := make([]*Cache[int, int], 100)
	for i := range caches {
		caches[i] = New[int, int](10, time.Hour)
		caches[i].Add(i, i)
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Fatalf("%d goroutines after making 100 caches, %d before", after, before)
	}
}
