package forum

import (
	"context"

	"github.com/hearth/hearth/models"
)

// The ambassadors' private category: visible to ambassadors and staff only,
// and never federated (no actor, no WebFinger, no deliveries, 404 to
// ActivityPub fetches). Public lists drop its threads (summarizeWith),
// CategoryBySlug and the federation reads treat it as missing, and the
// hooks federation installs are never told about its posts.

// CategoriesFor lists the categories the viewer may see, flat.
func (s *Service) CategoriesFor(ctx context.Context, viewer *models.User) ([]models.Category, error) {
	all, err := s.store.Categories(ctx)
	if err != nil {
		return nil, err
	}
	out := all[:0:0]
	for _, c := range all {
		if CanSeeCategory(viewer, &c) {
			out = append(out, c)
		}
	}
	return out, nil
}

func dropPrivateThreads(ts []models.Thread, cats []models.Category) []models.Thread {
	private := map[int64]bool{}
	for _, c := range cats {
		if c.AmbassadorsOnly {
			private[c.ID] = true
		}
	}
	if len(private) == 0 {
		return ts
	}
	out := ts[:0:0]
	for _, t := range ts {
		if !private[t.CategoryID] {
			out = append(out, t)
		}
	}
	return out
}

// inPrivateCategory reports whether a thread belongs to a private category.
func (s *Service) inPrivateCategory(ctx context.Context, threadID int64) (bool, error) {
	t, err := s.store.ThreadByID(ctx, threadID)
	if err != nil {
		return false, mapNotFound(err)
	}
	c, err := s.store.CategoryByID(ctx, t.CategoryID)
	if err != nil {
		return false, mapNotFound(err)
	}
	return c.AmbassadorsOnly, nil
}

// privateGuard wraps the installed hooks so nothing about a private
// category's threads reaches federation.
type privateGuard struct {
	inner Hooks
	svc   *Service
}

func (g privateGuard) skip(ctx context.Context, threadID int64) (bool, error) {
	return g.svc.inPrivateCategory(ctx, threadID)
}

func (g privateGuard) ThreadCreated(ctx context.Context, t *models.Thread, first *models.Post) error {
	if skip, err := g.skip(ctx, t.ID); err != nil || skip {
		return err
	}
	return g.inner.ThreadCreated(ctx, t, first)
}

func (g privateGuard) PostCreated(ctx context.Context, t *models.Thread, p *models.Post) error {
	if skip, err := g.skip(ctx, t.ID); err != nil || skip {
		return err
	}
	return g.inner.PostCreated(ctx, t, p)
}

func (g privateGuard) PostEdited(ctx context.Context, p *models.Post) error {
	if skip, err := g.skip(ctx, p.ThreadID); err != nil || skip {
		return err
	}
	return g.inner.PostEdited(ctx, p)
}

func (g privateGuard) PostDeleted(ctx context.Context, p *models.Post) error {
	if skip, err := g.skip(ctx, p.ThreadID); err != nil || skip {
		return err
	}
	return g.inner.PostDeleted(ctx, p)
}

// The optional hooks pass through the guard too: without these, wrapping
// would hide them from the type assertions that look for them
// (moderationHooks, PollHooks), and federation would never hear of hides,
// forwarded reports or votes.

func (g privateGuard) PostHidden(ctx context.Context, p *models.Post, on bool) error {
	h, ok := g.inner.(ModerationHooks)
	if !ok {
		return nil
	}
	if skip, err := g.skip(ctx, p.ThreadID); err != nil || skip {
		return err
	}
	return h.PostHidden(ctx, p, on)
}

func (g privateGuard) ReportForwarded(ctx context.Context, r ForwardedReport) error {
	if h, ok := g.inner.(ModerationHooks); ok {
		return h.ReportForwarded(ctx, r) // about a remote post: never private
	}
	return nil
}

func (g privateGuard) PollVoted(ctx context.Context, p *models.Poll, voter *models.User, choices []int) error {
	h, ok := g.inner.(PollHooks)
	if !ok {
		return nil
	}
	if p.ThreadID != nil {
		if skip, err := g.skip(ctx, *p.ThreadID); err != nil || skip {
			return err
		}
	}
	return h.PollVoted(ctx, p, voter, choices)
}

// AccountDeleted passes through: a Delete{Person} names no post, so
// nothing private can leak through it.
func (g privateGuard) AccountDeleted(ctx context.Context, u *models.User) error {
	if h, ok := g.inner.(AccountHooks); ok {
		return h.AccountDeleted(ctx, u)
	}
	return nil
}
