package forum

import (
	"context"
	"time"

	"github.com/hearth/hearth/models"
)

// Retention weeks: the default and the most a request may ask for.
const (
	DefaultRetentionWeeks = 8
	MaxRetentionWeeks     = 52
)

// Cohort is the members who joined in one week (Monday 00:00 UTC onwards)
// and, for each following week up to the current one, the share of them
// active in it.
type Cohort struct {
	WeekStart time.Time
	Members   int
	Retention []float64 // [0] is the week after joining
}

// Retention computes weekly cohorts for the last `weeks` weeks, the current
// one included; weeks 0 means DefaultRetentionWeeks. Activity comes from
// the weekly rollup, pre-counted per cohort and week (cohort_weeks); the
// days not rolled up yet (today always) are read live and merged.
func (s *Service) Retention(ctx context.Context, actor *models.User, weeks int) ([]Cohort, error) {
	if err := checkStatsReader(actor); err != nil {
		return nil, err
	}
	if weeks == 0 {
		weeks = DefaultRetentionWeeks
	}
	if weeks < 1 || weeks > MaxRetentionWeeks {
		return nil, invalid("weeks", "errors.community_retention.weeks_must_between_1")
	}
	now := s.now()
	today := dayStart(now)
	thisWeek := weekStart(today)
	first := thisWeek.AddDate(0, 0, -7*(weeks-1))
	weekOf := func(t time.Time) int { return int(weekStart(t).Sub(first) / (7 * day24)) }
	cohorts := make([]Cohort, weeks)
	for i := range cohorts {
		cohorts[i] = Cohort{WeekStart: first.AddDate(0, 0, 7*i), Retention: make([]float64, weeks-1-i)}
	}
	// Cohort sizes: one count per week from the idx_users_created range
	// (listing the members to bucket them in Go parsed every join time).
	total := 0
	for i := range cohorts {
		n, err := s.store.NewLocalMembersBetween(ctx, cohorts[i].WeekStart, cohorts[i].WeekStart.AddDate(0, 0, 7))
		if err != nil {
			return nil, err
		}
		cohorts[i].Members = int(n)
		total += int(n)
	}
	if total == 0 {
		return cohorts, nil
	}
	counts, err := s.store.CohortCounts(ctx, dayKey(first))
	if err != nil {
		return nil, err
	}
	for _, c := range counts {
		jw, err1 := time.Parse(dayLayout, c.JoinWeek)
		w, err2 := time.Parse(dayLayout, c.Week)
		if err1 != nil || err2 != nil {
			continue
		}
		j, k := weekOf(jw), weekOf(w)
		if j >= 0 && k > j && k < weeks {
			cohorts[j].Retention[k-j-1] += float64(c.N)
		}
	}
	// Days not rolled up yet (today always) are read live and merged, each
	// member counted once per week: members the week's rollup rows already
	// count are left out by the query, those seen on an earlier live day of
	// the week here. Only members who joined before the day's week can
	// count in it.
	computed, err := s.store.RollupComputed(ctx, dayKey(first), dayKey(today))
	if err != nil {
		return nil, err
	}
	seen := map[[2]int64]bool{}
	for d := first; !d.After(today); d = d.Add(day24) {
		if _, ok := computed[dayKey(d)]; ok && d.Before(today) {
			continue
		}
		k, ws := weekOf(d), weekStart(d)
		if !ws.After(first) {
			continue // the first cohort's own week: nobody can count yet
		}
		act, err := s.store.UncountedActiveBetween(ctx, d, d.Add(day24), first, ws, dayKey(ws), dayKey(first))
		if err != nil {
			return nil, err
		}
		for _, m := range act {
			j, key := weekOf(m.CreatedAt), [2]int64{int64(k), m.ID}
			if seen[key] || j < 0 || k <= j || k >= weeks {
				continue
			}
			seen[key] = true
			cohorts[j].Retention[k-j-1]++
		}
	}
	for i := range cohorts {
		for k := range cohorts[i].Retention {
			if cohorts[i].Members > 0 {
				cohorts[i].Retention[k] /= float64(cohorts[i].Members)
			}
		}
	}
	return cohorts, nil
}
