package forum

import (
	"context"
	"log/slog"
	"time"
)

// RunMaintenance removes expired sessions, old login limit rows and
// expired data exports once an hour until ctx ends. Every Hearth process may run it: the deletes are
// idempotent, so no coordination is needed.
func (s *Service) RunMaintenance(ctx context.Context, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		now := s.now()
		if err := s.store.DeleteExpiredSessions(ctx, now); err != nil && ctx.Err() == nil {
			log.Warn("maintenance: delete expired sessions", "error", err)
		}
		if err := s.pruneLoginLimits(ctx, now); err != nil && ctx.Err() == nil {
			log.Warn("maintenance: prune login limits", "error", err)
		}
		if err := s.prunePasswordResets(ctx); err != nil && ctx.Err() == nil {
			log.Warn("maintenance: prune password resets", "error", err)
		}
		if err := s.store.DeletePendingLoginsBefore(ctx, now); err != nil && ctx.Err() == nil {
			log.Warn("maintenance: delete expired pending logins", "error", err)
		}
		if err := s.store.DeleteWebAuthnChallengesBefore(ctx, now); err != nil && ctx.Err() == nil {
			log.Warn("maintenance: delete expired passkey challenges", "error", err)
		}
		if err := s.pruneExports(ctx, now); err != nil && ctx.Err() == nil {
			log.Warn("maintenance: prune expired exports", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// accountJobsEvery is how often RunAccountJobs looks for queued exports
// and due account deletions: a member waits at most this long for an
// export they asked for.
const accountJobsEvery = 30 * time.Second

// RunAccountJobs builds queued data exports and erases accounts whose
// deletion grace period is over, every accountJobsEvery until ctx ends.
// Every process may run it: both claim their rows (see RunExports and
// RunAccountDeletions).
func (s *Service) RunAccountJobs(ctx context.Context, log *slog.Logger) {
	t := time.NewTicker(accountJobsEvery)
	defer t.Stop()
	for {
		if _, err := s.RunExports(ctx, log); err != nil && ctx.Err() == nil {
			log.Warn("account jobs: exports", "error", err)
		}
		if _, err := s.RunAccountDeletions(ctx, log); err != nil && ctx.Err() == nil {
			log.Warn("account jobs: deletions", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
