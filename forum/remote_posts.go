package forum

import (
	"context"
	"errors"
	"strings"
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
	// Activity is the activity the Note arrived in, as received: once
	// accepted, the category's Group relays it to its group-aware
	// followers (RelayHooks). Empty relays nothing.
	Activity []byte
	// Unlisted: addressed with Public in cc only (federation/addressing.go).
	Unlisted bool
	// Attachments are the Note's files (remote_media.go bounds them).
	Attachments []RemoteAttachmentIn
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
// APID), published or held, is not stored again. Locked or deleted threads
// refuse it with ErrForbidden, and a watched word that blocks drops it with
// a ValidationError. A reply held for approval (its instance is silenced,
// or a watched word holds it) returns a nil post and no error: the inbox
// has done its part. The outbox's Create is for what members here write
// (the author's own server already delivered this one); what runs is the
// relay (RelayHooks), with n.Activity, once the reply is published.
func (s *Service) ReplyFromRemote(ctx context.Context, author *models.User, threadID, replyToPostID int64, n RemoteNote) (*models.Post, error) {
	return s.replyFromRemote(ctx, author, threadID, replyToPostID, nil, n)
}

// ReplyFromRemoteTo is ReplyFromRemote for a reply to parent, a post the
// caller has already loaded (inbound federation, which found the thread
// through it): the parent is not read again.
func (s *Service) ReplyFromRemoteTo(ctx context.Context, author *models.User, parent *models.Post, n RemoteNote) (*models.Post, error) {
	if parent == nil {
		return nil, ErrNotFound
	}
	return s.replyFromRemote(ctx, author, parent.ThreadID, parent.ID, parent, n)
}

func (s *Service) replyFromRemote(ctx context.Context, author *models.User, threadID, replyToPostID int64, parent *models.Post, n RemoteNote) (*models.Post, error) {
	if author == nil || !author.IsRemote() || n.APID == "" {
		return nil, ErrForbidden
	}
	// Already stored, published or held? And the watched words' version,
	// in the same round trip.
	postID, heldID, wordsVersion, err := s.store.RemoteNoteState(ctx, n.APID)
	if err != nil {
		return nil, err
	}
	if postID != 0 {
		p, err := s.store.PostByID(ctx, postID)
		if err != nil {
			return nil, err
		}
		return s.restoreOwnDeleted(ctx, author, p)
	}
	if heldID != 0 {
		return nil, nil
	}
	ctx = withWordsVersion(ctx, wordsVersion)
	html := markup.SanitizeHTML(n.HTML)
	body := markup.PlainText(html)
	v := validation{}
	checkText(v, "body", body, n.minBody(), bodyMaxRunes)
	if err := v.err(); err != nil {
		return nil, err
	}
	var post *models.Post
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		t, cat, err := s.threadAndCategoryFor(ctx, author, threadID)
		if err != nil {
			return err
		}
		if !CanPost(author, t) {
			return ErrForbidden
		}
		var replyTo *int64
		if replyToPostID != 0 && parent == nil {
			if p, err := s.store.PostByID(ctx, replyToPostID); err == nil {
				parent = p
			}
		}
		if parent != nil && parent.ThreadID == t.ID {
			replyTo = &parent.ID
		} else {
			parent = nil
		}
		hold, err := s.remoteWords(ctx, &body, &html)
		if err != nil {
			return err
		}
		if silenced, err := s.InstanceSilenced(ctx, author.Domain); err != nil {
			return err
		} else if silenced && hold == "" {
			hold = "instance " + author.Domain + " is silenced"
		}
		now := s.now()
		// The page shows when the author wrote it, but never a time in
		// the future (a peer's clock or a lie) and never before the
		// thread began, which would read as out of order.
		created := now
		if !n.Published.IsZero() && n.Published.Before(now) && n.Published.After(t.CreatedAt) {
			created = n.Published.UTC()
		}
		apID := n.APID
		if hold != "" {
			return s.hold(ctx, &models.HeldPost{UserID: author.ID, ThreadID: t.ID, ReplyToID: replyTo, Body: body, HTML: html,
				APID: &apID, Reason: hold, CreatedAt: created, Activity: heldActivity(n.Activity)})
		}
		// Mentions come from the Note's tags, not its HTML: Mastodon
		// marks them as links, not @name text.
		post, err = s.insertReply(ctx, author, t, newPost{body: body, html: html, mentions: n.Mentions, replyTo: replyTo, parent: parent, cat: cat, created: created, apID: &apID, activity: n.Activity, unlisted: n.Unlisted})
		if err != nil || len(n.Attachments) == 0 {
			return err
		}
		// One batch insert, only for a Note that has attachments.
		return s.store.AddRemoteAttachments(ctx, remoteAttachmentRows(post.ID, n.Attachments, now))
	})
	return post, err
}

// heldActivity is the activity a held remote post keeps for its relay.
func heldActivity(activity []byte) *string {
	if len(activity) == 0 {
		return nil
	}
	a := string(activity)
	return &a
}

// remoteWords applies watched words to a remote post: a block is a
// ValidationError (federation drops the activity), a hold is returned as a
// reason, and replacements are made in the HTML's text (never inside tags
// or entities) and the plain text alike.
func (s *Service) remoteWords(ctx context.Context, body, html *string) (string, error) {
	wc, err := s.checkWords(ctx, "body", *body)
	if err != nil || wc.text == *body {
		return wc.hold, err
	}
	*body = wc.text
	var b strings.Builder
	rest := *html
	for rest != "" {
		i := strings.IndexAny(rest, "<&")
		if i < 0 {
			i = len(rest)
		}
		text, err := s.checkWords(ctx, "body", rest[:i])
		if err != nil {
			return "", err
		}
		b.WriteString(text.text)
		rest = rest[i:]
		if rest == "" {
			break
		}
		end := strings.IndexByte(rest, map[byte]byte{'<': '>', '&': ';'}[rest[0]])
		if end < 0 {
			end = len(rest) - 1
		}
		b.WriteString(rest[:end+1])
		rest = rest[end+1:]
	}
	*html = markup.SanitizeHTML(b.String())
	return wc.hold, nil
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
	checkText(v, "body", body, n.minBody(), bodyMaxRunes)
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
		if p.DeletedAt != nil {
			return nil
		}
		if err := s.replaceRemoteAttachments(ctx, p.ID, n.Attachments); err != nil {
			return err
		}
		if p.HTML == html {
			return nil
		}
		hold, err := s.remoteWords(ctx, &body, &html)
		if err != nil {
			return err
		}
		now := s.now()
		if hold != "" {
			if err := s.holdPublished(ctx, p, hold); err != nil {
				return err
			}
		}
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
		if err := s.store.TouchThread(ctx, p.ThreadID, now); err != nil {
			return err
		}
		// An edit a watched word holds hid the post (and told peers to
		// drop it): there is nothing to relay.
		return s.relayRemote(ctx, nil, p, n.Activity)
	})
	return post, err
}

// DeleteFromRemote soft-deletes a remote post (a Delete of its Note): the
// row and number stay and the thread shows the usual placeholder.
// activity is the Delete as received, for the relay (nil relays nothing);
// a repeated Delete changes and relays nothing.
func (s *Service) DeleteFromRemote(ctx context.Context, author *models.User, apID string, activity []byte) error {
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		p, err := s.ownRemotePost(ctx, author, apID)
		if err != nil || p.DeletedAt != nil {
			return err
		}
		now := s.now()
		if err := s.store.UpdatePostFields(ctx, p.ID, map[string]any{"deleted_at": now, "deleted_by": author.ID, "updated_at": now}); err != nil {
			return err
		}
		// Its cached files go with the media collector after its grace.
		if err := s.store.DeleteRemoteAttachments(ctx, p.ID); err != nil {
			return err
		}
		if err := s.store.TouchThread(ctx, p.ThreadID, now); err != nil {
			return err
		}
		return s.relayRemote(ctx, nil, p, activity)
	})
}

// restoreOwnDeleted handles a Create of a Note this forum already has. Its
// server sends one again when a post it had deleted is restored (a Hearth
// peer does after an appeal reverses a deletion); the copy here comes back
// only if its author's Delete removed it, never one a moderator here
// deleted. Anything else is a repeat and changes nothing.
func (s *Service) restoreOwnDeleted(ctx context.Context, author *models.User, p *models.Post) (*models.Post, error) {
	if p.DeletedAt == nil || p.UserID != author.ID || p.DeletedBy == nil || *p.DeletedBy != author.ID {
		return p, nil
	}
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		now := s.now()
		if err := s.store.UpdatePostFields(ctx, p.ID, map[string]any{"deleted_at": nil, "deleted_by": nil, "updated_at": now}); err != nil {
			return err
		}
		p.DeletedAt, p.DeletedBy, p.UpdatedAt = nil, nil, now
		return s.store.TouchThread(ctx, p.ThreadID, now)
	})
	return p, err
}
