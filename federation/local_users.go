package federation

import (
	"context"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// localUser loads a member by username for the actor routes. Remote
// authors also have users rows ("bob@mastodon.social"), but they are
// actors of their own servers: serving them here would mint a second,
// forged identity with a Hearth key, so they are not found.
func (f *Federation) localUser(ctx context.Context, name string) (*models.User, error) {
	u, err := f.svc.UserByUsername(ctx, name)
	if err != nil {
		return nil, err
	}
	// An erased account's tombstone is no actor either: its Delete
	// already told the fediverse it is gone.
	if u.IsRemote() || u.ErasedAt != nil {
		return nil, forum.ErrNotFound
	}
	return u, nil
}
