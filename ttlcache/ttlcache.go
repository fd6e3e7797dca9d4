// Package ttlcache is a size-bounded LRU cache whose entries expire a fixed
// time after they were added.
//
// It replaces github.com/hashicorp/golang-lru/v2/expirable, whose NewLRU
// starts a goroutine that can never be stopped (its done channel is never
// closed; expirable_lru.go says so): one per cache, nine caches per
// process, and every test that builds a server left them running. Here
// expired entries are swept by a timer that only runs while the cache
// holds entries, so an unused cache holds no goroutine and no timer, and
// one whose server is gone empties itself and stops.
package ttlcache

import (
	"container/list"
	"sync"
	"time"
)

// sweepsPerTTL is how often, per TTL, expired entries are removed: an
// entry is gone at most a tenth of the TTL after it expired, even if
// nobody asks for it again (Get never returns an expired one), so an idle
// process lets go of what it cached. A sweep walks every entry; the
// largest cache holds 10,000 for an hour.
const sweepsPerTTL = 10

// Cache holds at most size entries, each for ttl after its last Add. Safe
// for concurrent use.
type Cache[K comparable, V any] struct {
	size int
	ttl  time.Duration
	now  func() time.Time

	mu      sync.Mutex
	items   map[K]*list.Element // of *entry[K, V]
	recency *list.List          // front: most recently used
	sweep   *time.Timer         // set while the cache holds entries
}

type entry[K comparable, V any] struct {
	key     K
	val     V
	expires time.Time
}

// New makes a cache of at most size entries (at least 1) that keeps each
// for ttl (which must be positive).
func New[K comparable, V any](size int, ttl time.Duration) *Cache[K, V] {
	return &Cache[K, V]{size: max(1, size), ttl: ttl, now: time.Now, items: map[K]*list.Element{}, recency: list.New()}
}

// Add stores v under k for the cache's TTL, evicting the least recently
// used entry when the cache is full.
func (c *Cache[K, V]) Add(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	expires := c.now().Add(c.ttl)
	if el, ok := c.items[k]; ok {
		e := el.Value.(*entry[K, V])
		e.val, e.expires = v, expires
		c.recency.MoveToFront(el)
		return
	}
	c.items[k] = c.recency.PushFront(&entry[K, V]{key: k, val: v, expires: expires})
	if c.recency.Len() > c.size {
		c.removeElement(c.recency.Back())
	}
	if c.sweep == nil {
		c.sweep = time.AfterFunc(c.sweepEvery(), c.removeExpired)
	}
}

// Get returns the value under k unless it is missing or expired.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	e := el.Value.(*entry[K, V])
	if !c.now().Before(e.expires) {
		c.removeElement(el)
		var zero V
		return zero, false
	}
	c.recency.MoveToFront(el)
	return e.val, true
}

// Contains reports whether k holds an unexpired value, without making it
// more recently used.
func (c *Cache[K, V]) Contains(k K) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	return ok && c.now().Before(el.Value.(*entry[K, V]).expires)
}

// Remove drops k; it reports whether k was there.
func (c *Cache[K, V]) Remove(k K) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if ok {
		c.removeElement(el)
	}
	return ok
}

// Len is the number of entries held, expired ones not yet swept included.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.recency.Len()
}

func (c *Cache[K, V]) removeElement(el *list.Element) {
	c.recency.Remove(el)
	delete(c.items, el.Value.(*entry[K, V]).key)
}

// removeExpired is the sweep: it drops expired entries and runs again
// while entries remain.
func (c *Cache[K, V]) removeExpired() {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	for el := c.recency.Back(); el != nil; {
		prev := el.Prev()
		if !now.Before(el.Value.(*entry[K, V]).expires) {
			c.removeElement(el)
		}
		el = prev
	}
	if c.recency.Len() == 0 {
		c.sweep = nil
		return
	}
	c.sweep.Reset(c.sweepEvery())
}

func (c *Cache[K, V]) sweepEvery() time.Duration { return max(time.Millisecond, c.ttl/sweepsPerTTL) }
