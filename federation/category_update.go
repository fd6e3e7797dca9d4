package federation

import (
	"context"
	"fmt"

	"github.com/hearth/hearth/models"
)

// CategoryUpdated sends Update{Group} to a category's followers when an
// admin renames it or changes its description, so their servers refresh
// the cached actor. The Group's id never changes (categoryRef), so
// follows and deliveries, which peers key on the id, carry on: nobody has
// to follow again. The new name shows at once; a new preferredUsername is
// taken by servers that confirm it through WebFinger (Mastodon's proposed
// handling, mastodon/mastodon#30361, checks that acct:NEW@host resolves to
// the same id, which ours does); others keep showing the old handle, which
// still resolves here. Lemmy simply forbids renaming communities
// (LemmyNet/lemmy#964) because its ids contain the name; ours do not.
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
