package forum

import (
	"context"
	"time"

	"github.com/hearth/hearth/forum/markup"
	"github.com/hearth/hearth/models"
)

// Publishing: the one path by which a post becomes visible, whether it was
// written just now (Reply, CreateThread, ReplyFromRemote) or waited for
// approval (publishHeld). Numbering, counters, notifications and the
// federation hooks therefore cannot differ between the two.

// newPost is a reply about to be published, however it got here.
type newPost struct {
	body, html string
	mentions   []string
	replyTo    *int64
	parent     *models.Post     // the post replyTo names, when already loaded
	cat        *models.Category // the thread's category, when already loaded
	created    time.Time        // zero: now
	apID       *string          // set for a remote post: no outbox hook runs
	activity   []byte           // a remote post's activity, for the relay
	unlisted   bool             // a remote reply addressed unlisted (kept out of search)
}

// insertReply publishes a reply: the next number under the thread's row
// lock, the counters, notifications and the federation hook (for local
// posts) or the relay (for remote ones), all in the caller's transaction.
func (s *Service) insertReply(ctx context.Context, author *models.User, t *models.Thread, np newPost) (*models.Post, error) {
	now := s.now()
	n, err := s.store.NextPostNumber(ctx, t.ID, author.ID, now)
	if err != nil {
		return nil, mapNotFound(err)
	}
	created := np.created
	if created.IsZero() {
		created = now
	}
	post := &models.Post{
		ThreadID: t.ID, Number: n, UserID: author.ID, ReplyToID: np.replyTo,
		Body: np.body, HTML: np.html, CreatedAt: created, UpdatedAt: now, APID: np.apID, Unlisted: np.unlisted,
	}
	if err := s.store.CreatePost(ctx, post); err != nil {
		return nil, err
	}
	if err := s.countNewPost(ctx, t.CategoryID, author.ID, now, false); err != nil {
		return nil, err
	}
	if err := s.notifyReply(ctx, author, t, np.cat, post, np.parent, np.mentions); err != nil {
		return nil, err
	}
	if np.apID != nil {
		return post, s.relayRemote(ctx, np.cat, post, np.activity)
	}
	if err := s.linkUploads(ctx, post.ID, np.body); err != nil {
		return nil, err
	}
	return post, s.hooks.PostCreated(ctx, t, post)
}

// insertThread publishes a thread with its first post, written at created
// (zero: now), in the caller's transaction. remote is set for a thread
// started from another server: its first post keeps the Note's id, and
// the relay runs instead of the outbox hook.
func (s *Service) insertThread(ctx context.Context, actor *models.User, cat *models.Category, title string, tags []string, body string, rendered markup.Result, created time.Time, remote *remoteOrigin, extra func(context.Context, *models.Thread, *models.Post) error) (*models.Thread, *models.Post, error) {
	now := s.now()
	if created.IsZero() {
		created = now
	}
	thread := &models.Thread{
		CategoryID: cat.ID, UserID: actor.ID, Title: title, Slug: Slugify(title, 80),
		PostCount: 1, LastPostAt: now, LastPostUserID: actor.ID, CreatedAt: created, UpdatedAt: now,
	}
	if err := s.store.CreateThread(ctx, thread); err != nil {
		return nil, nil, err
	}
	post := &models.Post{ThreadID: thread.ID, Number: 1, UserID: actor.ID, Body: body, HTML: rendered.HTML, CreatedAt: created, UpdatedAt: now}
	if remote != nil {
		post.APID = &remote.apID
	}
	if err := s.store.CreatePost(ctx, post); err != nil {
		return nil, nil, err
	}
	thread.FirstPostID = post.ID
	if err := s.linkUploads(ctx, post.ID, body); err != nil {
		return nil, nil, err
	}
	if err := s.store.UpdateThreadFields(ctx, thread.ID, map[string]any{"first_post_id": post.ID}); err != nil {
		return nil, nil, err
	}
	if err := s.countNewPost(ctx, cat.ID, actor.ID, now, true); err != nil {
		return nil, nil, err
	}
	tagRows, err := s.store.EnsureTags(ctx, withHashtags(tags, rendered.Hashtags))
	if err != nil {
		return nil, nil, err
	}
	if err := s.store.TagThread(ctx, thread.ID, tagRows); err != nil {
		return nil, nil, err
	}
	if err := s.notifyReply(ctx, actor, thread, cat, post, nil, rendered.Mentions); err != nil {
		return nil, nil, err
	}
	if extra != nil {
		// Before the hook, so the federated first post carries it (a poll
		// makes the Note a Question).
		if err := extra(ctx, thread, post); err != nil {
			return nil, nil, err
		}
	}
	if remote != nil {
		return thread, post, s.relayRemote(ctx, cat, post, remote.activity)
	}
	return thread, post, s.hooks.ThreadCreated(ctx, thread, post)
}
