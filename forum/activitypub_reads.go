package forum

import (
	"context"
	"errors"
	"time"

	"github.com/hearth/hearth/models"
)

// Read-only loads for the ActivityPub documents federation/ serves. They
// differ from the page loads in one way that matters: a deleted post or
// thread is not "not found" but Gone, because remote servers must be told
// to drop their copy (410 with a Tombstone).

// maxFederatedMentions bounds the member lookups one Note costs; a post
// mentioning more people than this is spam, not conversation.
const maxFederatedMentions = 20

// FederatedPost is a post with everything its Note shows.
type FederatedPost struct {
	Post     *models.Post
	Thread   *models.Thread
	Author   *models.User
	Category *models.Category
	Page     int            // the thread page holding the post, for its HTML url
	Mentions []*models.User // local members the post mentions, in order
	Hashtags []string       // lower-cased #tags in the post, in order
	// RemoteParent is set when the post answers a post from the
	// fediverse: the Note answers that Note and mentions its author,
	// whose server must be sent it.
	RemoteParent *RemoteParent
	// Gone is set when the post or its thread was deleted; only Post (for
	// its id and deletion time) and Thread are loaded then.
	Gone bool
	// Poll is the post's poll (the Note is then a Question), or nil.
	Poll        *models.Poll
	PollOptions []models.PollOption
	// Replies is the first page of the post's direct replies, which its
	// Note embeds in its replies collection.
	Replies RepliesPage
	// Attachments are the post's uploads, for the Note's attachment.
	Attachments []Attachment
}

// DeletedAt is when the post (or its thread) was deleted, for a Tombstone.
func (p *FederatedPost) DeletedAt() time.Time {
	switch {
	case p.Post.DeletedAt != nil:
		return *p.Post.DeletedAt
	case p.Thread.DeletedAt != nil:
		return *p.Thread.DeletedAt
	}
	return time.Time{}
}

// RemoteParent is a remote post a local post answers.
type RemoteParent struct {
	APID   string       // the parent Note's id
	Author *models.User // its author's row: RemoteURL is the actor id
}

// RemoteParentOf loads the remote post p answers, or nil when p answers a
// local post or nothing.
func (s *Service) RemoteParentOf(ctx context.Context, p *models.Post) (*RemoteParent, error) {
	if p.ReplyToID == nil {
		return nil, nil
	}
	parent, err := s.store.PostByID(ctx, *p.ReplyToID)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if parent.APID == nil || parent.DeletedAt != nil {
		return nil, nil
	}
	author, err := s.store.UserByID(ctx, parent.UserID)
	if err != nil {
		return nil, err
	}
	if !author.IsRemote() || author.RemoteURL == "" {
		return nil, nil
	}
	return &RemoteParent{APID: *parent.APID, Author: author}, nil
}

// PostForFederation loads a post for its ActivityPub Note.
func (s *Service) PostForFederation(ctx context.Context, id int64) (*FederatedPost, error) {
	p, err := s.store.PostByID(ctx, id)
	if err != nil {
		return nil, mapNotFound(err)
	}
	t, err := s.store.ThreadByID(ctx, p.ThreadID)
	if err != nil {
		return nil, mapNotFound(err)
	}
	if err := s.checkSeeThread(ctx, nil, t); err != nil {
		return nil, err // the ambassadors' private category never federates
	}
	if p.HiddenAt != nil && p.DeletedAt == nil {
		// Hidden pending review: not public, but not gone either (a
		// Tombstone would make peers delete a post that may be approved).
		return nil, ErrNotFound
	}
	fp := &FederatedPost{Post: p, Thread: t, Page: s.PageOf(p.Number)}
	if p.DeletedAt != nil || t.DeletedAt != nil {
		fp.Gone = true
		return fp, nil
	}
	if fp.Author, err = s.store.UserByID(ctx, p.UserID); err != nil {
		return nil, err
	}
	if fp.Category, err = s.store.CategoryByID(ctx, t.CategoryID); err != nil {
		return nil, err
	}
	// Rendering again is the only way to learn what a post mentions (only
	// the HTML is stored); it costs about what the Note's JSON encoding does.
	if fp.RemoteParent, err = s.RemoteParentOf(ctx, p); err != nil {
		return nil, err
	}
	r := s.md.Render(p.Body)
	fp.Hashtags = r.Hashtags
	if fp.Mentions, err = s.mentionedMembers(ctx, r.Mentions); err != nil {
		return nil, err
	}
	if p.APID == nil {
		if fp.Replies, err = s.loadRepliesPage(ctx, p, t, 1); err != nil {
			return nil, err
		}
		if fp.Attachments, err = s.postAttachments(ctx, p.Body); err != nil {
			return nil, err
		}
	}
	fp.Poll, fp.PollOptions, err = s.PollForPost(ctx, p.ID)
	return fp, err
}

// MentionedMembers are the local members a post's body mentions, in
// order and at most maxFederatedMentions: the actors its Note addresses,
// which its Delete addresses again once the post is gone.
func (s *Service) MentionedMembers(ctx context.Context, body string) ([]*models.User, error) {
	return s.mentionedMembers(ctx, s.md.Render(body).Mentions)
}

func (s *Service) mentionedMembers(ctx context.Context, names []string) ([]*models.User, error) {
	var out []*models.User
	for _, name := range names {
		if len(out) == maxFederatedMentions {
			break
		}
		u, err := s.store.UserByUsername(ctx, name)
		if errors.Is(err, models.ErrNotFound) {
			continue // "@name@remote.host" or a name nobody holds
		}
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// FederatedThread is a thread as its ActivityPub context collection
// (FEP-7888) shows it.
type FederatedThread struct {
	Thread   *models.Thread
	Category *models.Category
	Gone     bool // the thread was deleted; Category is not loaded
}

// ThreadForFederation loads a thread for its context collection.
func (s *Service) ThreadForFederation(ctx context.Context, id int64) (*FederatedThread, error) {
	t, err := s.store.ThreadByID(ctx, id)
	if err != nil {
		return nil, mapNotFound(err)
	}
	if err := s.checkSeeThread(ctx, nil, t); err != nil {
		return nil, err
	}
	ft := &FederatedThread{Thread: t}
	if t.DeletedAt != nil {
		ft.Gone = true
		return ft, nil
	}
	if ft.Category, err = s.store.CategoryByID(ctx, t.CategoryID); err != nil {
		return nil, err
	}
	return ft, nil
}

// InstanceUsage is what NodeInfo reports about the forum's size.
type InstanceUsage struct {
	Users, ActiveMonth, ActiveHalfyear, LocalPosts int64
}

// Usage counts members, active members (who posted or used the site in the
// last 30 and 180 days) and visible posts.
func (s *Service) Usage(ctx context.Context) (InstanceUsage, error) {
	var u InstanceUsage
	var err error
	now := s.now()
	if u.Users, err = s.store.CountUsers(ctx); err != nil {
		return u, err
	}
	if u.ActiveMonth, err = s.store.CountActiveUsers(ctx, now.AddDate(0, 0, -30)); err != nil {
		return u, err
	}
	if u.ActiveHalfyear, err = s.store.CountActiveUsers(ctx, now.AddDate(0, 0, -180)); err != nil {
		return u, err
	}
	u.LocalPosts, err = s.store.CountVisiblePosts(ctx)
	return u, err
}
