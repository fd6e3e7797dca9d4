package forum

import (
	"context"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/hearth/hearth/models"
)

// The community manager's figures. Who may see what is decided here, beside
// the features, while they are one slice: staff see everything; ambassadors,
// who answer members, read the needs-response queue but not the analytics.

func checkCommunityReader(actor *models.User) error {
	if actor == nil {
		return ErrUnauthorized
	}
	if !CanReadNeedsResponse(actor) {
		return ErrForbidden
	}
	return nil
}

func checkStatsReader(actor *models.User) error {
	if actor == nil {
		return ErrUnauthorized
	}
	if !CanReadCommunityStats(actor) {
		return ErrForbidden
	}
	return nil
}

// CommunityStats are the headline figures for a window of days.
type CommunityStats struct {
	From, To          time.Time // first day, and the day after the last (exclusive)
	DAU, WAU, MAU     int64     // active members in the last 1, 7, 30 days of the window
	NewMembers        int64
	Posts, Threads    int64
	TTFRMedianSeconds int64 // time to first response by someone else, over answered threads
	TTFRP90Seconds    int64
	NoResponseShare   float64 // threads started in the window still unanswered / threads started
	RemoteFollowers   int64   // every remote follow of a local actor, now
	RemoteReplies     int64   // posts in the window by fediverse accounts
}

// DefaultStatsDays is the window when none is given.
const DefaultStatsDays = 30

const dayLayout = "2006-01-02"

// Stats computes the headline figures for the days from..to (YYYY-MM-DD,
// both included, UTC); empty means the last DefaultStatsDays days.
func (s *Service) Stats(ctx context.Context, actor *models.User, from, to string) (*CommunityStats, error) {
	if err := checkStatsReader(actor); err != nil {
		return nil, err
	}
	today := s.now().UTC().Truncate(24 * time.Hour)
	v := validation{}
	end, start := today, today.AddDate(0, 0, -(DefaultStatsDays-1))
	if to = strings.TrimSpace(to); to != "" {
		t, err := time.Parse(dayLayout, to)
		if err != nil {
			v.add("to", "use a date like 2026-01-31")
		}
		end, start = t, t.AddDate(0, 0, -(DefaultStatsDays-1))
	}
	if from = strings.TrimSpace(from); from != "" {
		t, err := time.Parse(dayLayout, from)
		if err != nil {
			v.add("from", "use a date like 2026-01-01")
		}
		start = t
	}
	if start.After(end) {
		v.add("from", "from must not be after to")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	end = end.AddDate(0, 0, 1) // make the last day inclusive
	st := &CommunityStats{From: start, To: end}
	counts := []struct {
		dst  *int64
		from time.Time
		fn   func(context.Context, time.Time, time.Time) (int64, error)
	}{
		{&st.DAU, end.AddDate(0, 0, -1), s.store.CountActiveMembers},
		{&st.WAU, end.AddDate(0, 0, -7), s.store.CountActiveMembers},
		{&st.MAU, end.AddDate(0, 0, -30), s.store.CountActiveMembers},
		{&st.NewMembers, start, s.store.CountNewMembers},
		{&st.Threads, start, s.store.CountThreadsIn},
	}
	var err error
	for _, c := range counts {
		if *c.dst, err = c.fn(ctx, c.from, end); err != nil {
			return nil, err
		}
	}
	if st.Posts, err = s.store.CountPostsIn(ctx, start, end, false); err != nil {
		return nil, err
	}
	if st.RemoteReplies, err = s.store.CountPostsIn(ctx, start, end, true); err != nil {
		return nil, err
	}
	if st.RemoteFollowers, err = s.store.CountAllFollowers(ctx); err != nil {
		return nil, err
	}
	frs, err := s.store.FirstResponses(ctx, start, end)
	if err != nil {
		return nil, err
	}
	var waits []time.Duration
	for _, f := range frs {
		if f.FirstReplyAt != nil {
			waits = append(waits, f.FirstReplyAt.Sub(f.CreatedAt))
		}
	}
	if len(frs) > 0 {
		st.NoResponseShare = float64(len(frs)-len(waits)) / float64(len(frs))
	}
	st.TTFRMedianSeconds = int64(percentile(waits, 0.5).Seconds())
	st.TTFRP90Seconds = int64(percentile(waits, 0.9).Seconds())
	return st, nil
}

// percentile is the nearest-rank percentile (the smallest value with at
// least p of the values at or below it): always an observed wait, never an
// interpolated one a member did not experience. Zero for no values.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sorted := append([]time.Duration(nil), ds...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	rank := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(rank, 0)]
}

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
// one included; weeks 0 means DefaultRetentionWeeks.
func (s *Service) Retention(ctx context.Context, actor *models.User, weeks int) ([]Cohort, error) {
	if err := checkStatsReader(actor); err != nil {
		return nil, err
	}
	if weeks == 0 {
		weeks = DefaultRetentionWeeks
	}
	if weeks < 1 || weeks > MaxRetentionWeeks {
		return nil, &ValidationError{Fields: map[string]string{"weeks": "weeks must be between 1 and 52"}}
	}
	now := s.now().UTC()
	today := now.Truncate(24 * time.Hour)
	thisWeek := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7)) // back to Monday
	first := thisWeek.AddDate(0, 0, -7*(weeks-1))
	members, acts, err := s.store.CohortActivity(ctx, first, thisWeek.AddDate(0, 0, 7))
	if err != nil {
		return nil, err
	}
	weekOf := func(t time.Time) int { return int(t.Sub(first) / (7 * 24 * time.Hour)) }
	cohorts := make([]Cohort, weeks)
	joined := map[int64]int{}
	for i := range cohorts {
		cohorts[i] = Cohort{WeekStart: first.AddDate(0, 0, 7*i), Retention: make([]float64, weeks-1-i)}
	}
	for _, m := range members {
		w := weekOf(m.CreatedAt)
		joined[m.ID] = w
		cohorts[w].Members++
	}
	// Count each member once per week, however often they were active.
	seen := map[[2]int64]bool{}
	for _, a := range acts {
		jw, ok := joined[a.UserID]
		w := weekOf(a.At)
		if !ok || a.At.Before(first) || w <= jw || w >= weeks {
			continue
		}
		key := [2]int64{a.UserID, int64(w)}
		if seen[key] {
			continue
		}
		seen[key] = true
		cohorts[jw].Retention[w-jw-1]++
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
