package forum

import (
	"context"
	"errors"
	"time"

	"github.com/hearth/hearth/forum/markup"
	"github.com/hearth/hearth/models"
)

// Replies from the fediverse. federation/ verifies who sent an activity and
// works out which thread it belongs to; the rules for storing it live here,
// beside Reply, so a remote reply obeys the same thread rules (no posting
// in locked or deleted threads) and the same numbering as a local one.

// RemoteNote is a remote post's content as federation received it.
type RemoteNote struct {
	APID      string    // the Note's id: unique, so redelivery stores it once
	HTML      string    // the Note's content; sanitised again here
	Published time.Time // zero when absent
	// Mentions are the lower-cased names of local members the Note's
	// Mention tags name; they are notified like members mentioned here.
	Mentions []string
}

// RemoteUser returns the users row standing for a remote actor, creating
// or refreshing it. The row has no password: it can never log in.
func (s *Service) RemoteUser(ctx context.Context, a *models.RemoteActor) (*models.User, error) {
	if a == nil || a.ID == 0 || a.Domain == "" {
		return nil, errors.New("forum: remote user needs a stored remote actor")
	}
	return s.store.UpsertRemoteUser(ctx, a, s.now())
}

// RemotePost loads the post stored for a remote object id.
func (s *Service) RemotePost(ctx context.Context, apID string) (*models.Post, error) {
	p, err := s.store.PostByAPID(ctx, apID)
	return p, mapNotFound(err)
}

// ReplyFromRemote stores a remote author's reply in a thread, numbered
// under the thread's row lock like Reply. A Note already stored (the same
// APID) is returned unchanged. Locked or deleted threads refuse it with
// ErrForbidden. No hook runs: the outbox's Create is for what members here
// write, and the author's own server already delivered this one.
func (s *Service) ReplyFromRemote(ctx context.Context, author *models.User, threadID, replyToPostID int64, n RemoteNote) (*models.Post, error) {
	if author == nil || !author.IsRemote() || n.APID == "" {
		return nil, ErrForbidden
	}
	if p, err := s.store.PostByAPID(ctx, n.APID); err == nil {
		return p, nil
	} else if !errors.Is(err, models.ErrNotFound) {
		return nil, err
	}
	html := markup.SanitizeHTML(n.HTML)
	body := markup.PlainText(html)
	v := validation{}
	checkText(v, "body", body, 1, bodyMaxRunes)
	if err := v.err(); err != nil {
		return nil, err
	}
	var post *models.Post
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		t, err := s.visibleThread(ctx, threadID)
		if err != nil {
			return err
		}
		if !CanPost(author, t) {
			return ErrForbidden
		}
		var replyTo *int64
		if replyToPostID != 0 {
			if parent, err := s.store.PostByID(ctx, replyToPostID); err == nil && parent.ThreadID == t.ID {
				replyTo = &parent.ID
			}
		}
		now := s.now()
		num, err := s.store.NextPostNumber(ctx, t.ID, author.ID, now)
		if err != nil {
			return mapNotFound(err)
		}
		// The page shows when the author wrote it, but never a time in
		// the future (a peer's clock or a lie) and never before the
		// thread began, which would read as out of order.
		created := now
		if !n.Published.IsZero() && n.Published.Before(now) && n.Published.After(t.CreatedAt) {
			created = n.Published.UTC()
		}
		apID := n.APID
		post = &models.Post{
			ThreadID: t.ID, Number: num, UserID: author.ID, ReplyToID: replyTo,
			Body: body, HTML: html, CreatedAt: created, UpdatedAt: now, APID: &apID,
		}
		if err := s.store.CreatePost(ctx, post); err != nil {
			return err
		}
		if err := s.countNewPost(ctx, t.CategoryID, author.ID, now, false); err != nil {
			return err
		}
		if held, err := s.holdIfSilenced(ctx, author, post); err != nil || held {
			return err // a held post tells nobody until it is approved
		}
		// Mentions come from the Note's tags, not its HTML: Mastodon
		// marks them as links, not @name text.
		return s.notifyPost(ctx, author, t, post, n.Mentions)
	})
	return post, err
}

// ownRemotePost loads the post stored for apID when author wrote it:
// only the Note's owner may edit or delete it.
func (s *Service) ownRemotePost(ctx context.Context, author *models.User, apID string) (*models.Post, error) {
	if author == nil || !author.IsRemote() {
		return nil, ErrForbidden
	}
	p, err := s.store.PostByAPID(ctx, apID)
	if err != nil {
		return nil, mapNotFound(err)
	}
	if p.UserID != author.ID {
		return nil, ErrForbidden
	}
	return p, nil
}

// EditFromRemote replaces a remote post's content (an Update of its Note),
// keeping the old text as a revision as local edits do.
func (s *Service) EditFromRemote(ctx context.Context, author *models.User, n RemoteNote) (*models.Post, error) {
	html := markup.SanitizeHTML(n.HTML)
	body := markup.PlainText(html)
	v := validation{}
	checkText(v, "body", body, 1, bodyMaxRunes)
	if err := v.err(); err != nil {
		return nil, err
	}
	var post *models.Post
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		p, err := s.ownRemotePost(ctx, author, n.APID)
		if err != nil {
			return err
		}
		post = p
		if p.DeletedAt != nil || p.HTML == html {
			return nil
		}
		now := s.now()
		if err := s.store.CreateRevision(ctx, &models.PostRevision{PostID: p.ID, EditorID: author.ID, Body: p.Body, CreatedAt: now}); err != nil {
			return err
		}
		p.Body, p.HTML, p.EditedAt, p.UpdatedAt = body, html, &now, now
		p.EditCount++
		if err := s.store.UpdatePostFields(ctx, p.ID, map[string]any{
			"body": p.Body, "html": p.HTML, "edited_at": now, "updated_at": now, "edit_count": p.EditCount,
		}); err != nil {
			return err
		}
		return s.store.TouchThread(ctx, p.ThreadID, now)
	})
	return post, err
}

// DeleteFromRemote soft-deletes a remote post (a Delete of its Note): the
// row and number stay and the thread shows the usual placeholder.
func (s *Service) DeleteFromRemote(ctx context.Context, author *models.User, apID string) error {
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		p, err := s.ownRemotePost(ctx, author, apID)
		if err != nil || p.DeletedAt != nil {
			return err
		}
		now := s.now()
		if err := s.store.UpdatePostFields(ctx, p.ID, map[string]any{"deleted_at": now, "deleted_by": author.ID, "updated_at": now}); err != nil {
			return err
		}
		return s.store.TouchThread(ctx, p.ThreadID, now)
	})
}
