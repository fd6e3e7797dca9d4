package forum

import (
	"context"
	"time"

	"github.com/hearth/hearth/models"
)

// TodayRollups computes today's rollup up to upTo twice, for tests: from
// the stored partial plus what was written since (ok false when no partial
// is usable), and fully live.
func (s *Service) TodayRollups(ctx context.Context, upTo time.Time) (partial, live *models.DayRollup, ok bool, err error) {
	d0 := dayStart(upTo)
	if partial, ok, err = s.todayFromPartial(ctx, d0, upTo); err != nil {
		return nil, nil, false, err
	}
	live, err = s.computeDay(ctx, d0, upTo)
	return partial, live, ok, err
}

// PruneLoginLimits runs the maintenance step for login limits, for tests.
func (s *Service) PruneLoginLimits(ctx context.Context) error {
	return s.pruneLoginLimits(ctx, s.now())
}
