package forum

import (
	"context"
	"log/slog"
	"time"
)

// RollupSchedule paces RunRollups. A process starting on a forum with a
// long history (or after months switched off) has hundreds of days to
// catch up; computing them all at start made start-up read every post of
// the last 400 days at once, which held 20-30 MB more heap and, through
// SQLite's memory map, most of the database file in resident memory right
// when a fresh process should be small (.ci/load.sh: 129 MB idle). So a
// pass computes at most DaysPerPass days, and while days remain the next
// pass follows after CatchUpEvery instead of Every.
type RollupSchedule struct {
	// Every is the pause between passes once caught up (new days to
	// settle appear once a day, so this only bounds the delay).
	Every time.Duration
	// CatchUpEvery is the pause between passes while days remain.
	CatchUpEvery time.Duration
	// DaysPerPass bounds the days one pass computes (at least 1).
	DaysPerPass int
	// After returns a channel that delivers once d has passed; nil means
	// time.After. Tests pass their own to drive the passes by hand.
	After func(d time.Duration) <-chan time.Time
	// AfterPass, if set, runs after each pass that computed days: serve
	// hands the heap a pass used and freed back to the kernel (a week of
	// posts read and summed), so a catching-up process does not grow a
	// little with every pass while it is otherwise idle.
	AfterPass func()
}

// DefaultRollupSchedule is what `hearth serve` runs: a week of days per
// pass, a pass every 15 s while catching up (400 days in under 15
// minutes, each pass a few hundred milliseconds on the load forum), then
// every 10 minutes.
func DefaultRollupSchedule() RollupSchedule {
	return RollupSchedule{Every: 10 * time.Minute, CatchUpEvery: 15 * time.Second, DaysPerPass: 7}
}

// RunRollups keeps the rollups up to date until ctx ends: at most
// DaysPerPass past days at start and per pass after (see RollupSchedule),
// the default stats window's contributor sums refreshed once the days are
// caught up; today's partial (see rollup_partial.go) at start, then every
// partialRefresh. Every process may run it; claims keep them apart.
func (s *Service) RunRollups(ctx context.Context, log *slog.Logger, sched RollupSchedule) {
	after := sched.After
	if after == nil {
		after = time.After
	}
	perPass := max(1, sched.DaysPerPass)
	pending, partial := true, true
	var pendingC, partialC <-chan time.Time
	for {
		if pending {
			wait := sched.Every
			n, more, err := s.RollupPending(ctx, perPass)
			switch {
			case err != nil && ctx.Err() == nil:
				log.Warn("rollup: compute pending days", "error", err)
			case n > 0:
				log.Info("rollup: computed days", "days", n, "more", more)
				if sched.AfterPass != nil {
					sched.AfterPass()
				}
			}
			if more {
				wait = sched.CatchUpEvery
			} else if err := s.RefreshContributorSums(ctx); err != nil && ctx.Err() == nil {
				log.Warn("rollup: refresh contributor sums", "error", err)
			}
			pendingC = after(wait)
		}
		if partial {
			if _, err := s.RefreshTodayPartial(ctx); err != nil && ctx.Err() == nil {
				log.Warn("rollup: refresh today's partial", "error", err)
			}
			partialC = after(partialRefresh)
		}
		pending, partial = false, false
		select {
		case <-ctx.Done():
			return
		case <-pendingC:
			pending = true
		case <-partialC:
			partial = true
		}
	}
}
