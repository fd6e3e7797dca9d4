package forum

import (
	"context"

	"github.com/hearth/hearth/models"
)

// FollowHooks is optional: hooks that also implement it hear of follows
// this forum ends on its own (an instance suspended), so the other side can
// be told (federation sends Reject{Follow} to the remote followers and
// Undo{Follow} for the members' follows): without it the peer still
// believes the follow stands.
type FollowHooks interface {
	// FollowsSevered is called in the transaction that removes the rows,
	// before they go.
	FollowsSevered(ctx context.Context, followers []models.Follower, following []models.Following) error
}

// FollowsSevered passes through the private-category guard: a follow names
// no post.
func (g privateGuard) FollowsSevered(ctx context.Context, followers []models.Follower, following []models.Following) error {
	if h, ok := g.inner.(FollowHooks); ok {
		return h.FollowsSevered(ctx, followers, following)
	}
	return nil
}

// severFollows removes every follow between local actors and the remote
// actors ids, telling the hooks first.
func (s *Service) severFollows(ctx context.Context, ids []int64) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	if h, ok := s.hooks.(FollowHooks); ok {
		followers, following, err := s.store.FollowsOfRemoteActors(ctx, ids)
		if err != nil {
			return 0, err
		}
		if len(followers)+len(following) > 0 {
			if err := h.FollowsSevered(ctx, followers, following); err != nil {
				return 0, err
			}
		}
	}
	return s.store.RemoveFollowsOfRemoteActors(ctx, ids)
}
