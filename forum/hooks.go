package forum

import (
	"context"

	"github.com/hearth/hearth/models"
)

// Hooks lets a peer (federation) react to forum changes inside the same
// transaction. Each method is called at the end of the store.WithTx body that
// made the change, with the transaction in ctx: whatever it writes (a
// delivery job, say) is committed exactly when the change is, so a rolled
// back post leaves no phantom delivery and a committed one never misses its
// delivery. An error rolls the change back, so hooks should only fail when
// the database does. Hooks keep forum free of any federation import.
type Hooks interface {
	// ThreadCreated is called once a thread and its first post are stored.
	ThreadCreated(ctx context.Context, t *models.Thread, first *models.Post) error
	// PostCreated is called once a reply is stored.
	PostCreated(ctx context.Context, t *models.Thread, p *models.Post) error
	// PostEdited is called once a post's new body is stored (not when an
	// edit changed nothing).
	PostEdited(ctx context.Context, p *models.Post) error
	// PostDeleted is called once a post is marked deleted.
	PostDeleted(ctx context.Context, p *models.Post) error
}

// SetHooks installs h; nil removes any, so tests without federation need do
// nothing. Call it while wiring, before the service handles requests: the
// field is not guarded, as Service holds no other mutable state.
func (s *Service) SetHooks(h Hooks) {
	if h == nil {
		h = noHooks{}
	}
	s.hooks = privateGuard{inner: h, svc: s}
}

// noHooks is the default: forum changes concern nobody else.
type noHooks struct{}

func (noHooks) ThreadCreated(context.Context, *models.Thread, *models.Post) error { return nil }
func (noHooks) PostCreated(context.Context, *models.Thread, *models.Post) error   { return nil }
func (noHooks) PostEdited(context.Context, *models.Post) error                    { return nil }
func (noHooks) PostDeleted(context.Context, *models.Post) error                   { return nil }

// AccountHooks is optional: hooks that also implement it hear of erased
// accounts (federation sends Delete{Person} to the servers that know the
// member).
type AccountHooks interface {
	// AccountDeleted is called in the transaction that erases a member's
	// account, with the account as it was before (its old username, which
	// its actor id is made of), after its erased posts' PostDeleted.
	AccountDeleted(ctx context.Context, u *models.User) error
}
