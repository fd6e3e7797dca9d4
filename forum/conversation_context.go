package forum

import (
	"context"

	"github.com/hearth/hearth/models"
)

// A thread is a conversation's context (FEP-7888): its Notes name the
// thread's URL as their `context`, and that URL lists the thread's posts.
// Remote conversations have contexts of their own; the ones whose replies
// joined a thread here are recorded, so a later reply naming the same
// context finds the thread even when its inReplyTo is unknown, and a
// backfill knows where the thread's missed replies are listed.

// ContextItem is one post as a thread's context collection lists it: by
// its own ActivityPub id when it came from the fediverse (APID), as
// Mastodon lists the statuses of its contexts.
type ContextItem struct {
	ID   int64
	APID *string
}

// ThreadContextItems lists the posts numbered from..to of a thread whose
// context the caller may serve (ThreadForFederation), in order. Deleted
// and hidden posts are left out: a peer paging the context must not import
// what moderation removed. A page stays a range of numbers, so any page
// costs what the first does; a page may therefore list fewer items.
func (s *Service) ThreadContextItems(ctx context.Context, threadID int64, from, to int) ([]ContextItem, error) {
	if to < from {
		return nil, nil
	}
	posts, err := s.store.PostsInRange(ctx, threadID, from, to)
	if err != nil {
		return nil, err
	}
	items := make([]ContextItem, 0, len(posts))
	for _, p := range posts {
		if p.DeletedAt != nil || p.HiddenAt != nil {
			continue
		}
		items = append(items, ContextItem{ID: p.ID, APID: p.APID})
	}
	return items, nil
}

// RecordRemoteContext remembers that the fediverse conversation contextID
// continues in thread threadID. The first time a conversation joins a
// thread, a backfill of the thread is queued: replies in that
// conversation that never reached Hearth are fetched from its collection.
func (s *Service) RecordRemoteContext(ctx context.Context, contextID string, threadID int64) error {
	if contextID == "" || threadID == 0 {
		return nil
	}
	now := s.now()
	inserted, err := s.store.RecordRemoteContext(ctx, contextID, threadID, now)
	if err != nil || !inserted {
		return err
	}
	_, err = s.store.QueueBackfill(ctx, threadID, nil, now)
	return err
}

// RequestBackfill queues a fetch of a thread's missed fediverse replies:
// the thread tool "Fetch missed replies", for those who may lock the
// thread. Asking again while one is waiting changes nothing.
func (s *Service) RequestBackfill(ctx context.Context, actor *models.User, threadID int64, reason string) error {
	if err := s.checkReason(ctx, actor, reason); err != nil {
		return err
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		t, err := s.threadFor(ctx, actor, threadID)
		if err != nil {
			return err
		}
		if !CanLockThread(actor, t) {
			return ErrForbidden
		}
		now := s.now()
		queued, err := s.store.QueueBackfill(ctx, threadID, &actor.ID, now)
		if err != nil || !queued {
			return err
		}
		return s.record(ctx, actor, "thread.fetch_replies", TargetThread, threadID, reason, nil, now)
	})
}

// ThreadForRemoteContext is the thread a remote conversation continues in,
// or ErrNotFound.
func (s *Service) ThreadForRemoteContext(ctx context.Context, contextID string) (int64, error) {
	id, err := s.store.ThreadForRemoteContext(ctx, contextID)
	return id, mapNotFound(err)
}

// RemoteContextsOfThread lists up to limit remote conversations recorded
// for a thread.
func (s *Service) RemoteContextsOfThread(ctx context.Context, threadID int64, limit int) ([]string, error) {
	return s.store.RemoteContextsOfThread(ctx, threadID, limit)
}
