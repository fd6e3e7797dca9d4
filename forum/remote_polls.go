package forum

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hearth/hearth/forum/markup"
	"github.com/hearth/hearth/models"
)

// Polls from the fediverse. federation/ parses a Question (Mastodon's poll)
// and its votes; the rules live here: a remote vote counts once per actor
// (once per option in a multiple-choice poll), and a Question's tallies
// change only at its author's word.

// RemoteQuestion is a remote poll as its Question document describes it.
type RemoteQuestion struct {
	APID     string
	Multiple bool // anyOf rather than oneOf
	Options  []string
	Votes    []int // per option, as the origin counts them
	Voters   int   // votersCount; 0 when absent
	EndTime  *time.Time
	Closed   *time.Time
	// HTML is the question as the Question's content (or name) gives it,
	// sanitised by clean; Summary its content warning, as plain text.
	HTML    string
	Summary string
}

// maxRemoteOptions bounds what a peer may make Hearth store per poll.
const maxRemoteOptions = 20

// A Question's text is kept up to these sizes; longer text is not kept
// (cut HTML would be broken HTML) and the page links to the original.
const (
	questionMaxBytes     = 64 << 10
	questionSummaryRunes = 500
)

func (q *RemoteQuestion) clean() error {
	if q.APID == "" || len(q.Options) == 0 || len(q.Options) > maxRemoteOptions {
		return invalid("poll_options", "errors.remote_polls.question_needs_1_20")
	}
	for i, o := range q.Options {
		o = strings.TrimSpace(o)
		if !utf8.ValidString(o) || o == "" {
			return invalid("poll_options", "errors.remote_polls.question_option_has_no")
		}
		if r := []rune(o); len(r) > pollOptionMaxRunes {
			o = string(r[:pollOptionMaxRunes])
		}
		q.Options[i] = o
	}
	votes := make([]int, len(q.Options))
	for i := range votes {
		if i < len(q.Votes) && q.Votes[i] > 0 {
			votes[i] = q.Votes[i]
		}
	}
	q.Votes = votes
	q.Voters = max(q.Voters, 0)
	q.HTML = strings.TrimSpace(markup.SanitizeHTML(q.HTML))
	if len(q.HTML) > questionMaxBytes || utf8.RuneCountInString(markup.PlainText(q.HTML)) > bodyMaxRunes {
		q.HTML = ""
	}
	q.Summary = strings.Join(strings.Fields(markup.PlainText(q.Summary)), " ")
	if r := []rune(q.Summary); len(r) > questionSummaryRunes {
		q.Summary = string(r[:questionSummaryRunes]) + "…"
	}
	return nil
}

// questionWords applies watched words to a remote question's text as to
// a remote post's: replacements are made, and a word that would block or
// hold the post leaves that text unshown here (the poll stays, and its
// page links to the original); a blocked or held content warning hides
// the question with it.
func (s *Service) questionWords(ctx context.Context, q *RemoteQuestion) error {
	var ve *ValidationError
	if q.HTML != "" {
		body := markup.PlainText(q.HTML)
		hold, err := s.remoteWords(ctx, &body, &q.HTML)
		switch {
		case errors.As(err, &ve) || hold != "":
			q.HTML = ""
		case err != nil:
			return err
		}
	}
	if q.Summary != "" {
		wc, err := s.checkWords(ctx, "summary", q.Summary)
		switch {
		case errors.As(err, &ve) || wc.hold != "":
			q.HTML, q.Summary = "", ""
		case err != nil:
			return err
		default:
			q.Summary = wc.text
		}
	}
	return nil
}

// StoreRemotePoll keeps (or refreshes) the copy of a remote Question
// whose author is the remote actor author; postID, when not 0, is the post
// (in threadID) that shows it. Only the author may change a stored copy.
func (s *Service) StoreRemotePoll(ctx context.Context, author *models.RemoteActor, q RemoteQuestion, postID, threadID int64) (*models.Poll, error) {
	if err := q.clean(); err != nil {
		return nil, err
	}
	if err := s.questionWords(ctx, &q); err != nil {
		return nil, err
	}
	var poll *models.Poll
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		now := s.now()
		p, err := s.store.PollByAPID(ctx, q.APID)
		switch {
		case err == nil:
			if p.RemoteActorID == nil || *p.RemoteActorID != author.ID {
				return ErrForbidden
			}
			poll = p
			if postID != 0 {
				if err := s.store.AttachPoll(ctx, p.ID, postID, threadID); err != nil {
					return err
				}
				p.PostID, p.ThreadID = &postID, &threadID // so refreshPoll touches the thread
			}
			return s.refreshPoll(ctx, p, q, now)
		case !errors.Is(err, models.ErrNotFound):
			return err
		}
		apID, actorID := q.APID, author.ID
		poll = &models.Poll{APID: &apID, RemoteActorID: &actorID, Multiple: q.Multiple, ClosesAt: q.EndTime, ClosedAt: q.Closed,
			VotersCount: q.Voters, CreatedAt: now, UpdatedAt: now, ContentHTML: q.HTML, Summary: q.Summary}
		if postID != 0 {
			poll.PostID, poll.ThreadID = &postID, &threadID
		}
		if err := s.store.CreatePoll(ctx, poll, q.Options); err != nil {
			return err
		}
		if err := s.store.SetPollTallies(ctx, poll.ID, q.Votes, q.Voters, q.EndTime, q.Closed, now); err != nil {
			return err
		}
		if postID != 0 {
			// The post's page shows the poll now: page caches key on
			// the thread's version.
			return s.store.TouchThread(ctx, threadID, now)
		}
		return nil
	})
	return poll, err
}

// RefreshRemotePoll applies an Update{Question} from its author. A poll
// Hearth does not hold is ErrNotFound: nothing here shows it.
func (s *Service) RefreshRemotePoll(ctx context.Context, author *models.RemoteActor, q RemoteQuestion) error {
	if err := q.clean(); err != nil {
		return err
	}
	if err := s.questionWords(ctx, &q); err != nil {
		return err
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		p, err := s.store.PollByAPID(ctx, q.APID)
		if err != nil {
			return mapNotFound(err)
		}
		if p.RemoteActorID == nil || *p.RemoteActorID != author.ID {
			return ErrForbidden
		}
		return s.refreshPoll(ctx, p, q, s.now())
	})
}

func (s *Service) refreshPoll(ctx context.Context, p *models.Poll, q RemoteQuestion, now time.Time) error {
	if err := s.store.SetPollTallies(ctx, p.ID, q.Votes, q.Voters, q.EndTime, q.Closed, now); err != nil {
		return err
	}
	if p.ContentHTML != q.HTML || p.Summary != q.Summary {
		if err := s.store.SetPollText(ctx, p.ID, q.HTML, q.Summary); err != nil {
			return err
		}
	}
	if p.ThreadID != nil {
		return s.store.TouchThread(ctx, *p.ThreadID, now)
	}
	return nil
}

// VoteFromRemote counts a remote actor's vote (a Note naming an option,
// in reply to the poll's Question) in a poll written here. A second vote
// from the same actor is ErrAlreadyVoted (for a multiple-choice poll: a
// second vote for the same option); an unknown option name is a
// ValidationError.
func (s *Service) VoteFromRemote(ctx context.Context, voter *models.User, postID int64, option string) error {
	if voter == nil || !voter.IsRemote() {
		return ErrForbidden
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		found, err := s.store.PollByPostID(ctx, postID)
		if err != nil {
			return mapNotFound(err)
		}
		if found.IsRemote() {
			return ErrNotFound // another server's poll: its votes go there
		}
		p, t, now, err := s.lockPollForVote(ctx, found.ID, voter)
		if err != nil {
			return err
		}
		opts, err := s.store.PollOptions(ctx, p.ID)
		if err != nil {
			return err
		}
		choice := -1
		for _, o := range opts {
			if o.Name == strings.TrimSpace(option) {
				choice = o.Position
			}
		}
		if choice < 0 {
			return invalid("options", "errors.remote_polls.no_such_option", "Name", option)
		}
		return s.castVote(ctx, p, t, voter, []int{choice}, now)
	})
}

// PollOrigin is where a member's vote in a remote poll goes.
type PollOrigin struct {
	QuestionID string
	Author     *models.RemoteActor
	Options    []models.PollOption
}

// RemotePollOrigin loads what federation needs to send votes in a remote
// poll to its origin.
func (s *Service) RemotePollOrigin(ctx context.Context, p *models.Poll) (*PollOrigin, error) {
	if !p.IsRemote() || p.RemoteActorID == nil {
		return nil, ErrNotFound
	}
	a, err := s.store.RemoteActorByID(ctx, *p.RemoteActorID)
	if err != nil {
		return nil, mapNotFound(err)
	}
	opts, err := s.store.PollOptions(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	return &PollOrigin{QuestionID: *p.APID, Author: a, Options: opts}, nil
}

// RemotePollByAPID loads the stored copy of a remote Question.
func (s *Service) RemotePollByAPID(ctx context.Context, apID string) (*models.Poll, error) {
	p, err := s.store.PollByAPID(ctx, apID)
	return p, mapNotFound(err)
}
