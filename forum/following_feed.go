package forum

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hearth/hearth/forum/markup"
	"github.com/hearth/hearth/models"
)

// The Following feed: posts of the fediverse accounts a member follows,
// delivered to Hearth or read from their outboxes, kept in followed_notes,
// never in a category. Replying there federates to the author and stays
// in the feed.

// feedPageSize is how many notes one page of the feed shows.
const feedPageSize = 30

// FollowedNoteInput is a remote post as federation received it.
type FollowedNoteInput struct {
	APID      string
	InReplyTo string
	HTML      string // sanitised again here
	Summary   string // content warning
	URL       string // its page on its server
	Public    bool
	Published time.Time
}

// FeedItem is a note with its author, and the note it answers when that
// is in the feed too.
type FeedItem struct {
	models.FollowedNote
	Author *models.User
}

// FeedPage is one page of a member's Following feed; Next is the cursor of
// the following page, empty on the last.
type FeedPage struct {
	Items []FeedItem
	Next  string
}

// StoreFollowedNote keeps a remote account's post for the Following feed
// and its profile page. federation calls it for a Create from an account a
// member follows and for the public posts of an outbox it read; a post
// already stored gets the new text (a deleted one stays deleted).
func (s *Service) StoreFollowedNote(ctx context.Context, author *models.User, n FollowedNoteInput) error {
	if author == nil || !author.IsRemote() || n.APID == "" {
		return ErrForbidden
	}
	html := markup.SanitizeHTML(n.HTML)
	if strings.TrimSpace(markup.PlainText(html)) == "" {
		return invalid("body", "errors.following_feed.empty")
	}
	now := s.now()
	published := now
	if !n.Published.IsZero() && n.Published.Before(now) {
		published = n.Published.UTC()
	}
	row := &models.FollowedNote{APID: n.APID, AuthorID: author.ID, InReplyTo: n.InReplyTo, HTML: html,
		Summary: truncateRunes(markup.PlainText(n.Summary), 500), URL: httpURL(n.URL), Public: n.Public,
		PublishedAt: published, CreatedAt: now, UpdatedAt: now}
	if n.InReplyTo != "" {
		if parent, err := s.store.FollowedNoteByAPID(ctx, n.InReplyTo); err == nil {
			row.ReplyToID = &parent.ID
		}
	}
	return s.store.UpsertFollowedNote(ctx, row)
}

// EditFollowedNote applies its author's Update to a stored note; a note
// not stored is not Hearth's business.
func (s *Service) EditFollowedNote(ctx context.Context, author *models.User, n FollowedNoteInput) (bool, error) {
	if author == nil || !author.IsRemote() {
		return false, ErrForbidden
	}
	return s.store.UpdateFollowedNote(ctx, author.ID, n.APID, markup.SanitizeHTML(n.HTML),
		truncateRunes(markup.PlainText(n.Summary), 500), s.now())
}

// DeleteFollowedNote applies its author's Delete to a stored note.
func (s *Service) DeleteFollowedNote(ctx context.Context, author *models.User, apID string) (bool, error) {
	if author == nil || !author.IsRemote() {
		return false, ErrForbidden
	}
	return s.store.DeleteFollowedNote(ctx, author.ID, apID, s.now())
}

// FollowingFeed is one page of viewer's Following feed, after cursor.
func (s *Service) FollowingFeed(ctx context.Context, viewer *models.User, cursor string) (*FeedPage, error) {
	if viewer == nil {
		return nil, ErrUnauthorized
	}
	if viewer.IsRemote() {
		return nil, ErrForbidden
	}
	tc, err := parseCursor(cursor)
	if err != nil {
		return nil, invalid("after", "errors.common.not_valid_page_cursor")
	}
	var after *models.FeedCursor
	if tc != nil {
		after = &models.FeedCursor{At: tc.LastPostAt, ID: tc.ID}
	}
	notes, err := s.store.FollowingFeed(ctx, viewer.ID, after, feedPageSize+1)
	if err != nil {
		return nil, err
	}
	page := &FeedPage{}
	if len(notes) > feedPageSize {
		notes = notes[:feedPageSize]
		last := notes[len(notes)-1]
		page.Next = formatCursor(last.PublishedAt, last.ID)
	}
	ids := make([]int64, len(notes))
	for i, n := range notes {
		ids[i] = n.AuthorID
	}
	authors, err := s.store.UserCards(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, n := range notes {
		page.Items = append(page.Items, FeedItem{FollowedNote: n, Author: authors[n.AuthorID]})
	}
	return page, nil
}

// followedNoteFor loads a note viewer may see in their feed: a public one
// of any account, or a followers-only one of an account whose follow by
// viewer was accepted; anything else is ErrNotFound.
func (s *Service) followedNoteFor(ctx context.Context, viewer *models.User, id int64) (*models.FollowedNote, *models.User, error) {
	n, err := s.store.FollowedNoteByID(ctx, id)
	if err != nil {
		return nil, nil, mapNotFound(err)
	}
	if n.DeletedAt != nil {
		return nil, nil, ErrNotFound
	}
	author, err := s.store.UserByID(ctx, n.AuthorID)
	if err != nil {
		return nil, nil, mapNotFound(err)
	}
	if !n.Public {
		if !author.IsRemote() || author.RemoteActorID == nil {
			return nil, nil, ErrNotFound
		}
		f, err := s.store.FollowingOf(ctx, viewer.ID, *author.RemoteActorID)
		if errors.Is(err, models.ErrNotFound) || err == nil && !f.Accepted {
			return nil, nil, ErrNotFound
		} else if err != nil {
			return nil, nil, err
		}
	}
	return n, author, nil
}

// ReplyToFollowedNote stores viewer's reply to a remote post from the
// Following feed and has federation send it to the author (addressed to
// the author and, for a public post, to everyone). The reply stays in the
// feed: it is not a forum post and joins no category. A silenced member
// may not reply.
func (s *Service) ReplyToFollowedNote(ctx context.Context, viewer *models.User, noteID int64, body string) (*models.FollowedNote, error) {
	if viewer == nil {
		return nil, ErrUnauthorized
	}
	if viewer.IsRemote() {
		return nil, ErrForbidden
	}
	if err := s.checkNotSilenced(ctx, viewer); err != nil {
		return nil, err
	}
	parent, author, err := s.followedNoteFor(ctx, viewer, noteID)
	if err != nil {
		return nil, err
	}
	if !author.IsRemote() {
		return nil, ErrNotFound // answering a reply written here: answer its parent
	}
	if s.fedi == nil {
		return nil, invalid("body", "errors.following_feed.replying_fediverse_not_available")
	}
	body = strings.TrimSpace(body)
	v := validation{}
	checkText(v, "body", body, 1, bodyMaxRunes)
	if err := v.err(); err != nil {
		return nil, err
	}
	r := s.md.Render(body)
	now := s.now()
	reply := &models.FollowedNote{APID: "pending:" + randomHex(), AuthorID: viewer.ID, InReplyTo: parent.APID,
		ReplyToID: &parent.ID, HTML: r.HTML, Public: parent.Public, PublishedAt: now, CreatedAt: now, UpdatedAt: now}
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateFollowedNote(ctx, reply); err != nil {
			return err
		}
		reply.APID = s.cfg.URL + "/u/" + url.PathEscape(strings.ToLower(viewer.Username)) + "/notes/" + strconv.FormatInt(reply.ID, 10)
		if err := s.store.SetFollowedNoteAPID(ctx, reply.ID, reply.APID); err != nil {
			return err
		}
		return s.fedi.ReplySent(ctx, viewer, reply, parent, author)
	})
	if err != nil {
		return nil, err
	}
	return reply, nil
}

func randomHex() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// httpURL keeps an http(s) link and drops anything else (javascript: and
// the like never reach a page).
func httpURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(s) > 2048 {
		return ""
	}
	return s
}

// FeedReply is a member's public reply from the Following feed, as its
// ActivityPub id serves it: the reply, its author and what it answers.
type FeedReply struct {
	Reply        *models.FollowedNote
	Author       *models.User // the member
	Parent       *models.FollowedNote
	ParentAuthor *models.User // the remote account
}

// FollowedReply loads member username's reply id for its public page and
// ActivityPub document. Only a live reply to a public post is served: a
// reply to a followers-only post went to its author alone.
func (s *Service) FollowedReply(ctx context.Context, username string, id int64) (*FeedReply, error) {
	n, err := s.store.FollowedNoteByID(ctx, id)
	if err != nil {
		return nil, mapNotFound(err)
	}
	if n.DeletedAt != nil || !n.Public || n.ReplyToID == nil {
		return nil, ErrNotFound
	}
	author, err := s.store.UserByID(ctx, n.AuthorID)
	if err != nil {
		return nil, mapNotFound(err)
	}
	if author.IsRemote() || author.ErasedAt != nil || !strings.EqualFold(author.Username, username) {
		return nil, ErrNotFound
	}
	parent, err := s.store.FollowedNoteByID(ctx, *n.ReplyToID)
	if err != nil {
		return nil, mapNotFound(err)
	}
	pa, err := s.store.UserByID(ctx, parent.AuthorID)
	if err != nil {
		return nil, mapNotFound(err)
	}
	return &FeedReply{Reply: n, Author: author, Parent: parent, ParentAuthor: pa}, nil
}
