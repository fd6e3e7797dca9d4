package forum

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/hearth/hearth/forum/markup"
	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// Posts held for approval. A held post is stored in held_posts, visible
// only to its author and to approvers, until an approver publishes it
// through the same path a post takes when nobody holds it (numbering,
// counters, notifications, federation hooks) or rejects it.

// ErrHeld is what errors.Is finds in a *HeldError.
var ErrHeld = i18n.Error("errors.held.held")

// HeldError reports that a post was stored but waits for approval: not a
// failure, but the caller has no published post to show.
type HeldError struct{ Held *models.HeldPost }

func (e *HeldError) Error() string {
	return "Your post is waiting for approval by a moderator or ambassador; it appears once approved."
}

// Is makes errors.Is(err, ErrHeld) true.
func (e *HeldError) Is(target error) bool { return target == ErrHeld }

// AsHeld returns the held post inside err, if any.
func AsHeld(err error) (*models.HeldPost, bool) {
	var he *HeldError
	if errors.As(err, &he) {
		return he.Held, true
	}
	return nil, false
}

// hold stores a post for approval and opens its approval item.
func (s *Service) hold(ctx context.Context, h *models.HeldPost) error {
	h.State = models.HeldPending
	if h.CreatedAt.IsZero() {
		h.CreatedAt = s.now()
	}
	if err := s.store.CreateHeldPost(ctx, h); err != nil {
		return err
	}
	id := h.ID
	return s.store.CreateQueueItem(ctx, &models.ModQueueItem{Kind: models.QueueKindApproval, PostID: -id, HeldPostID: &id,
		State: models.QueueItemOpen, CreatedAt: s.now()})
}

// holdPublished hides an already published post whose edit a watched word
// caught, and puts it in the queue as an approval item (or leaves the item
// it already has).
func (s *Service) holdPublished(ctx context.Context, p *models.Post, reason string) error {
	now := s.now()
	if err := s.record(ctx, nil, "post.hold", TargetPost, p.ID, reason, nil, now); err != nil {
		return err
	}
	if _, err := s.store.UnresolvedQueueItem(ctx, p.ID); errors.Is(err, models.ErrNotFound) {
		if err := s.store.CreateQueueItem(ctx, &models.ModQueueItem{Kind: models.QueueKindApproval, PostID: p.ID,
			State: models.QueueItemOpen, CreatedAt: now}); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	if p.HiddenAt != nil {
		return nil
	}
	p.HiddenAt = &now
	return s.setHidden(ctx, p, true)
}

// resolveHeld publishes (approve) or rejects (dismiss, hide, delete) the
// held post behind an approval item; the item is already marked resolved.
// The author is told either way (notifyHeldDecision); reason is what a
// rejection tells them.
func (s *Service) resolveHeld(ctx context.Context, actor *models.User, item *models.ModQueueItem, action, note, reason string, now time.Time) error {
	h, err := s.store.HeldPostByID(ctx, *item.HeldPostID)
	if err != nil {
		return mapNotFound(err)
	}
	details := map[string]any{"item": item.ID, "held_post": h.ID}
	if action != ResolveApprove {
		ok, err := s.store.ResolveHeldPost(ctx, h.ID, models.HeldRejected, nil, reason, now)
		if err != nil {
			return err
		}
		if !ok {
			return errAlreadyResolved
		}
		if reason != "" {
			details["reason"] = reason
		}
		if err := s.record(ctx, actor, "queue.reject", TargetUser, h.UserID, note, details, now); err != nil {
			return err
		}
		return s.notifyHeldDecision(ctx, actor, h, nil, now)
	}
	author, err := s.store.UserByID(ctx, h.UserID)
	if err != nil {
		return err
	}
	post, err := s.publishHeld(ctx, author, h)
	if err != nil {
		return err
	}
	ok, err := s.store.ResolveHeldPost(ctx, h.ID, models.HeldApproved, &post.ID, "", now)
	if err != nil {
		return err
	}
	if !ok {
		return errAlreadyResolved
	}
	if err := s.store.SetQueueItemPost(ctx, item.ID, post.ID); err != nil {
		return err
	}
	if err := s.record(ctx, actor, "queue.approve", TargetPost, post.ID, note, details, now); err != nil {
		return err
	}
	if err := s.notifyHeldDecision(ctx, actor, h, post, now); err != nil {
		return err
	}
	_, _, err = s.maybeGraduate(ctx, author)
	return err
}

// publishHeld turns a held post into a published one.
func (s *Service) publishHeld(ctx context.Context, author *models.User, h *models.HeldPost) (*models.Post, error) {
	if h.ThreadID == 0 {
		cat, err := s.store.CategoryByID(ctx, h.CategoryID)
		if err != nil {
			return nil, invalid("action", "errors.held.category_thread_was_gone")
		}
		var tags []string
		if h.Tags != "" {
			tags = strings.Split(h.Tags, ",")
		}
		if h.APID != nil { // a thread started from another server
			origin := &remoteOrigin{apID: *h.APID}
			if h.Activity != nil {
				origin.activity = []byte(*h.Activity)
			}
			_, post, err := s.insertThread(ctx, author, cat, h.Title, tags, h.Body, markup.Result{HTML: h.HTML}, h.CreatedAt, origin, nil)
			return post, err
		}
		rendered, err := s.render(ctx, h.Body)
		if err != nil {
			return nil, err
		}
		_, post, err := s.insertThread(ctx, author, cat, h.Title, tags, h.Body, rendered, h.CreatedAt, nil, nil)
		return post, err
	}
	t, err := s.liveThread(ctx, h.ThreadID) // the approver acts for the author, who could post there
	if err != nil {
		return nil, invalid("action", "errors.held.thread_reply_was_gone")
	}
	np := newPost{body: h.Body, html: h.HTML, replyTo: h.ReplyToID, created: h.CreatedAt, apID: h.APID}
	if h.Activity != nil {
		np.activity = []byte(*h.Activity)
	}
	if h.APID == nil {
		np.mentions = s.md.Render(h.Body).Mentions
	}
	return s.insertReply(ctx, author, t, np)
}

// PendingReplies lists the viewer's own replies waiting for approval in a
// thread, for the thread page to show them with a notice.
func (s *Service) PendingReplies(ctx context.Context, viewer *models.User, threadID int64) ([]models.HeldPost, error) {
	if viewer == nil {
		return nil, nil
	}
	return s.store.PendingHeldReplies(ctx, viewer.ID, threadID)
}

// HeldView is one held post as its author or an approver sees it.
type HeldView struct {
	models.HeldPost
	Author   *models.User
	Thread   *models.Thread   // the thread a held reply answers
	Category *models.Category // the category a held thread starts in
}

// HeldPost loads a held post for its author or an approver.
func (s *Service) HeldPost(ctx context.Context, viewer *models.User, id int64) (*HeldView, error) {
	h, err := s.store.HeldPostByID(ctx, id)
	if err != nil {
		return nil, mapNotFound(err)
	}
	if !CanSeeHeld(viewer, h) {
		return nil, ErrNotFound
	}
	v := &HeldView{HeldPost: *h}
	if v.Author, err = s.store.UserByID(ctx, h.UserID); err != nil {
		return nil, err
	}
	if h.ThreadID != 0 {
		v.Thread, _ = s.store.ThreadByID(ctx, h.ThreadID)
	} else {
		v.Category, _ = s.store.CategoryByID(ctx, h.CategoryID)
	}
	return v, nil
}
