package forum

import "context"

// PruneExports runs the maintenance step that removes expired exports,
// for tests.
func (s *Service) PruneExports(ctx context.Context) error { return s.pruneExports(ctx, s.now()) }
