package forum

import "context"

// CheckWritable makes one tiny committed write for the process named
// process (its health probe row), so a health check fails when the
// database answers but cannot take a write: a full disk, a read-only
// failover, locks held past busy_timeout. The error is ErrUnavailable when
// the database is the cause.
func (s *Service) CheckWritable(ctx context.Context, process string) error {
	return s.store.WriteHealthCheck(ctx, process, s.now())
}
