package forum

import (
	"context"
	"strconv"
	"strings"

	"github.com/hearth/hearth/forum/markup"
	"github.com/hearth/hearth/models"
)

// NewReply is what a member submits to answer in a thread.
type NewReply struct {
	Body    string
	ReplyTo int64 // optional: the post being answered, in the same thread
}

// ReplyRef is the post a reply answers, as the reply shows it.
type ReplyRef struct {
	ID     int64
	Number int
	Author *models.User
}

// PostView is a post as a thread page shows it.
type PostView struct {
	models.Post
	Author    *models.User
	ReplyTo   *ReplyRef
	Liked     bool
	CanEdit   bool
	CanDelete bool
	CanLike   bool
	CanFlag   bool
	// CanHide: the viewer moderates the post's category and may hide it
	// (or, when Hidden, show it again).
	CanHide bool
	// IsSolution: this reply is marked as answering the thread;
	// CanMarkSolution: the viewer may mark it so.
	IsSolution      bool
	CanMarkSolution bool
	// Hidden: flags hid the post pending review. Non-staff get only the
	// placeholder; staff get the text under a marker (HiddenForStaff).
	Hidden         bool
	HiddenForStaff bool
}

// Deleted reports whether the post shows only a placeholder.
func (p PostView) Deleted() bool { return p.DeletedAt != nil }

// ThreadPage is one page of a thread.
type ThreadPage struct {
	Thread     *models.Thread
	Category   *models.Category
	Author     *models.User
	Tags       []string
	Posts      []PostView
	Page       int
	Pages      int
	PerPage    int
	Bookmarked bool
	CanReply   bool
	// SolutionPostID is the reply marked as answering the thread, or 0.
	SolutionPostID int64
	// Attachments are the files of the page's remote posts, by post id
	// (remote_media.go); nil when it has none.
	Attachments map[int64][]RemoteAttachmentView
	// Level is the viewer's watch level on the thread, as ThreadLevel
	// gives it (nil for nobody); LastRead the last post number they read
	// before this view (for SeenThreadAfter).
	Level    *LevelState
	LastRead int
	// PollPosts are the posts on the page that carry a poll (PollsForPosts
	// gives the viewer's view of each); nil when none does.
	PollPosts map[int64]bool
	// Pending are the viewer's own replies waiting for approval here,
	// shown only to them (logged-in pages are never cached).
	Pending []models.HeldPost
	// Draft is the body of the viewer's unsent reply here (DraftFor's),
	// "" for none, read with the rest of the viewer's state.
	Draft string
	// Header is the signed-in viewer's page header (banner, site settings'
	// version, unread counts), read with the thread; nil for a visitor.
	Header *MemberHeader
}

// MemberHeader is what MemberChrome gives, when a page's own read brought
// it along.
type MemberHeader struct {
	Version          *PageVersion
	Unread, Messages int
}

// Reply adds a post to a thread. Post numbers are handed out under the
// thread's row lock, so they are dense and unique.
func (s *Service) Reply(ctx context.Context, actor *models.User, threadID int64, in NewReply) (*models.Post, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if err := s.checkEmailVerified(actor); err != nil {
		return nil, err
	}
	v := validation{}
	checkText(v, "body", in.Body, 1, bodyMaxRunes)
	var post *models.Post
	var held *models.HeldPost
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		t, cat, err := s.threadAndCategoryFor(ctx, actor, threadID)
		if err != nil {
			return err
		}
		if err := s.checkMayPost(ctx, actor, t); err != nil {
			return err
		}
		if err := s.checkSlowMode(ctx, actor, t); err != nil {
			return err
		}
		var replyTo *int64
		if in.ReplyTo != 0 {
			parent, err := s.store.PostByID(ctx, in.ReplyTo)
			if err != nil || parent.ThreadID != t.ID {
				v.add("reply_to", "errors.posts.post_answering_not_thread")
			} else {
				replyTo = &parent.ID
			}
		}
		if err := v.err(); err != nil {
			return err
		}
		adm, err := s.admit(ctx, actor, "", in.Body)
		if err != nil {
			return err
		}
		if adm.hold != "" {
			held = &models.HeldPost{UserID: actor.ID, ThreadID: t.ID, ReplyToID: replyTo, Body: adm.body, HTML: adm.rendered.HTML, Reason: adm.hold}
			if err := s.hold(ctx, held); err != nil {
				return err
			}
			return s.store.DeleteDraft(ctx, actor.ID, t.ID) // posted, if held: the draft is done
		}
		post, err = s.insertReply(ctx, actor, t, newPost{body: adm.body, html: adm.rendered.HTML, mentions: adm.rendered.Mentions, replyTo: replyTo, cat: cat})
		if err != nil {
			return err
		}
		return s.store.DeleteDraft(ctx, actor.ID, t.ID)
	})
	if err == nil && held != nil {
		return nil, &HeldError{Held: held}
	}
	return post, err
}

// PageCount is how many pages a thread with n posts has.
func (s *Service) PageCount(n int) int {
	pp := s.cfg.PostsPerPage
	if n < 1 {
		return 1
	}
	return (n + pp - 1) / pp
}

// LastPage is the number of a visible thread's last page.
func (s *Service) LastPage(ctx context.Context, threadID int64) (int, error) {
	t, err := s.liveThread(ctx, threadID) // a page number, nothing of the thread's text
	if err != nil {
		return 0, err
	}
	return s.PageCount(t.PostCount), nil
}

// PageOf is the page of the thread holding post number n.
func (s *Service) PageOf(n int) int { return s.PageCount(n) }

// ThreadPage loads page `page` (1-based) of a thread for a viewer (nil when
// logged out). A page is a range of post numbers, so the last page of a
// 10,000-post thread costs what the first does.
func (s *Service) ThreadPage(ctx context.Context, viewer *models.User, threadID int64, page int) (*ThreadPage, error) {
	var t *models.Thread
	var cat *models.Category
	var header *MemberHeader
	if viewer != nil {
		m, err := s.memberThreadFor(ctx, viewer, threadID)
		if err != nil {
			return nil, err
		}
		t, cat = &m.Thread, &m.Category
		header = &MemberHeader{Version: &PageVersion{Banner: m.Stamp.Banner, Site: m.Stamp.Site},
			Unread: int(m.Notifications), Messages: int(m.Conversations)}
	} else {
		var err error
		if t, cat, err = s.threadAndCategoryFor(ctx, viewer, threadID); err != nil {
			return nil, err
		}
	}
	pages := s.PageCount(t.PostCount)
	if page < 1 {
		page = 1
	}
	if page > pages {
		return nil, ErrNotFound
	}
	pp := s.cfg.PostsPerPage
	rows, err := s.threadPageRows(ctx, t, (page-1)*pp+1, page*pp)
	if err != nil {
		return nil, err
	}
	if err := s.LoadScope(ctx, viewer); err != nil {
		return nil, err
	}
	var st *models.ViewerThread
	liked := map[int64]bool{}
	if viewer != nil {
		// The viewer's bookmark, watch level, read mark, draft and likes
		// on this page in one query.
		from, to := rows.idRange()
		if st, err = s.store.ViewerThreadState(ctx, viewer.ID, t.ID, t.CategoryID, from, to); err != nil {
			return nil, err
		}
		liked = st.Liked
	}
	views := s.postViews(viewer, rows, t.CategoryID, liked)
	tp := &ThreadPage{Thread: t, Category: cat, Tags: rows.tags, Posts: views, Page: page, Pages: pages, PerPage: pp, CanReply: CanPost(viewer, t), Header: header}
	if tp.Attachments, err = s.remoteAttachmentViews(ctx, views); err != nil {
		return nil, err
	}
	tp.SolutionPostID, tp.PollPosts = rows.solution, rows.polls
	for i := range tp.Posts {
		v := &tp.Posts[i]
		v.IsSolution = v.ID == tp.SolutionPostID
		v.CanMarkSolution = !v.IsSolution && !v.Hidden && CanMarkSolution(viewer, t, &v.Post)
	}
	if len(views) > 0 && views[0].Number == 1 {
		tp.Author = views[0].Author
	} else if tp.Author = rows.users[t.UserID]; tp.Author == nil {
		if tp.Author, err = s.store.UserByID(ctx, t.UserID); err != nil {
			return nil, err
		}
	}
	if viewer != nil {
		tp.Bookmarked, tp.LastRead, tp.Draft = st.Bookmarked, st.LastRead, st.Draft
		if CanChooseNotifications(viewer) {
			tp.Level = levelState(st)
		}
		if page == pages {
			if tp.Pending, err = s.store.PendingHeldReplies(ctx, viewer.ID, t.ID); err != nil {
				return nil, err
			}
		}
	}
	return tp, nil
}

// postViews builds the viewer's view of a page's rows (threadPageRows):
// their likes (liked, by post id), their permissions and what they may see
// of hidden and deleted posts. The posts are all in one thread of category
// categoryID, which decides what a category moderator may do with them; the
// viewer's scope must be loaded (LoadScope). rows is shared: it is read,
// never changed.
func (s *Service) postViews(viewer *models.User, rows *pageRows, categoryID int64, liked map[int64]bool) []PostView {
	posts, parents, users := rows.posts, rows.parents, rows.users
	out := make([]PostView, len(posts))
	for i := range posts {
		p := &posts[i]
		v := PostView{Post: *p, Author: users[p.UserID], Liked: liked[p.ID],
			CanEdit: CanEditPostIn(viewer, p, categoryID), CanDelete: CanDeletePostIn(viewer, p, categoryID), CanLike: viewer != nil && CanLike(viewer, p)}
		v.CanFlag = CanFlag(viewer, p)
		v.CanHide = p.DeletedAt == nil && CanHidePost(viewer, categoryID)
		if p.DeletedAt != nil {
			v.Body, v.HTML = "", ""
		} else if p.HiddenAt != nil {
			v.Hidden, v.CanLike, v.CanFlag = true, false, false
			if CanSeeHiddenText(viewer, categoryID) {
				v.HiddenForStaff = true
				v.HTML = `<p class="post-placeholder">Hidden pending review; only staff see this text.</p>` + v.HTML
			} else {
				v.Body, v.HTML = "", `<p class="post-placeholder">`+HiddenPlaceholder+`</p>`
			}
		}
		if p.ReplyToID != nil {
			if parent, ok := parents[*p.ReplyToID]; ok {
				v.ReplyTo = &ReplyRef{ID: parent.ID, Number: parent.Number, Author: users[parent.UserID]}
			}
		}
		out[i] = v
	}
	return out
}

// livePost loads one post of a live thread, whoever asks: for the
// domain's own steps after the actor passed PostFor, and for moderation on
// items already in the queue. An entry point taking a post id from a
// viewer uses PostFor.
func (s *Service) livePost(ctx context.Context, id int64) (*models.Post, *models.Thread, error) {
	p, err := s.store.PostByID(ctx, id)
	if err != nil {
		return nil, nil, mapNotFound(err)
	}
	t, err := s.liveThread(ctx, p.ThreadID)
	if err != nil {
		return nil, nil, err
	}
	return p, t, nil
}

// EditPost replaces a post's body, keeping the old one as a revision.
func (s *Service) EditPost(ctx context.Context, actor *models.User, postID int64, body string) (*models.Post, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	v := validation{}
	checkText(v, "body", body, 1, bodyMaxRunes)
	var post *models.Post
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		p, t, err := s.PostFor(ctx, actor, postID)
		if err != nil {
			return err
		}
		if err := s.LoadScope(ctx, actor); err != nil {
			return err
		}
		if !CanEditPostIn(actor, p, t.CategoryID) {
			return ErrForbidden
		}
		if err := v.err(); err != nil {
			return err
		}
		if p.Body == body {
			post = p
			return nil
		}
		words, err := s.checkWords(ctx, "body", body)
		if err != nil {
			return err
		}
		body = words.text
		res, err := s.render(ctx, body)
		if err != nil {
			return err
		}
		rendered := res.HTML
		if InSandbox(actor) {
			// An approved post must not become the spam its approval
			// kept out.
			if err := sandboxLimits(rendered); err != nil {
				return err
			}
		}
		now := s.now()
		if err := s.store.CreateRevision(ctx, &models.PostRevision{PostID: p.ID, EditorID: actor.ID, Body: p.Body, CreatedAt: now}); err != nil {
			return err
		}
		if words.hold != "" {
			if err := s.holdPublished(ctx, p, words.hold); err != nil {
				return err
			}
		}
		p.Body, p.HTML, p.EditedAt, p.UpdatedAt = body, rendered, &now, now
		p.EditCount++
		post = p
		if err := s.linkUploads(ctx, p.ID, body); err != nil {
			return err
		}
		if err := s.store.UpdatePostFields(ctx, p.ID, map[string]any{
			"body": p.Body, "html": p.HTML, "edited_at": now, "updated_at": now, "edit_count": p.EditCount,
		}); err != nil {
			return err
		}
		if err := s.store.TouchThread(ctx, p.ThreadID, now); err != nil {
			return err
		}
		return s.hooks.PostEdited(ctx, p)
	})
	return post, err
}

// DeletePost soft-deletes a post: the row and its number stay, the thread
// shows a placeholder, and staff can still read the text. Deleting someone
// else's post is a moderation action: see DeletePostWithReason.
func (s *Service) DeletePost(ctx context.Context, actor *models.User, postID int64) error {
	return s.DeletePostWithReason(ctx, actor, postID, "")
}

// DeletePostWithReason is DeletePost giving a reason. When the actor is not
// the post's author, the deletion is audited as post.delete with the
// reason, so the author sees it on /notices and can appeal it (as a
// deletion from the review queue is). A member deleting their own post is
// not audited.
func (s *Service) DeletePostWithReason(ctx context.Context, actor *models.User, postID int64, reason string) error {
	if actor == nil {
		return ErrUnauthorized
	}
	reason = strings.TrimSpace(reason)
	if err := checkReasonText(reason); err != nil {
		return err
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		p, err := s.store.PostByID(ctx, postID)
		if err != nil {
			return mapNotFound(err)
		}
		if p.DeletedAt != nil || p.UserID == actor.ID {
			return s.deletePost(ctx, actor, postID)
		}
		if err := s.deletePost(ctx, actor, postID); err != nil {
			return err
		}
		return s.record(ctx, actor, "post.delete", TargetPost, postID, reason, nil, s.now())
	})
}

// deletePost soft-deletes a post without auditing it (the review queue
// audits its own queue.delete).
func (s *Service) deletePost(ctx context.Context, actor *models.User, postID int64) error {
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		p, t, err := s.PostFor(ctx, actor, postID)
		if err != nil {
			return err
		}
		if p.DeletedAt != nil {
			return nil
		}
		if err := s.LoadScope(ctx, actor); err != nil {
			return err
		}
		if !CanEditPostIn(actor, p, t.CategoryID) {
			return ErrForbidden
		}
		now := s.now()
		if err := s.store.UpdatePostFields(ctx, p.ID, map[string]any{"deleted_at": now, "deleted_by": actor.ID, "updated_at": now}); err != nil {
			return err
		}
		if err := s.store.TouchThread(ctx, p.ThreadID, now); err != nil {
			return err
		}
		p.DeletedAt, p.DeletedBy, p.UpdatedAt = &now, &actor.ID, now
		// Its files are collected once nothing else shows them.
		if err := s.store.SetPostUploads(ctx, p.ID, nil); err != nil {
			return err
		}
		if p.APID != nil {
			if err := s.store.DeleteRemoteAttachments(ctx, p.ID); err != nil {
				return err
			}
		}
		return s.hooks.PostDeleted(ctx, p)
	})
}

// Revision is one earlier version of a post.
type Revision struct {
	models.PostRevision
	Editor *models.User
}

// Revisions lists a post's edit history, oldest first.
func (s *Service) Revisions(ctx context.Context, viewer *models.User, postID int64) (*models.Post, []Revision, error) {
	p, _, err := s.PostFor(ctx, viewer, postID)
	if err != nil {
		return nil, nil, err
	}
	if !CanSeeRevisions(viewer, p) {
		return nil, nil, ErrForbidden
	}
	rs, err := s.store.Revisions(ctx, p.ID)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.EditorID
	}
	users, err := s.store.UserCards(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	out := make([]Revision, len(rs))
	for i, r := range rs {
		out[i] = Revision{PostRevision: r, Editor: users[r.EditorID]}
	}
	return p, out, nil
}

// SetLike likes or unlikes a post for the actor; repeating is harmless.
func (s *Service) SetLike(ctx context.Context, actor *models.User, postID int64, on bool) (int, error) {
	return s.setLike(ctx, actor, postID, on, nil)
}

// LikeFromRemote is SetLike for a remote account's Like (on) or its Undo,
// with the activity as received: a like that counts is relayed by the
// category's Group (RelayHooks).
func (s *Service) LikeFromRemote(ctx context.Context, actor *models.User, postID int64, on bool, activity []byte) (int, error) {
	if actor == nil || !actor.IsRemote() {
		return 0, ErrForbidden
	}
	return s.setLike(ctx, actor, postID, on, activity)
}

func (s *Service) setLike(ctx context.Context, actor *models.User, postID int64, on bool, activity []byte) (int, error) {
	if actor == nil {
		return 0, ErrUnauthorized
	}
	var count int
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		p, _, cat, err := s.postThreadCategoryFor(ctx, actor, postID)
		if err != nil {
			return err
		}
		if on && !CanLike(actor, p) {
			return ErrForbidden
		}
		var changed bool
		delta := 1
		if on {
			changed, err = s.store.AddLike(ctx, p.ID, actor.ID)
		} else {
			changed, err = s.store.RemoveLike(ctx, p.ID, actor.ID)
			delta = -1
		}
		if err != nil {
			return err
		}
		count = p.LikeCount
		if changed {
			count += delta
			if err := s.store.Increment(ctx, &models.Post{}, p.ID, "like_count", delta); err != nil {
				return err
			}
			if on {
				if err := s.notifyLike(ctx, actor, p); err != nil {
					return err
				}
				if err := s.relayRemote(ctx, cat, p, activity); err != nil {
					return err
				}
			}
			return s.store.TouchThread(ctx, p.ThreadID, s.now())
		}
		return nil
	})
	return count, err
}

// QuoteFor returns Markdown quoting a post the viewer may see, to pre-fill
// a reply to it.
func (s *Service) QuoteFor(ctx context.Context, viewer *models.User, postID int64) (string, error) {
	p, _, err := s.PostFor(ctx, viewer, postID)
	if err != nil || p.DeletedAt != nil {
		return "", ErrNotFound
	}
	u, err := s.store.UserByID(ctx, p.UserID)
	if err != nil {
		return "", err
	}
	return markup.Quote(u.Username, p.Body), nil
}

// ThreadVersion identifies the current state of a visible thread's posts: it
// changes whenever a post is added, edited, deleted or liked. Page caches key
// on it, so they are never stale about posts, on any number of processes.
func (s *Service) ThreadVersion(ctx context.Context, id int64) (string, error) {
	t, err := s.liveThread(ctx, id) // a cache key: ThreadPage decides who may read
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(t.UpdatedAt.UnixMicro(), 36) + "." + strconv.Itoa(t.PostCount), nil
}
