package forum

import (
	"context"

	"github.com/hearth/hearth/models"
)

// Relaying remote activity. A category's Group announces every activity
// accepted in its threads to its group-aware followers (FEP-1b12), those
// that came from other servers included: a Lemmy or NodeBB follower would
// otherwise see only what members here write. The forum decides what was
// accepted (published, not held, not refused); federation decides who
// hears of it.

// RelayHooks is optional: hooks that also implement it hear of each
// activity from another server that changed a public thread (a reply
// published, an edit or a deletion by its author, a like), with the
// activity exactly as it arrived, in the transaction that applied it. A
// held reply is relayed when an approver publishes it, never before; a
// refused or repeated activity is never relayed.
type RelayHooks interface {
	RemoteAccepted(ctx context.Context, cat *models.Category, p *models.Post, activity []byte) error
}

// relayRemote tells the hooks that activity was accepted for post p in
// category cat (nil: read from p's thread). Nothing is relayed without an
// activity (a remote post stored by a test or a tool) or for a post that
// is not visible to everyone.
func (s *Service) relayRemote(ctx context.Context, cat *models.Category, p *models.Post, activity []byte) error {
	h, ok := s.hooks.(RelayHooks)
	if !ok || len(activity) == 0 || p.HiddenAt != nil {
		return nil
	}
	if cat == nil {
		_, c, err := s.store.ThreadCategory(ctx, p.ThreadID)
		if err != nil {
			return mapNotFound(err)
		}
		cat = c
	}
	return h.RemoteAccepted(ctx, cat, p, activity)
}

// RemoteAccepted passes through the private-category guard: activity in a
// private category is never relayed.
func (g privateGuard) RemoteAccepted(ctx context.Context, cat *models.Category, p *models.Post, activity []byte) error {
	h, ok := g.inner.(RelayHooks)
	if !ok || cat.AmbassadorsOnly {
		return nil
	}
	return h.RemoteAccepted(ctx, cat, p, activity)
}
