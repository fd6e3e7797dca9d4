package federation

import (
	"crypto/rsa"
	"time"

	"github.com/hearth/hearth/ttlcache"

	"github.com/hearth/hearth/models"
)

// keyCache remembers, per key id, the actor owning it and its parsed
// public key, so verifying a signed request costs no database read and no
// PEM parsing once a peer is known. It is only a cache: a stale entry (a
// rotated key) fails verification and verifyRequest refetches the actor,
// replacing the entry; entries expire after keyCacheTTL so an actor's
// other changes reach every process.
type keyCache struct {
	lru *ttlcache.Cache[string, cachedKey]
}

type cachedKey struct {
	actor *models.RemoteActor
	key   *rsa.PublicKey
}

const (
	keyCacheEntries = 10000
	keyCacheTTL     = 5 * time.Minute
)

func newKeyCache() *keyCache {
	return &keyCache{lru: ttlcache.New[string, cachedKey](keyCacheEntries, keyCacheTTL)}
}

func (c *keyCache) get(keyID string) (cachedKey, bool) { return c.lru.Get(keyID) }

func (c *keyCache) put(keyID string, k cachedKey) { c.lru.Add(keyID, k) }

// drop forgets keyID's entry, so the next request signed with it is checked
// against the stored actor (a rotated key, a deleted account).
func (c *keyCache) drop(keyID string) {
	if keyID != "" {
		c.lru.Remove(keyID)
	}
}
