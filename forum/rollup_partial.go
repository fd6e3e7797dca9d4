package forum

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/hearth/hearth/models"
)

// Today's partial rollup. The rollup worker computes today's figures up to
// a time T about once a minute and stores them (rollup_partials, one row,
// shared by every process); a stats request then reads that row and only
// the posts written since T, instead of all of today's. The merge keeps
// each figure equal to the full live computation (computeDay):
//   - sums (posts, threads, remote replies, each author's posts) add up;
//   - distinct counts (contributors per category and overall, active
//     members) are kept as sets in the partial and merged as sets;
//   - a thread's first answer: the partial's answer stands unless a post
//     since has a lower number; a post since is a first answer only if no
//     lower-numbered answer exists, before or after T (checked for the few
//     threads answered since);
//   - newcomers' first posts still unanswered at T are answered by the
//     first post since by someone else in their thread;
//   - members who used a session, new members and remote followers are
//     read whole for the day: they are index reads, and a snapshot (remote
//     followers) or a table rows leave (sessions) cannot be continued.
//
// Writes that change facts already counted (a post deleted, hidden or
// moved, a thread moved, a role changed, a post inserted with an earlier
// time) add a rollup_partial_changes row by trigger (migration 0175); a
// partial computed at another row count is not used, and the request
// computes today fully until the worker's next refresh.
//
// threads.first_response_at (0150) could answer "was this thread answered
// before" without a lookup, but it ignores hidden replies and orders by
// time, while the rollup counts hidden replies and orders by post number;
// so the few threads answered since T are checked with AnsweredBefore.

const (
	// partialRefresh is how often the worker refreshes today's partial.
	partialRefresh = time.Minute
	// partialMargin: the partial counts posts written before now minus
	// this, so a post whose transaction was still open when the worker
	// read (its time is set before it commits) is in the delta, not lost.
	partialMargin = time.Minute
	partialLease  = 5 * time.Minute
	// partialFormat names the encoding of partialData; a row in another
	// format (written by an older or newer binary) is not used.
	partialFormat = 1
)

// partialData is what the partial keeps of today up to T.
type partialData struct {
	Cats      []partialCat
	Contrib   []partialContrib
	Instances []partialInstance
	Posters   []models.ActiveMember
	Answers   []models.DayPost         // threads' first answers written before T
	Firsts    []models.MemberFirstPost // newcomers' first posts before T, answered as of T
}

type partialCat struct {
	ID, Posts, Threads, RemoteReplies int64
	Users                             []int64
}

type partialContrib struct {
	UserID, Posts, Replies int64
	Role                   string
}

type partialInstance struct {
	Domain string
	Posts  int64
}

func (d *partialData) fromAcc(a *dayAcc) {
	for id, c := range a.cats {
		pc := partialCat{ID: id, Posts: c.posts, Threads: c.threads, RemoteReplies: c.remoteReplies, Users: make([]int64, 0, len(c.users))}
		for u := range c.users {
			pc.Users = append(pc.Users, u)
		}
		d.Cats = append(d.Cats, pc)
	}
	for id, c := range a.contrib {
		d.Contrib = append(d.Contrib, partialContrib{UserID: id, Posts: c.Posts, Replies: c.Replies, Role: a.roles[id]})
	}
	for dom, n := range a.inst {
		d.Instances = append(d.Instances, partialInstance{Domain: dom, Posts: n})
	}
	for id, w := range a.posters {
		d.Posters = append(d.Posters, models.ActiveMember{UserID: id, JoinWeek: w})
	}
}

func (d *partialData) acc() *dayAcc {
	a := newDayAcc()
	for _, pc := range d.Cats {
		c := &catAcc{posts: pc.Posts, threads: pc.Threads, remoteReplies: pc.RemoteReplies, users: make(map[int64]bool, len(pc.Users))}
		for _, u := range pc.Users {
			c.users[u] = true
		}
		a.cats[pc.ID] = c
	}
	for _, c := range d.Contrib {
		a.contrib[c.UserID] = &models.DailyContributor{UserID: c.UserID, Posts: c.Posts, Replies: c.Replies}
		a.roles[c.UserID] = c.Role
	}
	for _, in := range d.Instances {
		a.inst[in.Domain] = in.Posts
	}
	for _, m := range d.Posters {
		a.posters[m.UserID] = m.JoinWeek
	}
	return a
}

// RefreshTodayPartial recomputes today's partial rollup unless another
// process holds it or refreshed it in the last half interval (then it
// reports false). RunRollups calls it every partialRefresh.
func (s *Service) RefreshTodayPartial(ctx context.Context) (bool, error) {
	now := s.now()
	d0 := dayStart(now)
	key := dayKey(d0)
	upto := now.Add(-partialMargin)
	if upto.Before(d0) {
		upto = d0
	}
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	ok, base, err := s.store.ClaimDayPartial(ctx, key, token, upto, now, now.Add(-partialRefresh/2), partialLease)
	if err != nil || !ok {
		return false, err
	}
	data, err := s.computePartial(ctx, d0, upto)
	if err == nil {
		err = s.store.SaveDayPartial(ctx, &models.DayPartial{Day: key, DayStart: d0, Upto: upto, Format: partialFormat,
			Data: data, BaseChanges: base}, token, s.now())
	}
	if err != nil {
		_ = s.store.ReleaseDayPartial(context.WithoutCancel(ctx), key, token)
		return false, fmt.Errorf("partial rollup %s: %w", key, err)
	}
	return true, nil
}

// computePartial encodes today's figures for [d0, upto).
func (s *Service) computePartial(ctx context.Context, d0, upto time.Time) ([]byte, error) {
	posts, err := s.store.PostsBetween(ctx, d0, upto)
	if err != nil {
		return nil, err
	}
	acc := newDayAcc()
	for i := range posts {
		acc.add(&posts[i])
	}
	d := &partialData{}
	d.fromAcc(acc)
	answers, err := s.firstAnswerPosts(ctx, posts, d0)
	if err != nil {
		return nil, err
	}
	for _, p := range answers {
		d.Answers = append(d.Answers, p)
	}
	if d.Firsts, err = s.firstPostsBetween(ctx, d0, upto, upto, dayKey(d0)); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(d); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// todayFromPartial computes today's rollup (up to upTo) from the stored
// partial and what was written since; false when there is no usable
// partial (none, another day's, changed since, or from the future).
func (s *Service) todayFromPartial(ctx context.Context, d0, upTo time.Time) (*models.DayRollup, bool, error) {
	key := dayKey(d0)
	p, err := s.store.DayPartialFor(ctx, key)
	if err != nil || p == nil {
		return nil, false, err
	}
	if !p.Usable() || p.Format != partialFormat || !p.DayStart.Equal(d0) || p.Upto.After(upTo) || p.Upto.Before(d0) {
		return nil, false, nil
	}
	var d partialData
	if err := gob.NewDecoder(bytes.NewReader(p.Data)).Decode(&d); err != nil {
		return nil, false, nil // unreadable: the live computation is always right
	}
	t := p.Upto
	delta, err := s.store.PostsBetween(ctx, t, upTo)
	if err != nil {
		return nil, false, err
	}
	acc := d.acc()
	for i := range delta {
		acc.add(&delta[i])
	}
	r, err := s.finish(ctx, acc, d0, upTo)
	if err != nil {
		return nil, false, err
	}
	answers, err := s.mergeAnswers(ctx, d.Answers, delta, d0)
	if err != nil {
		return nil, false, err
	}
	r.Responses = responses(answers, key)
	if r.FirstPosts, err = s.mergeFirstPosts(ctx, d.Firsts, t, upTo, key); err != nil {
		return nil, false, err
	}
	return r, true, nil
}

// mergeAnswers continues the partial's first answers with the posts
// written since T (see the comment at the top of the file).
func (s *Service) mergeAnswers(ctx context.Context, before []models.DayPost, delta []models.DayPost, d0 time.Time) (map[int64]models.DayPost, error) {
	out := make(map[int64]models.DayPost, len(before))
	for _, p := range before {
		out[p.ThreadID] = p
	}
	for id, q := range lowestAnswers(delta) {
		if p, ok := out[id]; ok && p.Number < q.Number {
			continue
		}
		if q.ThreadCreatedAt.Before(d0) {
			// Any lower-numbered answer, before T (the partial's candidate
			// that was not a first answer) or after it, disqualifies q.
			earlier, err := s.store.AnsweredBefore(ctx, id, q.Number, q.ThreadAuthorID)
			if err != nil {
				return nil, err
			}
			if earlier {
				delete(out, id)
				continue
			}
		}
		out[id] = *q
	}
	return out, nil
}

// mergeFirstPosts answers the partial's newcomers' first posts from the
// posts written in [t, upTo) and adds the first posts written then.
func (s *Service) mergeFirstPosts(ctx context.Context, before []models.MemberFirstPost, t, upTo time.Time, key string) ([]models.MemberFirstPost, error) {
	out := make([]models.MemberFirstPost, 0, len(before))
	waiting := map[int64][]int{} // thread → indexes in out still unanswered
	for _, f := range before {
		out = append(out, f)
		if f.AnsweredAt == nil {
			waiting[f.ThreadID] = append(waiting[f.ThreadID], len(out)-1)
		}
	}
	if len(waiting) > 0 {
		writes, err := s.store.PostWritesBetween(ctx, t, upTo)
		if err != nil {
			return nil, err
		}
		for _, w := range writes { // oldest first: the first match is the answer
			for _, i := range waiting[w.ThreadID] {
				f := &out[i]
				if f.AnsweredAt == nil && w.UserID != f.UserID && w.CreatedAt.After(f.PostedAt) {
					at := w.CreatedAt
					f.AnsweredAt = &at
				}
			}
		}
	}
	since, err := s.firstPostsBetween(ctx, t, upTo, upTo, key)
	if err != nil {
		return nil, err
	}
	return append(out, since...), nil
}
