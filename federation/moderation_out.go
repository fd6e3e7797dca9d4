package federation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Moderation crosses the border (issue 13, item 6). What moderators do
// here to a thread or a post that peers hold is sent to them:
//   - hiding or deleting a post from another server: the category's Group
//     announces a Delete of it, with a summary, to its group-aware
//     followers (showing it again, an Undo of that Delete). This is how a
//     Lemmy community's moderators remove a comment
//     (assets/lemmy/activities/deletion/remove_note.json): Lemmy takes a
//     Delete with a summary as a moderator's removal and trusts it when its
//     actor is on the community's host (verify_mod_action in
//     crates/apub/objects/src/utils/functions.rs). Servers other than the
//     post's own accept a Delete only from its author, so nothing is sent
//     to plain followers. A local post hidden or deleted is deleted by its
//     author's Delete as before (outbox.go).
//   - locking a thread: Lemmy's Lock of the thread's first post, from the
//     moderator, announced by the Group (lock_page.json; reopening is
//     Undo{Lock}); the Note's commentsEnabled says the same to whoever
//     fetches it.
//   - moving a thread, or merging it into another: an Update of its first
//     post, whose audience (the category's Group) and context (the
//     thread) are now the new ones, to the author's followers and both
//     categories' followers (through each Group for group-aware ones).

// removalSummary is the public reason sent with a removal: the moderator's
// own note stays in the audit log.
func removalSummary(cat *models.Category) string {
	return "Removed by the moderators of " + cat.Name
}

// modActor is who a moderation activity is from: the moderator, when a
// local member, else the category's Group (Hearth itself acted: a flag
// threshold, a watched word).
func (f *Federation) modActor(ctx context.Context, userID int64, cat actorRef) actorRef {
	if userID == 0 {
		return cat
	}
	u, err := f.store.UserByID(ctx, userID)
	if err != nil || u.IsRemote() {
		return cat
	}
	return f.userRef(u)
}

// objectID is the id peers know a post by: its Note's, from whichever
// server it came.
func (f *Federation) objectID(p *models.Post) string {
	if p.APID != nil {
		return *p.APID
	}
	return f.postURL(p.ID)
}

// groupRemove queues the Group's Announce of a moderator's Delete of the
// remote post p (undo: of its Undo) for the category's group-aware
// followers, the post's own server included: it holds the post in the
// community too.
func (f *Federation) groupRemove(ctx context.Context, p *models.Post, byID int64, undo bool) error {
	_, c, err := f.store.ThreadCategory(ctx, p.ThreadID)
	if errors.Is(err, models.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	ref := f.categoryRef(c)
	inboxes, err := f.groupAwareInboxes(ctx, ref)
	if err != nil || len(inboxes) == 0 {
		return err
	}
	actor := f.modActor(ctx, byID, ref)
	at := f.now()
	kind := "remove"
	act := f.modActivity("Delete", fmt.Sprintf("%s#remove-%d", f.postURL(p.ID), at.UnixMicro()), actor, ref, f.objectID(p), at)
	act["summary"] = removalSummary(c)
	if undo {
		kind = "restore"
		act = f.modActivity("Undo", fmt.Sprintf("%s#restore-%d", f.postURL(p.ID), at.UnixMicro()), actor, ref, act, at)
		act["summary"] = "Restored by the moderators of " + c.Name
	}
	return f.groupAnnounce(ctx, ref, inboxes, p, act, fmt.Sprintf("%s-%d", kind, at.UnixMicro()))
}

// modActivity is a moderation activity in a category, addressed as Lemmy
// addresses one: to Public, cc and audience the Group.
func (f *Federation) modActivity(kind, id string, actor, group actorRef, object any, at time.Time) map[string]any {
	return map[string]any{
		"@context":  jsonLDContext,
		"id":        id,
		"type":      kind,
		"actor":     actor.url,
		"published": at.UTC().Format(time.RFC3339),
		"to":        []any{publicAddress},
		"cc":        []any{group.url},
		"audience":  group.url,
		"object":    object,
	}
}

// ThreadLocked announces a Lock of the thread's first post (on) or its
// Undo to the category's group-aware followers.
func (o outbox) ThreadLocked(ctx context.Context, by *models.User, t *models.Thread, on bool) error {
	f := o.f
	c, err := f.store.CategoryByID(ctx, t.CategoryID)
	if err != nil {
		return err
	}
	ref := f.categoryRef(c)
	inboxes, err := f.groupAwareInboxes(ctx, ref)
	if err != nil || len(inboxes) == 0 {
		return err
	}
	first, err := f.store.PostByID(ctx, t.FirstPostID)
	if err != nil {
		return err
	}
	var byID int64
	if by != nil {
		byID = by.ID
	}
	actor, at := f.modActor(ctx, byID, ref), f.now()
	url := f.threadURL(t.ID)
	act := f.modActivity("Lock", fmt.Sprintf("%s#lock-%d", url, at.UnixMicro()), actor, ref, f.objectID(first), at)
	fragment := fmt.Sprintf("lock-%d", at.UnixMicro())
	if !on {
		act = f.modActivity("Undo", fmt.Sprintf("%s#unlock-%d", url, at.UnixMicro()), actor, ref, act, at)
		fragment = fmt.Sprintf("unlock-%d", at.UnixMicro())
	}
	return f.groupAnnounce(ctx, ref, inboxes, first, act, fragment)
}

// ThreadMoved tells peers holding the thread that its first post now
// belongs to another category.
func (o outbox) ThreadMoved(ctx context.Context, _ *models.User, t *models.Thread, from *models.Category) error {
	return o.f.noteMoved(ctx, t.FirstPostID, "move", from)
}

// ThreadsMerged tells peers holding the merged thread that its first post
// is now a reply in dst, in dst's context and category. Its other posts
// keep their ids; dst's context collection lists them from now on.
func (o outbox) ThreadsMerged(ctx context.Context, _ *models.User, src, dst *models.Thread) error {
	from, err := o.f.store.CategoryByID(ctx, src.CategoryID)
	if err != nil {
		return err
	}
	return o.f.noteMoved(ctx, src.FirstPostID, "merge", from)
}

// noteMoved queues the author's Update of local post postID, as it now is,
// to the author's followers and to the followers of its category and of
// the category from (the Groups announce it to their group-aware ones).
func (f *Federation) noteMoved(ctx context.Context, postID int64, why string, from *models.Category) error {
	fp, err := f.svc.PostForFederation(ctx, postID)
	if errors.Is(err, forum.ErrNotFound) {
		return nil
	} else if err != nil || fp.Gone || fp.Post.APID != nil {
		return err // a remote post: only this forum's copy moved
	}
	note, err := f.noteDocument(fp)
	if err != nil {
		return err
	}
	author, at := f.userRef(fp.Author), f.now()
	act := f.wrapActivity("Update", fmt.Sprintf("%s#%s-%d", f.postURL(postID), why, at.UnixMicro()), author, note, at)
	inboxes, err := f.store.FollowerInboxes(ctx, author.kind, author.id)
	if err != nil {
		return err
	}
	var groups [][]string
	refs := []actorRef{f.categoryRef(fp.Category)}
	if from != nil && from.ID != fp.Category.ID && !from.AmbassadorsOnly {
		refs = append(refs, f.categoryRef(from))
	}
	var allGroups []string
	for _, ref := range refs {
		all, err := f.store.FollowerInboxes(ctx, ref.kind, ref.id)
		if err != nil {
			return err
		}
		g, err := f.groupAwareInboxes(ctx, ref)
		if err != nil {
			return err
		}
		inboxes = append(inboxes, without(all, g)...)
		groups = append(groups, without(g, allGroups))
		allGroups = append(allGroups, g...)
	}
	if err := f.enqueue(ctx, author, act, without(inboxes, allGroups)); err != nil {
		return err
	}
	for i, ref := range refs {
		if err := f.groupAnnounce(ctx, ref, groups[i], fp.Post, act, fmt.Sprintf("%s-%d", why, at.UnixMicro())); err != nil {
			return err
		}
	}
	return nil
}
