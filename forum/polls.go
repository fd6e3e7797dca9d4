package forum

import (
	"context"
	"errors"
	"strconv"

	"strings"
	"time"
	"unicode/utf8"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// Polls: a member may ask a question with 2..20 answers when starting a
// thread. Each member (and each remote actor) votes once; results show to
// those who voted and to everyone once the poll is closed.

const (
	pollMinOptions     = 2
	pollMaxOptions     = 20
	pollOptionMaxRunes = 200
	pollMaxDuration    = 366 * 24 * time.Hour
)

// PollInput is the poll a member attaches to a new thread.
type PollInput struct {
	Options  []string
	Multiple bool
	ClosesAt *time.Time // nil: open until the thread is gone
	// ClosesAtError is set by a form that could not read the closing time
	// the member typed; it is reported with the other fields' errors.
	ClosesAtError i18n.Msg
}

// PollView is a poll as one viewer sees it.
type PollView struct {
	ID       int64
	PostID   int64 // 0 for a remote poll not shown in a thread here
	ThreadID int64
	Multiple bool
	ClosesAt *time.Time
	Closed   bool
	Remote   bool
	Options  []PollOptionView
	// Voters is how many members and remote actors voted; Votes the
	// options chosen in all (more than Voters in a multiple-choice poll).
	Voters, Votes int
	Voted         bool
	CanVote       bool
	// ShowResults: the viewer voted or the poll is closed. Counts in
	// Options are zero otherwise, so no caller can leak them by accident.
	ShowResults bool
}

// PollOptionView is one answer with its tally (when the viewer may see it).
type PollOptionView struct {
	Index   int
	Name    string
	Votes   int
	Percent int
	Chosen  bool // the viewer chose it
}

// pollError is a refused vote: a conflict with the poll's state (already
// voted, closed), answered 409 with its message.
type pollError struct{ id string } // a message id (errors.conflicts.*)

func (e *pollError) Error() string { return i18n.M(e.id).String() }

// UserMessage is the refusal in the reader's language (i18n.MsgOf).
func (e *pollError) UserMessage() i18n.Msg { return i18n.M(e.id) }

func (e *pollError) Is(target error) bool { return target == ErrConflict }

// Refusals a vote can meet.
var (
	ErrAlreadyVoted = &pollError{"errors.conflicts.already_voted"}
	ErrPollClosed   = &pollError{"errors.conflicts.poll_closed"}
)

// pollClosed reports whether voting has ended at now.
func pollClosed(p *models.Poll, now time.Time) bool {
	return p.ClosedAt != nil || (p.ClosesAt != nil && !now.Before(*p.ClosesAt))
}

// checkPoll validates a new poll, adding errors under poll_options and
// poll_closes_at, and returns the cleaned options.
func (s *Service) checkPoll(v validation, in *PollInput) []string {
	var opts []string
	seen := map[string]bool{}
	for _, o := range in.Options {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		switch {
		case !utf8.ValidString(o):
			v.add("poll_options", "errors.polls.option_contains_invalid_characters")
		case utf8.RuneCountInString(o) > pollOptionMaxRunes:
			v.add("poll_options", "errors.polls.option_too_long", "Max", pollOptionMaxRunes)
		case seen[strings.ToLower(o)]:
			v.add("poll_options", "errors.polls.option_twice", "Option", strconv.Quote(o))
		}
		seen[strings.ToLower(o)] = true
		opts = append(opts, o)
	}
	if len(opts) < pollMinOptions || len(opts) > pollMaxOptions {
		v.add("poll_options", "errors.polls.option_count", "Min", pollMinOptions, "Max", pollMaxOptions)
	}
	if !in.ClosesAtError.IsZero() {
		v.addMsg("poll_closes_at", in.ClosesAtError)
	}
	if in.ClosesAt != nil {
		now := s.now()
		switch {
		case !in.ClosesAt.After(now):
			v.add("poll_closes_at", "errors.polls.closing_time_must_future")
		case in.ClosesAt.Sub(now) > pollMaxDuration:
			v.add("poll_closes_at", "errors.polls.poll_may_run_most")
		}
	}
	return opts
}

// createPoll attaches a validated poll to a thread's first post, inside
// CreateThread's transaction.
func (s *Service) createPoll(ctx context.Context, t *models.Thread, first *models.Post, opts []string, in *PollInput) error {
	var closes *time.Time
	if in.ClosesAt != nil {
		c := in.ClosesAt.UTC().Truncate(time.Second)
		closes = &c
	}
	p := &models.Poll{PostID: &first.ID, ThreadID: &t.ID, Multiple: in.Multiple, ClosesAt: closes, CreatedAt: first.CreatedAt, UpdatedAt: first.CreatedAt}
	return s.store.CreatePoll(ctx, p, opts)
}

// pollThread loads the thread a poll is shown in and checks the viewer may
// see the poll: its post and thread are live and the thread is visible to
// them (threadFor). A remote poll shown nowhere has no thread (nil).
func (s *Service) pollThread(ctx context.Context, viewer *models.User, p *models.Poll) (*models.Thread, error) {
	if p.PostID == nil {
		if !p.IsRemote() {
			return nil, ErrNotFound
		}
		return nil, nil
	}
	post, err := s.store.PostByID(ctx, *p.PostID)
	if err != nil {
		return nil, mapNotFound(err)
	}
	if post.DeletedAt != nil || post.HiddenAt != nil {
		return nil, ErrNotFound
	}
	return s.threadFor(ctx, viewer, post.ThreadID)
}

// Poll loads a poll as viewer sees it.
func (s *Service) Poll(ctx context.Context, viewer *models.User, id int64) (*PollView, error) {
	p, err := s.store.PollByID(ctx, id)
	if err != nil {
		return nil, mapNotFound(err)
	}
	t, err := s.pollThread(ctx, viewer, p)
	if err != nil {
		return nil, err
	}
	return s.pollView(ctx, viewer, p, t)
}

// PollsForPosts loads the polls attached to posts of one thread page, by
// post id: one query when there are none.
func (s *Service) PollsForPosts(ctx context.Context, viewer *models.User, t *models.Thread, postIDs []int64) (map[int64]*PollView, error) {
	ps, err := s.store.PollsByPostIDs(ctx, postIDs)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	out := make(map[int64]*PollView, len(ps))
	for i := range ps {
		v, err := s.pollView(ctx, viewer, &ps[i], t)
		if err != nil {
			return nil, err
		}
		out[*ps[i].PostID] = v
	}
	return out, nil
}

func (s *Service) pollView(ctx context.Context, viewer *models.User, p *models.Poll, t *models.Thread) (*PollView, error) {
	opts, err := s.store.PollOptions(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	v := &PollView{ID: p.ID, Multiple: p.Multiple, ClosesAt: p.ClosesAt, Closed: pollClosed(p, s.now()), Remote: p.IsRemote(), Voters: p.VotersCount}
	if p.PostID != nil {
		v.PostID = *p.PostID
	}
	if t != nil {
		v.ThreadID = t.ID
	}
	chosen := map[int]bool{}
	if viewer != nil {
		mine, err := s.store.UserPollChoices(ctx, p.ID, viewer.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range mine {
			chosen[c] = true
		}
		v.Voted = len(mine) > 0
	}
	v.CanVote = CanVote(viewer, t, p, s.now()) && !v.Voted
	v.ShowResults = v.Voted || v.Closed
	for _, o := range opts {
		v.Votes += o.VotesCount
	}
	// As Mastodon does: a single-choice poll's shares are of votes, a
	// multiple-choice poll's of voters (so they may add up past 100%).
	base := v.Votes
	if p.Multiple {
		base = v.Voters
	}
	for _, o := range opts {
		ov := PollOptionView{Index: o.Position, Name: o.Name, Chosen: chosen[o.Position]}
		if v.ShowResults {
			ov.Votes = o.VotesCount
			if base > 0 {
				ov.Percent = (o.VotesCount*100 + base/2) / base
			}
		}
		v.Options = append(v.Options, ov)
	}
	if !v.ShowResults {
		v.Votes = 0
	}
	return v, nil
}

// lockPollForVote locks a poll's row for the vote being cast in the
// caller's transaction, and refuses a closed poll or a voter who may not
// vote in it. now is the time the vote is counted at.
func (s *Service) lockPollForVote(ctx context.Context, pollID int64, voter *models.User) (*models.Poll, *models.Thread, time.Time, error) {
	p, err := s.store.PollForUpdate(ctx, pollID)
	if err != nil {
		return nil, nil, time.Time{}, mapNotFound(err)
	}
	t, err := s.pollThread(ctx, voter, p)
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	now := s.now()
	if pollClosed(p, now) {
		return nil, nil, time.Time{}, ErrPollClosed
	}
	if !CanVote(voter, t, p, now) {
		return nil, nil, time.Time{}, ErrForbidden
	}
	return p, t, now, nil
}

// Vote casts viewer's vote: the 0-based indexes of the options chosen,
// one unless the poll takes several. A second vote, a vote after the
// poll closed, an index out of range or several choices in a
// single-choice poll change nothing and say why.
func (s *Service) Vote(ctx context.Context, viewer *models.User, pollID int64, choices []int) (*PollView, error) {
	if viewer == nil {
		return nil, ErrUnauthorized
	}
	var view *PollView
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		p, t, now, err := s.lockPollForVote(ctx, pollID, viewer)
		if err != nil {
			return err
		}
		if err := s.checkNotSilenced(ctx, viewer); err != nil {
			return err
		}
		opts, err := s.store.PollOptions(ctx, p.ID)
		if err != nil {
			return err
		}
		if err := checkChoices(choices, len(opts), p.Multiple); err != nil {
			return err
		}
		if err := s.castVote(ctx, p, t, viewer, choices, now); err != nil {
			return err
		}
		view, err = s.pollView(ctx, viewer, p, t)
		return err
	})
	return view, err
}

// checkChoices validates the indexes of a vote.
func checkChoices(choices []int, n int, multiple bool) error {
	v := validation{}
	seen := map[int]bool{}
	for _, c := range choices {
		if c < 0 || c >= n {
			v.add("options", "errors.polls.no_such_choice", "Choice", c, "Last", n-1)
		} else if seen[c] {
			v.add("options", "errors.polls.choice_twice", "Choice", c)
		}
		seen[c] = true
	}
	switch {
	case len(choices) == 0:
		v.add("options", "errors.polls.choose_option")
	case len(choices) > 1 && !multiple:
		v.add("options", "errors.polls.poll_takes_one_choice")
	}
	return v.err()
}

// castVote records a voter and their choices and tells the hooks, in the
// caller's transaction. The voter row's key refuses a second voter row,
// so of two concurrent votes only one counts.
func (s *Service) castVote(ctx context.Context, p *models.Poll, t *models.Thread, voter *models.User, choices []int, now time.Time) error {
	added, err := s.store.AddPollVoter(ctx, p.ID, voter.ID, now)
	if err != nil {
		return err
	}
	if !added && !(voter.IsRemote() && p.Multiple) {
		return ErrAlreadyVoted
	}
	counted := 0
	for _, c := range choices {
		ok, err := s.store.AddPollVote(ctx, p.ID, voter.ID, c, now)
		if err != nil {
			return err
		}
		if ok {
			counted++
		}
	}
	if counted == 0 {
		return ErrAlreadyVoted
	}
	if p.VotersCount, err = s.votersCount(ctx, p.ID); err != nil {
		return err
	}
	if t != nil {
		if err := s.store.TouchThread(ctx, t.ID, now); err != nil {
			return err
		}
	}
	if h, ok := s.hooks.(PollHooks); ok {
		return h.PollVoted(ctx, p, voter, choices)
	}
	return nil
}

func (s *Service) votersCount(ctx context.Context, pollID int64) (int, error) {
	p, err := s.store.PollByID(ctx, pollID)
	if err != nil {
		return 0, err
	}
	return p.VotersCount, nil
}

// PollHooks is implemented by Hooks that federate votes (federation's
// outbox): PollVoted runs inside the vote's transaction, like the other
// hooks, after the vote is counted. choices are the voter's new choices.
type PollHooks interface {
	PollVoted(ctx context.Context, p *models.Poll, voter *models.User, choices []int) error
}

// PollForPost loads the poll attached to a post and its options, for the
// post's ActivityPub document; nil when it has none.
func (s *Service) PollForPost(ctx context.Context, postID int64) (*models.Poll, []models.PollOption, error) {
	p, err := s.store.PollByPostID(ctx, postID)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	opts, err := s.store.PollOptions(ctx, p.ID)
	return p, opts, err
}

// PollClosed reports whether voting in p has ended by the service's clock.
func (s *Service) PollClosed(p *models.Poll) bool { return pollClosed(p, s.now()) }
