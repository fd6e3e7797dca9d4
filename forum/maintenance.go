package forum

import (
	"context"
	"log/slog"
	"time"
)

// RunMaintenance removes expired sessions and old login limit rows once an
// hour until ctx ends. Every Hearth process may run it: the deletes are
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
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
