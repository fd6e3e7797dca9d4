package forum

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/hearth/hearth/models"
)

// Daily rollups: each past day's community figures are computed once into
// the rollup tables (models/analytics.go), so the dashboard reads a few
// rows per day instead of scanning posts. Today, and any day not rolled up
// yet, is computed live from the same function and merged, so figures are
// current and never depend on whether a worker has run.

const (
	day24 = 24 * time.Hour
	// rollupLease bounds how long a crashed process keeps a day claimed.
	rollupLease = 10 * time.Minute
	// rollupSettle: a day is recomputed until it was computed this long
	// after it ended, so late facts (an answer within 24 h to a newcomer's
	// first post, a session's last use) are counted.
	rollupSettle = 48 * time.Hour
	// rollupLookback is how far back the worker fills missing days.
	rollupLookback = 400
)

func dayStart(t time.Time) time.Time { return t.UTC().Truncate(day24) }

func dayKey(t time.Time) string { return t.UTC().Format(dayLayout) }

// weekStart is the Monday 00:00 UTC of t's week.
func weekStart(t time.Time) time.Time {
	d := dayStart(t)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// computeDay derives one day's rollup from the live tables, counting what
// happened before upTo (the day's end for past days, now for today).
func (s *Service) computeDay(ctx context.Context, day, upTo time.Time) (*models.DayRollup, error) {
	d0 := dayStart(day)
	end := d0.Add(day24)
	if upTo.Before(end) {
		end = upTo
	}
	key := dayKey(d0)
	posts, err := s.store.PostsBetween(ctx, d0, end)
	if err != nil {
		return nil, err
	}
	acc := newDayAcc()
	for i := range posts {
		acc.add(&posts[i])
	}
	r, err := s.finish(ctx, acc, d0, end)
	if err != nil {
		return nil, err
	}
	answers, err := s.firstAnswerPosts(ctx, posts, d0)
	if err != nil {
		return nil, err
	}
	r.Responses = responses(answers, key)
	if r.FirstPosts, err = s.firstPostsBetween(ctx, d0, end, upTo, key); err != nil {
		return nil, err
	}
	return r, nil
}

// ErrRollupBusy: another process is computing that day right now.
var ErrRollupBusy = fmt.Errorf("another process is computing this day")

// RollupDay computes and stores one past day's figures. Only one process
// computes a day at a time (a claim in rollup_days); computing a day again
// over unchanged data writes the same rows. Today and later are refused:
// they are not over, and the dashboard computes them live.
func (s *Service) RollupDay(ctx context.Context, day time.Time) error {
	d0 := dayStart(day)
	now := s.now()
	if !d0.Add(day24).After(d0) || !d0.Before(dayStart(now)) {
		return invalid("day", "errors.rollup.only_days_before_today")
	}
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	key := dayKey(d0)
	ok, err := s.store.ClaimRollupDay(ctx, key, token, now, rollupLease)
	if err != nil {
		return err
	}
	if !ok {
		return ErrRollupBusy
	}
	r, err := s.computeDay(ctx, d0, now)
	if err == nil {
		err = s.store.SaveDayRollup(ctx, r, dayKey(d0.AddDate(0, 0, -7)), dayKey(d0.AddDate(0, 0, -30)))
	}
	if err != nil {
		_ = s.store.ReleaseRollupDay(context.WithoutCancel(ctx), key, token)
		return fmt.Errorf("rollup %s: %w", key, err)
	}
	return s.store.FinishRollupDay(ctx, key, token, s.now())
}

// RollupRange computes every day from..to (both included) in order, for
// `hearth admin rollup`; days another process holds are skipped and
// counted.
func (s *Service) RollupRange(ctx context.Context, from, to time.Time) (done, busy int, err error) {
	for d := dayStart(from); !d.After(dayStart(to)); d = d.Add(day24) {
		switch err := s.RollupDay(ctx, d); {
		case err == nil:
			done++
		case err == ErrRollupBusy:
			busy++
		default:
			return done, busy, err
		}
	}
	return done, busy, nil
}

// RollupPending computes the past days that are missing or not settled
// (computed less than rollupSettle after they ended), oldest first, from
// the first post on (at most rollupLookback days back). limit > 0 stops
// after that many days, and more reports that days are still pending, so
// the worker can spread a long catch-up over several passes (see
// RunRollups). Oldest first matters: a day's weekly and monthly active
// counts read the days before it, so each day must follow its past.
func (s *Service) RollupPending(ctx context.Context, limit int) (done int, more bool, err error) {
	now := s.now()
	today := dayStart(now)
	first, err := s.store.FirstPostAt(ctx)
	if err != nil || first == nil {
		return 0, false, err
	}
	start := dayStart(*first)
	if lb := today.AddDate(0, 0, -rollupLookback); start.Before(lb) {
		start = lb
	}
	if !start.Before(today) {
		return 0, false, nil
	}
	computed, err := s.store.RollupComputed(ctx, dayKey(start), dayKey(today.Add(-day24)))
	if err != nil {
		return 0, false, err
	}
	for d := start; d.Before(today); d = d.Add(day24) {
		if at, ok := computed[dayKey(d)]; ok && !at.Before(d.Add(day24+rollupSettle)) {
			continue
		}
		if limit > 0 && done == limit {
			return done, true, nil
		}
		if err := s.RollupDay(ctx, d); err != nil && err != ErrRollupBusy {
			return done, false, err
		}
		done++
		if ctx.Err() != nil {
			return done, false, ctx.Err()
		}
	}
	return done, false, nil
}
