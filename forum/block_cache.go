package forum

import (
	"context"
	"sync"
	"time"

	"github.com/hearth/hearth/models"
)

// blockCache holds the suspended domains and blocked remote actors for
// InboundRefused, which the inbox calls for every signed request: reading
// them from the database each time was two thirds of the inbox handler's
// CPU (BenchmarkInbox). The lists are reloaded once blockCacheTTL has
// passed (by one caller; the others use the old lists meanwhile), and
// dropped at once by this process's own block changes, so a block applies
// immediately here and within blockCacheTTL plus one reload in any other
// process sharing the database. Instance and user block lists are small
// (thousands of rows at most on the largest servers).
type blockCache struct {
	mu   sync.Mutex
	snap *blockSnapshot
	// gen counts invalidations: a load that began before one must not
	// install lists that may predate the change.
	gen uint64
	// loading is set while one caller reloads lists that have expired;
	// meanwhile the others keep using the expired ones instead of all
	// querying at once (every concurrent inbox request did, once a
	// second, and waited for a pooled connection behind the others).
	loading bool
}

const blockCacheTTL = time.Second

type blockSnapshot struct {
	loaded    time.Time
	suspended map[string]bool // domains under a suspend block
	silenced  map[string]bool // domains under a silence block
	actors    map[string]bool // blocked remote actor ids
}

// snapshot returns current lists, loading them when missing or old. The
// expiry uses real time, not the service clock: it is about freshness
// across processes, not about forum rules.
func (c *blockCache) snapshot(ctx context.Context, store *models.Store) (*blockSnapshot, error) {
	c.mu.Lock()
	snap, gen := c.snap, c.gen
	if snap != nil {
		age := time.Since(snap.loaded)
		// Expired lists serve only while another caller is reloading
		// them, and never past a second TTL (a reload that hangs).
		if age < blockCacheTTL || (c.loading && age < 2*blockCacheTTL) {
			c.mu.Unlock()
			return snap, nil
		}
		c.loading = true
		defer func() {
			c.mu.Lock()
			c.loading = false
			c.mu.Unlock()
		}()
	}
	c.mu.Unlock()
	loaded := time.Now()
	domains, silenced, err := store.BlockedDomains(ctx)
	if err != nil {
		return nil, err
	}
	actors, err := store.BlockedActorIDs(ctx)
	if err != nil {
		return nil, err
	}
	snap = &blockSnapshot{loaded: loaded, suspended: make(map[string]bool, len(domains)),
		silenced: make(map[string]bool, len(silenced)), actors: make(map[string]bool, len(actors))}
	for _, d := range domains {
		snap.suspended[d] = true
	}
	for _, d := range silenced {
		snap.silenced[d] = true
	}
	for _, a := range actors {
		snap.actors[a] = true
	}
	c.mu.Lock()
	if c.gen == gen && (c.snap == nil || c.snap.loaded.Before(loaded)) {
		c.snap = snap
	}
	c.mu.Unlock()
	return snap, nil
}

// invalidate drops the lists; call it after a block change commits.
func (c *blockCache) invalidate() {
	c.mu.Lock()
	c.snap = nil
	c.gen++
	c.mu.Unlock()
}
