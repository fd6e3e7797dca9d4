package federation

import (
	"context"
	"sync"
	"time"

	"github.com/hearth/hearth/models"
)

// groupFollowedCache remembers which categories have at least one
// group-aware follower, so relaying a remote activity (RemoteAccepted)
// costs nothing in a category that has none: the inbox's statement budget
// (TestInboxStatementsPerActivity) holds. The set is reloaded, by one
// caller, once groupFollowedTTL has passed, and dropped at once by this
// process's own follow changes, so a new Lemmy follower is relayed to at
// once here and within the TTL in any other process sharing the database
// (the block lists in forum/block_cache.go work the same way). The set is
// small: one id per followed category.
type groupFollowedCache struct {
	mu     sync.Mutex
	ids    map[int64]bool
	loaded time.Time
	gen    uint64 // invalidations; a load begun before one is not kept
}

const groupFollowedTTL = time.Second

// has reports whether category id has a group-aware follower. The expiry
// uses real time: it is about freshness across processes, not forum rules.
func (c *groupFollowedCache) has(ctx context.Context, store *models.Store, id int64) (bool, error) {
	c.mu.Lock()
	if c.ids != nil && time.Since(c.loaded) < groupFollowedTTL {
		ok := c.ids[id]
		c.mu.Unlock()
		return ok, nil
	}
	gen := c.gen
	c.mu.Unlock()
	list, err := store.LocalActorsWithGroupAwareFollowers(ctx, models.ActorTypeCategory, groupAwareTypes, groupAwareSoftware)
	if err != nil {
		return false, err
	}
	ids := make(map[int64]bool, len(list))
	for _, x := range list {
		ids[x] = true
	}
	c.mu.Lock()
	if c.gen == gen {
		c.ids, c.loaded = ids, time.Now()
	}
	c.mu.Unlock()
	return ids[id], nil
}

// invalidate drops the set: a follower came or went, or an actor's type
// or a host's software became known.
func (c *groupFollowedCache) invalidate() {
	c.mu.Lock()
	c.ids = nil
	c.gen++
	c.mu.Unlock()
}
