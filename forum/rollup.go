package forum

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sort"
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
	r := &models.DayRollup{Day: key, Week: dayKey(weekStart(d0)), Roles: map[int64]string{}}
	posts, err := s.store.PostsBetween(ctx, d0, end)
	if err != nil {
		return nil, err
	}
	perCat := map[int64]*models.DailyStat{}
	forumRow := &models.DailyStat{Day: key}
	catUsers := map[[2]int64]bool{}
	contrib := map[int64]*models.DailyContributor{}
	inst := map[string]*models.DailyInstance{}
	active := map[int64]string{}
	for _, p := range posts {
		c := perCat[p.CategoryID]
		if c == nil {
			c = &models.DailyStat{Day: key, CategoryID: p.CategoryID}
			perCat[p.CategoryID] = c
		}
		c.Posts++
		forumRow.Posts++
		if p.Number == 1 {
			c.Threads++
			forumRow.Threads++
		}
		if !catUsers[[2]int64{p.CategoryID, p.UserID}] {
			catUsers[[2]int64{p.CategoryID, p.UserID}] = true
			c.Contributors++
		}
		dc := contrib[p.UserID]
		if dc == nil {
			dc = &models.DailyContributor{Day: key, UserID: p.UserID}
			contrib[p.UserID] = dc
		}
		dc.Posts++
		r.Roles[p.UserID] = p.Role
		if p.Number > 1 {
			dc.Replies++
		}
		if p.Domain != "" {
			c.RemoteReplies++
			forumRow.RemoteReplies++
			in := inst[p.Domain]
			if in == nil {
				in = &models.DailyInstance{Day: key, Domain: p.Domain}
				inst[p.Domain] = in
			}
			in.Posts++
		} else {
			active[p.UserID] = dayKey(weekStart(p.JoinedAt))
		}
	}
	forumRow.Contributors = int64(len(contrib))
	sessions, err := s.store.SessionMembersBetween(ctx, d0, end)
	if err != nil {
		return nil, err
	}
	for _, m := range sessions {
		active[m.ID] = dayKey(weekStart(m.CreatedAt))
	}
	if forumRow.NewMembers, err = s.store.NewLocalMembersBetween(ctx, d0, end); err != nil {
		return nil, err
	}
	perFollow, totalFollow, err := s.store.FollowerCounts(ctx, end)
	if err != nil {
		return nil, err
	}
	forumRow.RemoteFollowers = totalFollow
	for id, n := range perFollow {
		if perCat[id] == nil {
			perCat[id] = &models.DailyStat{Day: key, CategoryID: id}
		}
		perCat[id].RemoteFollowers = n
	}
	if err := s.dayBoosts(ctx, d0, end, forumRow, perCat); err != nil {
		return nil, err
	}
	r.Stats = append(r.Stats, *forumRow)
	for _, c := range perCat {
		r.Stats = append(r.Stats, *c)
	}
	for _, c := range contrib {
		r.Contributors = append(r.Contributors, *c)
	}
	for _, in := range inst {
		r.Instances = append(r.Instances, *in)
	}
	for id, w := range active {
		r.Active = append(r.Active, models.ActiveMember{UserID: id, JoinWeek: w})
	}
	if r.Responses, err = s.firstAnswers(ctx, posts, d0, key); err != nil {
		return nil, err
	}
	if r.FirstPosts, err = s.store.FirstPostsBetween(ctx, d0, end); err != nil {
		return nil, err
	}
	for i := range r.FirstPosts {
		r.FirstPosts[i].Day = key
		if a := r.FirstPosts[i].AnsweredAt; a != nil && !a.Before(upTo) {
			r.FirstPosts[i].AnsweredAt = nil // not yet, as of upTo
		}
	}
	return r, nil
}

// firstAnswers finds the threads whose first answer by someone other than
// their author is among the day's posts: per thread, the day's
// lowest-numbered such post, unless an earlier one exists (checked once per
// thread, and only for threads started before the day).
func (s *Service) firstAnswers(ctx context.Context, posts []models.DayPost, d0 time.Time, key string) ([]models.ThreadResponse, error) {
	first := map[int64]*models.DayPost{}
	for i := range posts {
		p := &posts[i]
		if p.UserID == p.ThreadAuthorID {
			continue
		}
		if f := first[p.ThreadID]; f == nil || p.Number < f.Number {
			first[p.ThreadID] = p
		}
	}
	var out []models.ThreadResponse
	for _, p := range first {
		if p.ThreadCreatedAt.Before(d0) {
			earlier, err := s.store.AnsweredBefore(ctx, p.ThreadID, p.Number, p.ThreadAuthorID)
			if err != nil {
				return nil, err
			}
			if earlier {
				continue
			}
		}
		out = append(out, models.ThreadResponse{ThreadID: p.ThreadID, CategoryID: p.CategoryID,
			ThreadDay: dayKey(p.ThreadCreatedAt), ResponseDay: key, CreatedAt: p.ThreadCreatedAt, RespondedAt: p.CreatedAt,
			Seconds: int64(p.CreatedAt.Sub(p.ThreadCreatedAt).Seconds()), ResponderID: p.UserID})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ThreadID < out[j].ThreadID })
	return out, nil
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
		return &ValidationError{Fields: map[string]string{"day": "only days before today can be rolled up"}}
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
// the first post on (at most rollupLookback days back).
func (s *Service) RollupPending(ctx context.Context) (int, error) {
	now := s.now()
	today := dayStart(now)
	first, err := s.store.FirstPostAt(ctx)
	if err != nil || first == nil {
		return 0, err
	}
	start := dayStart(*first)
	if lb := today.AddDate(0, 0, -rollupLookback); start.Before(lb) {
		start = lb
	}
	if !start.Before(today) {
		return 0, nil
	}
	computed, err := s.store.RollupComputed(ctx, dayKey(start), dayKey(today.Add(-day24)))
	if err != nil {
		return 0, err
	}
	n := 0
	for d := start; d.Before(today); d = d.Add(day24) {
		if at, ok := computed[dayKey(d)]; ok && !at.Before(d.Add(day24+rollupSettle)) {
			continue
		}
		if err := s.RollupDay(ctx, d); err != nil && err != ErrRollupBusy {
			return n, err
		}
		n++
		if ctx.Err() != nil {
			return n, ctx.Err()
		}
	}
	return n, nil
}

// RunRollups keeps the rollups up to date until ctx ends: at start, then
// every interval, each pass followed by refreshing the default stats
// window's contributor sums. Every process may run it; claims keep them
// apart.
func (s *Service) RunRollups(ctx context.Context, log *slog.Logger, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := s.RollupPending(ctx); err != nil && ctx.Err() == nil {
			log.Warn("rollup: compute pending days", "error", err)
		} else if n > 0 {
			log.Info("rollup: computed days", "days", n)
		}
		if err := s.RefreshContributorSums(ctx); err != nil && ctx.Err() == nil {
			log.Warn("rollup: refresh contributor sums", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
