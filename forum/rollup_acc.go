package forum

import (
	"context"
	"sort"
	"time"

	"github.com/hearth/hearth/models"
)

// dayAcc accumulates one day's figures post by post, so a day can be
// computed in one pass (computeDay) or as a stored partial continued with
// the posts written since (rollup_partial.go). It keeps the sets that
// figures count distinct members of: a count of contributors cannot be
// continued, the set of them can.
type dayAcc struct {
	cats    map[int64]*catAcc
	contrib map[int64]*models.DailyContributor // by author
	roles   map[int64]string                   // authors' roles
	inst    map[string]int64                   // posts by remote domain
	posters map[int64]string                   // local authors → the week they joined
}

type catAcc struct {
	posts, threads, remoteReplies int64
	users                         map[int64]bool
}

func newDayAcc() *dayAcc {
	return &dayAcc{cats: map[int64]*catAcc{}, contrib: map[int64]*models.DailyContributor{}, roles: map[int64]string{},
		inst: map[string]int64{}, posters: map[int64]string{}}
}

func (a *dayAcc) cat(id int64) *catAcc {
	c := a.cats[id]
	if c == nil {
		c = &catAcc{users: map[int64]bool{}}
		a.cats[id] = c
	}
	return c
}

// add counts one live post.
func (a *dayAcc) add(p *models.DayPost) {
	c := a.cat(p.CategoryID)
	c.posts++
	if p.Number == 1 {
		c.threads++
	}
	c.users[p.UserID] = true
	dc := a.contrib[p.UserID]
	if dc == nil {
		dc = &models.DailyContributor{UserID: p.UserID}
		a.contrib[p.UserID] = dc
	}
	dc.Posts++
	if p.Number > 1 {
		dc.Replies++
	}
	a.roles[p.UserID] = p.Role
	if p.Domain != "" {
		c.remoteReplies++
		a.inst[p.Domain]++
	} else {
		a.posters[p.UserID] = dayKey(weekStart(p.JoinedAt))
	}
}

// finish lays the accumulated figures out as the day's rollup rows, with
// what is read whole for [d0, end) rather than accumulated: members who
// used a session, new members, and remote followers as of end.
func (s *Service) finish(ctx context.Context, a *dayAcc, d0, end time.Time) (*models.DayRollup, error) {
	key := dayKey(d0)
	r := &models.DayRollup{Day: key, Week: dayKey(weekStart(d0)), Roles: map[int64]string{}}
	forumRow := models.DailyStat{Day: key, Contributors: int64(len(a.contrib))}
	perCat := map[int64]*models.DailyStat{}
	for id, c := range a.cats {
		perCat[id] = &models.DailyStat{Day: key, CategoryID: id, Posts: c.posts, Threads: c.threads,
			Contributors: int64(len(c.users)), RemoteReplies: c.remoteReplies}
		forumRow.Posts += c.posts
		forumRow.Threads += c.threads
		forumRow.RemoteReplies += c.remoteReplies
	}
	active := make(map[int64]string, len(a.posters))
	for id, w := range a.posters {
		active[id] = w
	}
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
	if err := s.dayBoosts(ctx, d0, end, &forumRow, perCat); err != nil {
		return nil, err
	}
	r.Stats = append(r.Stats, forumRow)
	for _, c := range perCat {
		r.Stats = append(r.Stats, *c)
	}
	for _, c := range a.contrib {
		dc := *c
		dc.Day = key
		r.Contributors = append(r.Contributors, dc)
	}
	for id, role := range a.roles {
		r.Roles[id] = role
	}
	for d, n := range a.inst {
		r.Instances = append(r.Instances, models.DailyInstance{Day: key, Domain: d, Posts: n})
	}
	for id, w := range active {
		r.Active = append(r.Active, models.ActiveMember{UserID: id, JoinWeek: w})
	}
	return r, nil
}

// firstAnswerPosts finds the threads whose first answer by someone other
// than their author is among posts (one day's, or part of one): per
// thread, the lowest-numbered such post, unless an earlier one exists
// (checked once per thread, and only for threads started before d0).
func (s *Service) firstAnswerPosts(ctx context.Context, posts []models.DayPost, d0 time.Time) (map[int64]models.DayPost, error) {
	first := lowestAnswers(posts)
	out := make(map[int64]models.DayPost, len(first))
	for id, p := range first {
		if p.ThreadCreatedAt.Before(d0) {
			earlier, err := s.store.AnsweredBefore(ctx, p.ThreadID, p.Number, p.ThreadAuthorID)
			if err != nil {
				return nil, err
			}
			if earlier {
				continue
			}
		}
		out[id] = *p
	}
	return out, nil
}

// lowestAnswers is, per thread, the lowest-numbered of posts written by
// someone other than the thread's author.
func lowestAnswers(posts []models.DayPost) map[int64]*models.DayPost {
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
	return first
}

// responses lays first answers out as the day's rows, by thread.
func responses(answers map[int64]models.DayPost, key string) []models.ThreadResponse {
	var out []models.ThreadResponse
	for _, p := range answers {
		out = append(out, models.ThreadResponse{ThreadID: p.ThreadID, CategoryID: p.CategoryID,
			ThreadDay: dayKey(p.ThreadCreatedAt), ResponseDay: key, CreatedAt: p.ThreadCreatedAt, RespondedAt: p.CreatedAt,
			Seconds: int64(p.CreatedAt.Sub(p.ThreadCreatedAt).Seconds()), ResponderID: p.UserID})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ThreadID < out[j].ThreadID })
	return out
}

// firstPostsBetween lists members' first posts written in [from, to), with
// answers at or after upTo not counted yet.
func (s *Service) firstPostsBetween(ctx context.Context, from, to, upTo time.Time, key string) ([]models.MemberFirstPost, error) {
	firsts, err := s.store.FirstPostsBetween(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for i := range firsts {
		firsts[i].Day = key
		if a := firsts[i].AnsweredAt; a != nil && !a.Before(upTo) {
			firsts[i].AnsweredAt = nil // not yet, as of upTo
		}
	}
	return firsts, nil
}
