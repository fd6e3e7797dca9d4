package federation

import (
	"context"

	"github.com/hearth/hearth/models"
)

// AccountDeleted queues the member's Delete{Person} to every server that
// knows them: their followers' inboxes and every inbox they were ever sent
// an activity to (replies to remote people, their Deletes of erased
// posts, queued in the same transaction just before). It is signed with
// the member's key, which outlives the account for that purpose, and names
// the actor id made of the old username.
func (o outbox) AccountDeleted(ctx context.Context, u *models.User) error {
	if u.IsRemote() {
		return nil
	}
	f := o.f
	ref := f.userRef(u)
	followers, err := f.store.FollowerInboxes(ctx, ref.kind, ref.id)
	if err != nil {
		return err
	}
	known, err := f.store.DeliveryInboxesOf(ctx, ref.kind, ref.id)
	if err != nil {
		return err
	}
	inboxes := append(followers, known...)
	if len(inboxes) == 0 {
		return nil
	}
	act := map[string]any{
		"@context":  jsonLDContext,
		"id":        ref.url + "#delete",
		"type":      "Delete",
		"actor":     ref.url,
		"object":    ref.url,
		"published": f.now().UTC().Format("2006-01-02T15:04:05Z"),
		"to":        []any{publicAddress},
		"cc":        []any{ref.followers()},
	}
	return f.enqueue(ctx, ref, act, inboxes)
}
