package forum

import (
	"context"

	"github.com/hearth/hearth/models"
)

// ThreadHooks is optional: hooks that also implement it hear of thread
// moderation that servers holding the thread must learn of (issue 13,
// "moderation crosses the border"). Each runs in the transaction that
// made the change, with the thread as it now is; by is the moderator.
type ThreadHooks interface {
	// ThreadLocked is called when a thread is locked (on) or reopened.
	ThreadLocked(ctx context.Context, by *models.User, t *models.Thread, on bool) error
	// ThreadMoved is called when a thread moved from category from to its
	// current one.
	ThreadMoved(ctx context.Context, by *models.User, t *models.Thread, from *models.Category) error
	// ThreadsMerged is called when the posts of src moved into dst; src
	// is now deleted (merged_into_id names dst).
	ThreadsMerged(ctx context.Context, by *models.User, src, dst *models.Thread) error
}

func (s *Service) threadHooks() ThreadHooks {
	h, _ := s.hooks.(ThreadHooks)
	return h
}

// The guard passes thread hooks on for threads in public categories only:
// a thread now in a private category is never described to peers.

func (g privateGuard) ThreadLocked(ctx context.Context, by *models.User, t *models.Thread, on bool) error {
	h, ok := g.inner.(ThreadHooks)
	if !ok {
		return nil
	}
	if skip, err := g.skip(ctx, t.ID); err != nil || skip {
		return err
	}
	return h.ThreadLocked(ctx, by, t, on)
}

func (g privateGuard) ThreadMoved(ctx context.Context, by *models.User, t *models.Thread, from *models.Category) error {
	h, ok := g.inner.(ThreadHooks)
	if !ok {
		return nil
	}
	if skip, err := g.skip(ctx, t.ID); err != nil || skip {
		return err
	}
	return h.ThreadMoved(ctx, by, t, from)
}

func (g privateGuard) ThreadsMerged(ctx context.Context, by *models.User, src, dst *models.Thread) error {
	h, ok := g.inner.(ThreadHooks)
	if !ok {
		return nil
	}
	if skip, err := g.skip(ctx, dst.ID); err != nil || skip {
		return err
	}
	return h.ThreadsMerged(ctx, by, src, dst)
}
