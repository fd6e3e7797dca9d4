package forum

import (
	"context"
	"errors"

	"github.com/hearth/hearth/models"
)

// MarkSolution marks a reply as its thread's solution, replacing any earlier
// one. Marking the reply that already is the solution changes and records
// nothing, so a retried request is harmless. A solved thread leaves the
// needs-response queue.
func (s *Service) MarkSolution(ctx context.Context, actor *models.User, postID int64) (*models.ThreadSolution, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	var sol *models.ThreadSolution
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		p, t, err := s.PostFor(ctx, actor, postID)
		if err != nil {
			return err
		}
		if p.Number <= 1 && (actor.ID == t.UserID || actor.IsStaff()) {
			return invalid("post", "errors.solutions.first_post_question_mark")
		}
		if !CanMarkSolution(actor, t, p) {
			return ErrForbidden
		}
		old, err := s.store.SolutionOf(ctx, t.ID)
		switch {
		case err == nil && old.PostID == p.ID:
			sol = old
			return nil
		case err != nil && !errors.Is(err, models.ErrNotFound):
			return err
		}
		now := s.now()
		sol = &models.ThreadSolution{ThreadID: t.ID, PostID: p.ID, MarkedBy: actor.ID, CreatedAt: now}
		if err := s.store.SetSolution(ctx, sol); err != nil {
			return err
		}
		// The thread page shows which reply solved it.
		if err := s.store.TouchThread(ctx, t.ID, now); err != nil {
			return err
		}
		details := map[string]any{"post_id": p.ID}
		if old != nil {
			details["replaced_post_id"] = old.PostID
		}
		return s.record(ctx, actor, "thread.solution", TargetThread, t.ID, "", details, now)
	})
	if err != nil {
		return nil, err
	}
	return sol, nil
}
