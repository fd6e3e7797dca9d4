package forum

import (
	"context"
	"errors"
	"time"

	"github.com/hearth/hearth/models"
)

// Remote polls shown in no thread here (a followed account's Question
// that arrived as a new post) get a page of their own and a list.

// StandalonePoll is such a poll as its page shows it. A poll that does
// sit under a post (View.PostID != 0) has no page of its own: its
// post is where it lives.
type StandalonePoll struct {
	View      *PollView
	Author    *models.User // the author's local row, or one made from the cached actor
	Handle    string       // name@domain
	URL       string       // the Question's id on its server
	CreatedAt time.Time
	// HTML is the question's text, sanitised when it arrived ("" when the
	// Question had none, or too much); Summary its content warning.
	HTML    string
	Summary string
}

// StandalonePoll loads poll id for viewer. A local poll, or a remote one
// shown under a post, comes back with only View set.
func (s *Service) StandalonePoll(ctx context.Context, viewer *models.User, id int64) (*StandalonePoll, error) {
	p, err := s.store.PollByID(ctx, id)
	if err != nil {
		return nil, mapNotFound(err)
	}
	t, err := s.pollThread(ctx, viewer, p)
	if err != nil {
		return nil, err
	}
	v, err := s.pollView(ctx, viewer, p, t)
	if err != nil {
		return nil, err
	}
	out := &StandalonePoll{View: v, CreatedAt: p.CreatedAt}
	if v.PostID != 0 || !p.IsRemote() {
		return out, nil
	}
	return out, s.fillPollAuthor(ctx, out, p)
}

func (s *Service) fillPollAuthor(ctx context.Context, out *StandalonePoll, p *models.Poll) error {
	out.URL = *p.APID
	out.HTML, out.Summary = p.ContentHTML, p.Summary
	if p.RemoteActorID == nil {
		return nil
	}
	a, err := s.store.RemoteActorByID(ctx, *p.RemoteActorID)
	if err != nil {
		return mapNotFound(err)
	}
	out.Handle = models.RemoteUserHandle(a)
	u, err := s.store.UserByRemoteActorID(ctx, a.ID)
	switch {
	case err == nil:
		out.Author = u
	case errors.Is(err, models.ErrNotFound):
		// Never posted in a thread here: no local row, so no avatar copy.
		out.Author = &models.User{Username: out.Handle, DisplayName: a.Name, Domain: a.Domain, RemoteURL: a.APID}
	default:
		return err
	}
	return nil
}

// FollowedPollsPage is how many polls the list shows at once.
const FollowedPollsPage = 20

// FollowedPolls lists the open standalone remote polls by accounts
// viewer follows, newest first, before the poll id before (0: from the
// newest). next is the id to pass for the following page, 0 at the end.
func (s *Service) FollowedPolls(ctx context.Context, viewer *models.User, before int64) (polls []*StandalonePoll, next int64, err error) {
	if viewer == nil {
		return nil, 0, ErrUnauthorized
	}
	ps, err := s.store.FollowedRemotePolls(ctx, viewer.ID, s.now(), before, FollowedPollsPage+1)
	if err != nil {
		return nil, 0, err
	}
	if len(ps) > FollowedPollsPage {
		ps = ps[:FollowedPollsPage]
		next = ps[len(ps)-1].ID
	}
	for i := range ps {
		v, err := s.pollView(ctx, viewer, &ps[i], nil)
		if err != nil {
			return nil, 0, err
		}
		it := &StandalonePoll{View: v, CreatedAt: ps[i].CreatedAt}
		if err := s.fillPollAuthor(ctx, it, &ps[i]); err != nil {
			return nil, 0, err
		}
		polls = append(polls, it)
	}
	return polls, next, nil
}
