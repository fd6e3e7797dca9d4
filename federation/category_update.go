package federation

import (
	"context"
	"fmt"

	"github.com/hearth/hearth/models"
)

// CategoryUpdated sends Update{Group} to a category's followers when an
// admin renames it or changes its description, so their servers refresh
// the cached actor. The Group's id never changes (categoryRef), so
// followers stay followers: Mastodon and Lemmy take an Update of a known
// actor id with a new name and preferredUsername and re-resolve the
// handle; nothing has to follow again.
func (o outbox) CategoryUpdated(ctx context.Context, c *models.Category) error {
	f := o.f
	ref := f.categoryRef(c)
	inboxes, err := f.store.FollowerInboxes(ctx, ref.kind, ref.id)
	if err != nil || len(inboxes) == 0 {
		return err
	}
	doc, err := f.categoryDocument(ctx, c)
	if err != nil {
		return err
	}
	now := f.now()
	// The time makes each update's id unique: peers drop ids they have seen.
	id := fmt.Sprintf("%s#update-%d", ref.url, now.UnixMicro())
	return f.enqueue(ctx, ref, f.wrapActivity("Update", id, ref, doc, now), inboxes)
}
