package forum

import (
	"context"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hearth/hearth/models"
)

// CommunityStats are the community figures for a window of days, read from
// the daily rollups with today (and any day not rolled up yet) computed
// live and merged.
type CommunityStats struct {
	From, To          time.Time // first day, and the day after the last (exclusive)
	DAU, WAU, MAU     int64     // active members on the last day, and in the 7 and 30 days ending it
	Stickiness        float64   // DAU / MAU
	NewMembers        int64
	Posts, Threads    int64
	Contributors      int64   // distinct authors in the window
	TTFRMedianSeconds int64   // time to first response by someone else, over answered threads started in the window
	TTFRP90Seconds    int64   //
	Answered          int64   // threads the TTFR figures are over; 0 means they have no value
	NoResponseShare   float64 // threads started in the window still unanswered / threads started
	RemoteFollowers   int64   // remote follows of any local actor, at the end of the window
	RemoteReplies     int64   // posts in the window by fediverse accounts
	RemoteBoosts      int64   // boosts of posts here by fediverse accounts in the window
	Instances         []string
	AmbassadorReplies int64   // replies written by ambassadors
	Newcomers         int64   // members whose first post was in the window
	WelcomeRate       float64 // share of those answered by someone else within 24 h
	InvitedMembers    int64   // members who signed up with an invite link in the window (forum/invites.go)
	Days              []DayFigures
	Categories        []CategoryFigures
	TopContributors   []ContributorFigures
}

// DayFigures is one day of the window, for charts and CSV.
type DayFigures struct {
	Day                                                          time.Time
	DAU, NewMembers, Posts, Threads, Contributors, RemoteReplies int64

	RemoteBoosts int64 // boosts of posts here by fediverse accounts that day
}

// CategoryFigures are one category's figures over the window.
type CategoryFigures struct {
	Category          models.Category
	Posts, Threads    int64
	TTFRMedianSeconds int64
	TTFRP90Seconds    int64
	Answered          int64 // threads the TTFR figures are over; 0 means they have no value
	NoResponseShare   float64
	RemoteFollowers   int64
	RemoteBoosts      int64 // boosts of the category's posts by fediverse accounts in the window
}

// ContributorFigures is one of the most active authors.
type ContributorFigures struct {
	User           *models.User
	Posts, Replies int64
}

// DefaultStatsDays is the window when none is given; MaxStatsDays the most
// one request may ask for.
const (
	DefaultStatsDays = 30
	MaxStatsDays     = 366
	topContributors  = 10
)

const dayLayout = "2006-01-02"

// ParseStatsRange reads a from..to window (YYYY-MM-DD, both included, UTC);
// empty means the DefaultStatsDays days ending today (or ending `to`).
func (s *Service) ParseStatsRange(from, to string) (start, end time.Time, err error) {
	today := dayStart(s.now())
	v := validation{}
	end, start = today, today.AddDate(0, 0, -(DefaultStatsDays-1))
	if to = strings.TrimSpace(to); to != "" {
		t, err := time.Parse(dayLayout, to)
		if err != nil {
			v.add("to", "errors.community_stats.use_date_like_20262")
		}
		end, start = t, t.AddDate(0, 0, -(DefaultStatsDays-1))
	}
	if from = strings.TrimSpace(from); from != "" {
		t, err := time.Parse(dayLayout, from)
		if err != nil {
			v.add("from", "errors.community_stats.use_date_like_2026")
		}
		start = t
	}
	if start.After(end) {
		v.add("from", "errors.community_stats.from_must_not_after")
	} else if end.Sub(start) >= MaxStatsDays*day24 {
		v.add("from", "errors.community_stats.ask_most_366_days")
	}
	return start, end, v.err()
}

// Stats computes the figures for the days from..to (see ParseStatsRange).
func (s *Service) Stats(ctx context.Context, actor *models.User, from, to string) (*CommunityStats, error) {
	if err := checkStatsReader(actor); err != nil {
		return nil, err
	}
	start, end, err := s.ParseStatsRange(from, to)
	if err != nil {
		return nil, err
	}
	now := s.now()
	today := dayStart(now)
	st := &CommunityStats{From: start, To: end.Add(day24)}
	last := end // the last day with data: the window's, or today's
	if last.After(today) {
		last = today
	}
	if start.After(last) {
		return st, nil // all in the future: nothing happened yet
	}
	if st.InvitedMembers, err = s.store.CountInvitedSince(ctx, start, st.To); err != nil {
		return nil, err
	}
	fromKey, lastKey := dayKey(start), dayKey(last)
	computed, err := s.store.RollupComputed(ctx, fromKey, lastKey)
	if err != nil {
		return nil, err
	}
	rows, err := s.store.DailyStatsBetween(ctx, fromKey, lastKey)
	if err != nil {
		return nil, err
	}
	samples, err := s.store.ResponsesForThreadsBetween(ctx, fromKey, lastKey)
	if err != nil {
		return nil, err
	}
	contrib, err := s.rolledContributors(ctx, computed, start, last, today)
	if err != nil {
		return nil, err
	}
	instances, err := s.store.InstancesBetween(ctx, fromKey, lastKey)
	if err != nil {
		return nil, err
	}
	firsts, err := s.store.FirstPostsInRange(ctx, fromKey, lastKey)
	if err != nil {
		return nil, err
	}
	// Days not rolled up (today always) are computed now and merged.
	var live []*models.DayRollup
	liveActive := map[string][]int64{} // members active on each live day
	var lastLive *models.DayRollup
	for d := start; !d.After(last); d = d.Add(day24) {
		if _, ok := computed[dayKey(d)]; ok && d.Before(today) {
			continue
		}
		// Up to and including now: what was written this instant counts.
		r, err := s.liveDay(ctx, d, today, now.Add(time.Microsecond))
		if err != nil {
			return nil, err
		}
		live = append(live, r)
		if d.Equal(last) {
			lastLive = r
		}
		for _, a := range r.Active {
			liveActive[r.Day] = append(liveActive[r.Day], a.UserID)
		}
		if len(r.Active) == 0 {
			liveActive[r.Day] = []int64{}
		}
	}
	if len(computed) > 0 {
		kept := rows[:0]
		for _, r := range rows {
			if _, ok := computed[r.Day]; ok && r.Day < dayKey(today) {
				kept = append(kept, r)
			}
		}
		rows = kept
	} else {
		rows = nil
	}
	contribByUser := map[int64]*models.ContributorTotal{}
	for i := range contrib {
		contribByUser[contrib[i].UserID] = &contrib[i]
	}
	instSet := map[string]bool{}
	for _, d := range instances {
		instSet[d] = true
	}
	for _, r := range live {
		rows = append(rows, r.Stats...)
		for _, t := range r.Responses {
			if t.ThreadDay >= fromKey && t.ThreadDay <= lastKey {
				samples = append(samples, models.ResponseSample{CategoryID: t.CategoryID, ThreadDay: t.ThreadDay, Seconds: t.Seconds})
			}
		}
		for _, c := range r.Contributors {
			ct := contribByUser[c.UserID]
			if ct == nil {
				ct = &models.ContributorTotal{UserID: c.UserID}
				contribByUser[c.UserID] = ct
			}
			ct.Posts += c.Posts
			ct.Replies += c.Replies
		}
		for _, in := range r.Instances {
			instSet[in.Domain] = true
		}
		firsts = append(firsts, r.FirstPosts...)
	}
	if err := s.fillActive(ctx, st, rows, lastLive, liveActive, last); err != nil {
		return nil, err
	}
	s.sumDays(st, rows, start, last, lastKey)
	cats, err := s.store.Categories(ctx)
	if err != nil {
		return nil, err
	}
	s.fillResponses(st, rows, samples, cats, lastKey)
	if err := s.fillContributors(ctx, st, contribByUser, live); err != nil {
		return nil, err
	}
	for d := range instSet {
		st.Instances = append(st.Instances, d)
	}
	sort.Strings(st.Instances)
	for _, f := range firsts {
		st.Newcomers++
		if f.AnsweredAt != nil && f.AnsweredAt.Sub(f.PostedAt) <= day24 {
			st.WelcomeRate++
		}
	}
	if st.Newcomers > 0 {
		st.WelcomeRate /= float64(st.Newcomers)
	}
	return st, nil
}

// liveDay computes a day not rolled up: today from the worker's partial
// plus what was written since when there is a usable one, else (and for
// any other day) from the live tables alone.
func (s *Service) liveDay(ctx context.Context, d, today, upTo time.Time) (*models.DayRollup, error) {
	if d.Equal(today) {
		if r, ok, err := s.todayFromPartial(ctx, d, upTo); err != nil || ok {
			return r, err
		}
	}
	return s.computeDay(ctx, d, upTo)
}

// fillActive sets DAU, WAU and MAU as of the last day: from its rollup row
// when it has one, else from the members' last rolled-up active day merged
// with the active members of the days in the last 30 not rolled up.
func (s *Service) fillActive(ctx context.Context, st *CommunityStats, rows []models.DailyStat, lastLive *models.DayRollup,
	liveActive map[string][]int64, last time.Time) error {
	if lastLive == nil {
		for _, r := range rows {
			if r.Day == dayKey(last) && r.CategoryID == 0 {
				st.DAU, st.WAU, st.MAU = r.DAU, r.WAU, r.MAU
			}
		}
	} else {
		st.DAU = int64(len(lastLive.Active))
		monthStart, weekStart := last.AddDate(0, 0, -29), last.AddDate(0, 0, -6)
		computed, err := s.store.RollupComputed(ctx, dayKey(monthStart), dayKey(last))
		if err != nil {
			return err
		}
		month, week := map[int64]bool{}, map[int64]bool{}
		since, err := s.store.ActiveSince(ctx, dayKey(monthStart))
		if err != nil {
			return err
		}
		for _, id := range since {
			month[id] = true
		}
		recent, err := s.store.ActiveSince(ctx, dayKey(weekStart))
		if err != nil {
			return err
		}
		for _, id := range recent {
			week[id] = true
		}
		for d := monthStart; !d.After(last); d = d.Add(day24) {
			if _, ok := computed[dayKey(d)]; ok && d.Before(last) {
				continue
			}
			ids, ok := liveActive[dayKey(d)]
			if !ok {
				act, err := s.store.ActiveMembersBetween(ctx, d, d.Add(day24), time.Time{})
				if err != nil {
					return err
				}
				for _, m := range act {
					ids = append(ids, m.ID)
				}
			}
			for _, id := range ids {
				month[id] = true
				if !d.Before(weekStart) {
					week[id] = true
				}
			}
		}
		st.WAU, st.MAU = int64(len(week)), int64(len(month))
	}
	if st.MAU > 0 {
		st.Stickiness = float64(st.DAU) / float64(st.MAU)
	}
	return nil
}

// sumDays adds up the forum rows and lays out the daily series.
func (s *Service) sumDays(st *CommunityStats, rows []models.DailyStat, start, last time.Time, lastKey string) {
	byDay := map[string]models.DailyStat{}
	for _, r := range rows {
		if r.CategoryID != 0 {
			continue
		}
		byDay[r.Day] = r
		st.Posts += r.Posts
		st.Threads += r.Threads
		st.NewMembers += r.NewMembers
		st.RemoteReplies += r.RemoteReplies
		st.RemoteBoosts += r.RemoteBoosts
		if r.Day == lastKey {
			st.RemoteFollowers = r.RemoteFollowers
		}
	}
	for d := start; !d.After(last); d = d.Add(day24) {
		r := byDay[dayKey(d)]
		dau := r.DAU
		st.Days = append(st.Days, DayFigures{Day: d, DAU: dau, NewMembers: r.NewMembers, Posts: r.Posts, Threads: r.Threads,
			Contributors: r.Contributors, RemoteReplies: r.RemoteReplies, RemoteBoosts: r.RemoteBoosts})
	}
	if n := len(st.Days); n > 0 && st.Days[n-1].DAU == 0 {
		st.Days[n-1].DAU = st.DAU // a live last day's DAU is computed apart
	}
}

// fillResponses computes time to first response and the no-response
// share, over the forum and per category.
func (s *Service) fillResponses(st *CommunityStats, rows []models.DailyStat, samples []models.ResponseSample, cats []models.Category, lastKey string) {
	type acc struct {
		threads, posts, followers, boosts int64
		waits                             []int64
	}
	per := map[int64]*acc{}
	get := func(id int64) *acc {
		if per[id] == nil {
			per[id] = &acc{}
		}
		return per[id]
	}
	for _, r := range rows {
		if r.CategoryID == 0 {
			continue
		}
		a := get(r.CategoryID)
		a.threads += r.Threads
		a.posts += r.Posts
		a.boosts += r.RemoteBoosts
		if r.Day == lastKey {
			a.followers = r.RemoteFollowers
		}
	}
	all := make([]int64, 0, len(samples))
	for _, sm := range samples {
		all = append(all, sm.Seconds)
		a := get(sm.CategoryID)
		a.waits = append(a.waits, sm.Seconds)
	}
	st.TTFRMedianSeconds, st.TTFRP90Seconds = percentileSeconds(all, 0.5), percentileSeconds(all, 0.9)
	st.Answered = int64(len(all))
	st.NoResponseShare = noResponse(st.Threads, int64(len(all)))
	for _, c := range cats {
		a := get(c.ID)
		st.Categories = append(st.Categories, CategoryFigures{Category: c, Posts: a.posts, Threads: a.threads,
			TTFRMedianSeconds: percentileSeconds(a.waits, 0.5), TTFRP90Seconds: percentileSeconds(a.waits, 0.9), Answered: int64(len(a.waits)),
			NoResponseShare: noResponse(a.threads, int64(len(a.waits))), RemoteFollowers: a.followers, RemoteBoosts: a.boosts})
	}
}

func noResponse(threads, answered int64) float64 {
	if threads <= 0 || answered >= threads {
		return 0
	}
	return float64(threads-answered) / float64(threads)
}

// fillContributors counts distinct authors, ambassadors' replies and the
// top authors.
func (s *Service) fillContributors(ctx context.Context, st *CommunityStats, by map[int64]*models.ContributorTotal, live []*models.DayRollup) error {
	roles := map[int64]string{}
	for _, r := range live {
		for id, role := range r.Roles {
			roles[id] = role
		}
	}
	list := make([]*models.ContributorTotal, 0, len(by))
	for _, c := range by {
		list = append(list, c)
	}
	st.Contributors = int64(len(list))
	for _, c := range list {
		if c.Role == "" {
			c.Role = roles[c.UserID]
		}
		if c.Role == models.RoleAmbassador {
			st.AmbassadorReplies += c.Replies
		}
	}
	list = topByPosts(list, topContributors)
	ids := make([]int64, len(list))
	for i, c := range list {
		ids[i] = c.UserID
	}
	cards, err := s.store.UserCards(ctx, ids)
	if err != nil {
		return err
	}
	for _, c := range list {
		if u := cards[c.UserID]; u != nil {
			st.TopContributors = append(st.TopContributors, ContributorFigures{User: u, Posts: c.Posts, Replies: c.Replies})
		}
	}
	return nil
}

// topByPosts returns the n authors with the most posts (ties by lower
// user id first), in that order. It keeps only the best n while scanning:
// a month's authors are ~20,000, and sorting them all cost more than
// reading them from the stored sums.
func topByPosts(list []*models.ContributorTotal, n int) []*models.ContributorTotal {
	if n <= 0 {
		return nil
	}
	before := func(a, b *models.ContributorTotal) bool {
		return a.Posts > b.Posts || (a.Posts == b.Posts && a.UserID < b.UserID)
	}
	top := make([]*models.ContributorTotal, 0, n+1)
	for _, c := range list {
		if len(top) == n && !before(c, top[n-1]) {
			continue
		}
		i := sort.Search(len(top), func(i int) bool { return before(c, top[i]) })
		top = slices.Insert(top, i, c)
		if len(top) > n {
			top = top[:n]
		}
	}
	return top
}

// percentileSeconds is the nearest-rank percentile of waits (see
// percentile); zero for none.
func percentileSeconds(xs []int64, p float64) int64 {
	if len(xs) == 0 {
		return 0
	}
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	rank := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(rank, 0)]
}

// AnalyticsVersion names the state the figures are computed from: the
// rollups (it changes when any day is computed) and the current minute, as
// today's live part changes all the time. Equal versions give equal
// figures to within that minute, so a process may reuse figures it
// computed for the same version (see server's stats cache).
func (s *Service) AnalyticsVersion(ctx context.Context) (string, error) {
	v, err := s.store.RollupVersion(ctx)
	return v + "/" + s.now().UTC().Truncate(time.Minute).Format(time.RFC3339), err
}
