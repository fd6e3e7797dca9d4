package models

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Poll is a question with options, attached to one post (migration 0080).
// A poll written here hangs off its thread's first post; a poll from the
// fediverse (APID set) is Hearth's cached copy of a remote Question, whose
// tallies its origin server keeps and sends in Update{Question}.
type Poll struct {
	ID       int64  `gorm:"primaryKey"`
	PostID   *int64 // nil for a remote Question not shown in a thread here
	ThreadID *int64
	APID     *string `gorm:"column:ap_id"`
	// RemoteActorID is the remote Question's author, whose inbox gets
	// local members' votes.
	RemoteActorID *int64
	Multiple      bool
	ClosesAt      *time.Time // when voting ends; nil = open until closed
	ClosedAt      *time.Time // a remote poll its origin marked closed
	VotersCount   int
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// A remote Question's text (migration 0180): its content, sanitised
	// on arrival, and its summary (a content warning), as plain text.
	ContentHTML string `gorm:"column:content_html"`
	Summary     string
}

// IsRemote reports whether the poll is a copy of another server's Question.
func (p *Poll) IsRemote() bool { return p.APID != nil }

// PollOption is one answer of a poll, by its 0-based position.
type PollOption struct {
	PollID     int64 `gorm:"primaryKey;autoIncrement:false"`
	Position   int   `gorm:"primaryKey;autoIncrement:false"`
	Name       string
	VotesCount int
}

// PollVoter is one member or remote actor having voted in a poll.
type PollVoter struct {
	PollID    int64 `gorm:"primaryKey;autoIncrement:false"`
	UserID    int64 `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time
}

// PollVote is one option a voter chose.
type PollVote struct {
	PollID    int64 `gorm:"primaryKey;autoIncrement:false"`
	UserID    int64 `gorm:"primaryKey;autoIncrement:false"`
	Position  int   `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time
}

// PollUpdate ties a queued Update{Question} delivery to its poll.
type PollUpdate struct {
	DeliveryID int64 `gorm:"primaryKey;autoIncrement:false"`
	PollID     int64
}

// CreatePoll stores a poll and its options.
func (s *Store) CreatePoll(ctx context.Context, p *Poll, options []string) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		if err := s.DB(ctx).Create(p).Error; err != nil {
			return err
		}
		rows := make([]PollOption, len(options))
		for i, name := range options {
			rows[i] = PollOption{PollID: p.ID, Position: i, Name: name}
		}
		return s.DB(ctx).Create(&rows).Error
	})
}

// PollByID loads a poll, or ErrNotFound.
func (s *Store) PollByID(ctx context.Context, id int64) (*Poll, error) {
	var p Poll
	if err := s.DB(ctx).First(&p, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}

// PollForUpdate loads a poll with its row locked (PostgreSQL) for the rest
// of the transaction, so votes on one poll apply one after another.
func (s *Store) PollForUpdate(ctx context.Context, id int64) (*Poll, error) {
	var p Poll
	db := s.DB(ctx)
	if db.Dialector.Name() == "postgres" {
		db = db.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := db.First(&p, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}

// PollByAPID loads the cached copy of a remote Question, or ErrNotFound.
func (s *Store) PollByAPID(ctx context.Context, apID string) (*Poll, error) {
	var p Poll
	if err := s.DB(ctx).Where("ap_id = ?", apID).First(&p).Error; err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}

// PollByPostID loads the poll attached to a post, or ErrNotFound.
func (s *Store) PollByPostID(ctx context.Context, postID int64) (*Poll, error) {
	var p Poll
	if err := s.DB(ctx).Where("post_id = ?", postID).First(&p).Error; err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}

// PollsByPostIDs loads the polls attached to any of the posts.
func (s *Store) PollsByPostIDs(ctx context.Context, postIDs []int64) ([]Poll, error) {
	if len(postIDs) == 0 {
		return nil, nil
	}
	var ps []Poll
	err := s.DB(ctx).Where("post_id IN ?", postIDs).Find(&ps).Error
	return ps, err
}

// PollOptions lists a poll's options in order.
func (s *Store) PollOptions(ctx context.Context, pollID int64) ([]PollOption, error) {
	var os []PollOption
	err := s.DB(ctx).Where("poll_id = ?", pollID).Order("position").Find(&os).Error
	return os, err
}

// UserPollChoices lists the positions userID chose in a poll, in order.
func (s *Store) UserPollChoices(ctx context.Context, pollID, userID int64) ([]int, error) {
	var ps []int
	err := s.DB(ctx).Model(&PollVote{}).Where("poll_id = ? AND user_id = ?", pollID, userID).
		Order("position").Pluck("position", &ps).Error
	return ps, err
}

// AddPollVoter records userID as a voter in the poll; false means they
// already were (the primary key refused the row, whatever raced).
func (s *Store) AddPollVoter(ctx context.Context, pollID, userID int64, now time.Time) (bool, error) {
	res := s.DB(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&PollVoter{PollID: pollID, UserID: userID, CreatedAt: now})
	if res.Error != nil {
		return false, res.Error
	}
	if res.RowsAffected == 0 {
		return false, nil
	}
	return true, s.DB(ctx).Model(&Poll{}).Where("id = ?", pollID).
		Updates(map[string]any{"voters_count": gorm.Expr("voters_count + 1"), "updated_at": now}).Error
}

// AddPollVote records one chosen option and counts it; false means the
// voter had already chosen it.
func (s *Store) AddPollVote(ctx context.Context, pollID, userID int64, position int, now time.Time) (bool, error) {
	res := s.DB(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&PollVote{PollID: pollID, UserID: userID, Position: position, CreatedAt: now})
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	return true, s.DB(ctx).Model(&PollOption{}).Where("poll_id = ? AND position = ?", pollID, position).
		UpdateColumn("votes_count", gorm.Expr("votes_count + 1")).Error
}

// SetPollTallies replaces a remote poll's cached state with what its
// origin last said.
func (s *Store) SetPollTallies(ctx context.Context, pollID int64, votes []int, voters int, closesAt, closedAt *time.Time, now time.Time) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		for i, n := range votes {
			if err := s.DB(ctx).Model(&PollOption{}).Where("poll_id = ? AND position = ?", pollID, i).
				UpdateColumn("votes_count", n).Error; err != nil {
				return err
			}
		}
		return s.DB(ctx).Model(&Poll{}).Where("id = ?", pollID).Updates(map[string]any{
			"voters_count": voters, "closes_at": closesAt, "closed_at": closedAt, "updated_at": now,
		}).Error
	})
}

// SetPollText replaces a remote poll's question text with what its origin
// last said.
func (s *Store) SetPollText(ctx context.Context, pollID int64, html, summary string) error {
	return s.DB(ctx).Model(&Poll{}).Where("id = ?", pollID).
		Updates(map[string]any{"content_html": html, "summary": summary}).Error
}

// AttachPoll ties a remote poll to the post that shows it.
func (s *Store) AttachPoll(ctx context.Context, pollID, postID, threadID int64) error {
	return s.DB(ctx).Model(&Poll{}).Where("id = ? AND post_id IS NULL", pollID).
		Updates(map[string]any{"post_id": postID, "thread_id": threadID}).Error
}

// PollVoterInboxes lists the delivery inboxes of the remote actors who
// voted in a poll.
func (s *Store) PollVoterInboxes(ctx context.Context, pollID int64) ([]string, error) {
	var rows []RemoteActor
	err := s.DB(ctx).Table("remote_actors").
		Joins("JOIN users ON users.remote_actor_id = remote_actors.id").
		Joins("JOIN poll_voters ON poll_voters.user_id = users.id").
		Where("poll_voters.poll_id = ?", pollID).
		Select("remote_actors.inbox, remote_actors.shared_inbox").Find(&rows).Error
	out := make([]string, 0, len(rows))
	for i := range rows {
		out = append(out, rows[i].DeliveryInbox())
	}
	return out, err
}

// TakePendingPollUpdates removes the poll's queued Update deliveries that
// no worker holds (first tries and retries alike: an older Update arriving
// after a newer one would roll the tallies back) and returns the earliest
// time one was due, nil when there were none, so the caller can queue one
// fresh Update with the newest tallies in their place.
func (s *Store) TakePendingPollUpdates(ctx context.Context, pollID int64) (*time.Time, error) {
	var rows []Delivery
	err := s.DB(ctx).Where("state = ? AND id IN (SELECT delivery_id FROM poll_updates WHERE poll_id = ?)", QueuePending, pollID).
		Find(&rows).Error
	if err != nil {
		return nil, err
	}
	// Links to jobs already sent are of no further use either.
	if err := s.DB(ctx).Where("poll_id = ?", pollID).Delete(&PollUpdate{}).Error; err != nil || len(rows) == 0 {
		return nil, err
	}
	ids := make([]int64, len(rows))
	due := rows[0].NextAttemptAt
	for i := range rows {
		ids[i] = rows[i].ID
		if rows[i].NextAttemptAt.Before(due) {
			due = rows[i].NextAttemptAt
		}
	}
	// state = pending again: a job a worker claimed meanwhile is sent.
	if err := s.DB(ctx).Where("id IN ? AND state = ?", ids, QueuePending).Delete(&Delivery{}).Error; err != nil {
		return nil, err
	}
	return &due, nil
}

// EnqueuePollUpdates queues an Update{Question} for each inbox, due at
// due, and remembers the jobs so later votes can replace them (call
// TakePendingPollUpdates first).
func (s *Store) EnqueuePollUpdates(ctx context.Context, pollID int64, activityJSON, actorType string, actorID int64, inboxes []string, now, due time.Time) error {
	if len(inboxes) == 0 {
		return nil
	}
	rows := make([]Delivery, len(inboxes))
	for i, inbox := range inboxes {
		rows[i] = Delivery{ActivityJSON: activityJSON, ActorType: actorType, ActorID: actorID,
			InboxURL: inbox, NextAttemptAt: due, State: QueuePending, CreatedAt: now, UpdatedAt: now}
	}
	if err := s.DB(ctx).Create(&rows).Error; err != nil {
		return err
	}
	links := make([]PollUpdate, len(rows))
	for i := range rows {
		links[i] = PollUpdate{DeliveryID: rows[i].ID, PollID: pollID}
	}
	return s.DB(ctx).Create(&links).Error
}

// RemoteActorByID loads a cached remote actor by its row id.
func (s *Store) RemoteActorByID(ctx context.Context, id int64) (*RemoteActor, error) {
	var a RemoteActor
	if err := s.DB(ctx).First(&a, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &a, nil
}

// FollowedLocally reports whether any member here follows the remote actor.
func (s *Store) FollowedLocally(ctx context.Context, remoteActorID int64) (bool, error) {
	var n int64
	err := s.DB(ctx).Model(&Following{}).Where("remote_actor_id = ?", remoteActorID).Limit(1).Count(&n).Error
	return n > 0, err
}
