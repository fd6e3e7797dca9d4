package forum

import (
	"context"
	"testing"
	"time"

	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
)

// TestBlockCacheReloadsOnce: once the lists expire, one caller reloads
// them and the others keep the expired lists meanwhile, for at most a
// second TTL; with no reload under way the next caller reloads.
func TestBlockCacheReloadsOnce(t *testing.T) {
	store := modelstest.Open(t)
	ctx := context.Background()
	c := &blockCache{}
	snap, err := c.snapshot(ctx, store)
	if err != nil || snap.suspended["bad.example"] {
		t.Fatalf("first load: %v %v", snap, err)
	}
	now := time.Now()
	if err := store.CreateInstanceBlock(ctx, &models.InstanceBlock{Domain: "bad.example", Severity: "suspend", CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	blocked := func() bool {
		t.Helper()
		s, err := c.snapshot(ctx, store)
		if err != nil {
			t.Fatal(err)
		}
		return s.suspended["bad.example"]
	}
	age := func(d time.Duration, loading bool) {
		c.mu.Lock()
		c.snap.loaded = time.Now().Add(-d)
		c.loading = loading
		c.mu.Unlock()
	}
	age(blockCacheTTL/2, false)
	if blocked() {
		t.Fatal("fresh lists were reloaded")
	}
	age(blockCacheTTL*3/2, true)
	if blocked() {
		t.Fatal("expired lists were reloaded while another caller reloads them")
	}
	age(blockCacheTTL*5/2, true)
	if !blocked() {
		t.Fatal("lists older than two TTLs were served")
	}
	age(blockCacheTTL*3/2, false)
	c.snap.suspended = map[string]bool{}
	if !blocked() {
		t.Fatal("expired lists were not reloaded")
	}
	if c.loading {
		t.Fatal("the reload did not clear loading")
	}
}
