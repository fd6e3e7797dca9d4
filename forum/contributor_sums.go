package forum

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/hearth/hearth/models"
)

// Contributor totals of the rolled-up days of a stats window are summed
// once per window and stored (models.ContributorSum), so a stats request
// reads one row of ~20,000 authors instead of grouping ~30 × 11,000 daily
// rows. The stored sum carries a stamp of the rollup state of the days it
// covers (which days, and when each was computed); a day computed again
// later gets a new computed_at, so its stamp no longer matches and the sum
// is made again from the rows. A missing or stale sum is never used: the
// request sums the rows itself and stores the result for the next one, in
// whichever process that comes. The worker keeps the default window's sum
// fresh after each rollup pass.

// keptContributorSums bounds how many windows stay stored; the default
// window is rewritten by the worker, custom ones are summed again when
// asked for after being dropped.
const keptContributorSums = 16

// rolledDays lists, in order, the days of [start, last] that are rolled
// up (in computed) and before today: the days whose contributors Stats
// reads from the rollup rather than computing live.
func rolledDays(computed map[string]time.Time, start, last, today time.Time) []string {
	var days []string
	for d := start; !d.After(last) && d.Before(today); d = d.Add(day24) {
		if _, ok := computed[dayKey(d)]; ok {
			days = append(days, dayKey(d))
		}
	}
	return days
}

// contributorSumsStamp names the rollup state of days: each day with when
// it was computed. Equal stamps mean the same daily rows were summed.
func contributorSumsStamp(days []string, computed map[string]time.Time) string {
	h := sha256.New()
	for _, d := range days {
		h.Write([]byte(d))
		h.Write([]byte{'='})
		h.Write(strconv.AppendInt(nil, computed[d].UnixNano(), 10))
		h.Write([]byte{';'})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// rolledContributors returns each author's posts and replies over the
// rolled-up days of the window [start, last] (see rolledDays), with Role
// set to ambassador for the members holding that role now. computed is the
// rollup state the caller decided live days from, so no day is counted
// both ways.
func (s *Service) rolledContributors(ctx context.Context, computed map[string]time.Time, start, last, today time.Time) ([]models.ContributorTotal, error) {
	days := rolledDays(computed, start, last, today)
	if len(days) == 0 {
		return nil, nil
	}
	totals, err := s.contributorSums(ctx, dayKey(start), days, computed, false)
	if err != nil {
		return nil, err
	}
	ambassadors, err := s.store.UserIDsWithRole(ctx, models.RoleAmbassador)
	if err != nil {
		return nil, err
	}
	if len(ambassadors) > 0 {
		amb := make(map[int64]bool, len(ambassadors))
		for _, id := range ambassadors {
			amb[id] = true
		}
		for i := range totals {
			if amb[totals[i].UserID] {
				totals[i].Role = models.RoleAmbassador
			}
		}
	}
	return totals, nil
}

// contributorSums returns the totals over days (the rolled-up days of the
// window starting at from, which ends at the last of them): the stored sum
// when its stamp matches, else summed from the daily rows and stored. A
// failed store is returned only when mustStore (the worker); a request
// still has correct figures without it.
func (s *Service) contributorSums(ctx context.Context, from string, days []string, computed map[string]time.Time, mustStore bool) ([]models.ContributorTotal, error) {
	to := days[len(days)-1]
	stamp := contributorSumsStamp(days, computed)
	stored, err := s.store.ContributorSumFor(ctx, from, to)
	if err != nil {
		return nil, err
	}
	if stored != nil && stored.Stamp == stamp {
		if totals, err := models.DecodeContributorTotals(stored.Totals); err == nil {
			return totals, nil
		}
	}
	// The stamp was taken before the rows are read: rows recomputed in
	// between come with a new computed_at, so this sum's stamp is already
	// stale for the next reader rather than wrongly fresh.
	totals, err := s.store.SumContributors(ctx, days)
	if err != nil {
		return nil, err
	}
	err = s.store.SaveContributorSum(ctx, &models.ContributorSum{FromDay: from, ToDay: to, Stamp: stamp,
		Authors: int64(len(totals)), Totals: models.EncodeContributorTotals(totals), ComputedAt: s.now()}, keptContributorSums)
	if err != nil && mustStore {
		return nil, err
	}
	return totals, nil
}

// RefreshContributorSums makes sure the default stats window's rolled-up
// days (the DefaultStatsDays-1 days before today, which Stats merges with
// today) have a current stored sum. It is cheap when they have: the
// worker calls it after every rollup pass.
func (s *Service) RefreshContributorSums(ctx context.Context) error {
	today := dayStart(s.now())
	start := today.AddDate(0, 0, -(DefaultStatsDays - 1))
	computed, err := s.store.RollupComputed(ctx, dayKey(start), dayKey(today.Add(-day24)))
	if err != nil {
		return err
	}
	days := rolledDays(computed, start, today, today)
	if len(days) == 0 {
		return nil
	}
	_, err = s.contributorSums(ctx, dayKey(start), days, computed, true)
	return err
}
