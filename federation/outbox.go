package federation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Outgoing fan-out: forum changes become delivery jobs. The forum calls
// these hooks inside the transaction that makes the change, so a job row is
// committed exactly when the post is (a rolled-back post sends nothing, a
// crash after commit loses nothing); the delivery workers sign and send.
//
// Who gets what:
//   - a new thread: the author (Person) sends Create{Note} to its
//     followers; the category (Group) sends Announce of the Note's id to its
//     followers, which Mastodon shows as a boost in their home timelines.
//   - a reply: the author sends Create{Note} to its followers. The category
//     announces replies only to its FEP-1b12 group-aware followers
//     (groups.go): a boost per reply would flood Mastodon timelines.
//     A reply to a remote post also goes to that post's author's server
//     (addressed and mentioned in the Note), follower or not.
//   - group-aware followers of the category get, instead of the bare
//     Announce{Note}, the category's Announce of every activity in it:
//     Announce{Create}, Announce{Update}, Announce{Delete}.
//   - an edit or a deletion: the author sends Update{Note} or
//     Delete{Tombstone} to everyone who was sent the post, as computed now
//     (the author's followers and, for a thread's first post, the
//     category's followers, who hold it through the Announce).
//
// Each list of inboxes holds a server's shared inbox once however many of
// its actors follow, and enqueue drops repeats, so a server following both
// the member and the category gets each activity once.

// Hooks returns the forum.Hooks that queue deliveries for forum changes;
// cmd/hearth installs it with forum.Service.SetHooks.
func (f *Federation) Hooks() forum.Hooks { return outbox{f} }

type outbox struct{ f *Federation }

func (o outbox) ThreadCreated(ctx context.Context, _ *models.Thread, first *models.Post) error {
	return o.f.fanOutNote(ctx, first, "Create", true)
}

func (o outbox) PostCreated(ctx context.Context, _ *models.Thread, p *models.Post) error {
	if p.APID != nil {
		return nil // a remote post: its own server federates it
	}
	return o.f.fanOutNote(ctx, p, "Create", false)
}

func (o outbox) PostEdited(ctx context.Context, p *models.Post) error {
	if p.APID != nil {
		return nil // staff edited a remote post: only this forum's copy changes
	}
	return o.f.fanOutNote(ctx, p, "Update", false)
}

func (o outbox) PostDeleted(ctx context.Context, p *models.Post) error {
	if p.APID != nil {
		// Hearth cannot delete another server's Note; its Group tells
		// group-aware followers a moderator removed it
		// (moderation_out.go).
		var by int64
		if p.DeletedBy != nil {
			by = *p.DeletedBy
		}
		return o.f.groupRemove(ctx, p, by, false)
	}
	return o.f.fanOutDelete(ctx, p)
}

// audience is where a post's activities go: the author's follower inboxes
// and the category's.
type audience struct {
	author, category          actorRef
	authorInboxes, catInboxes []string
	// groupInboxes are the group-aware category followers, for any post;
	// catInboxes (thread starts only) includes them.
	groupInboxes []string
	// remoteInboxes are the servers of the remote people a post answers,
	// who get its Create, Update and Delete whether they follow or not.
	remoteInboxes []string
	// remoteAuthor is the actor a reply to a fediverse post answers (and
	// addresses), even when their server is not written to.
	remoteAuthor string
}

func (a audience) empty() bool {
	return len(a.authorInboxes) == 0 && len(a.catInboxes) == 0 && len(a.groupInboxes) == 0 && len(a.remoteInboxes) == 0
}

// personal is everyone a post's own activities go to: the author's
// followers and the remote people it answers.
func (a audience) personal() []string {
	return append(append([]string(nil), a.authorInboxes...), a.remoteInboxes...)
}

// plainCatInboxes are the category followers that are not group-aware.
func (a audience) plainCatInboxes() []string { return without(a.catInboxes, a.groupInboxes) }

// audienceOf looks up the inboxes of a post's audience, from primary-key
// loads only, so a post nobody follows costs three small queries and no
// Note. Category followers are included only for a thread's first post:
// replies reach them only through the Group, which does not announce
// replies (see above).
func (f *Federation) audienceOf(ctx context.Context, p *models.Post) (audience, error) {
	var a audience
	t, err := f.store.ThreadByID(ctx, p.ThreadID)
	if err != nil {
		return a, err
	}
	author, err := f.store.UserByID(ctx, p.UserID)
	if err != nil {
		return a, err
	}
	cat, err := f.store.CategoryByID(ctx, t.CategoryID)
	if err != nil {
		return a, err
	}
	a.author, a.category = f.userRef(author), f.categoryRef(cat)
	if a.authorInboxes, err = f.store.FollowerInboxes(ctx, a.author.kind, a.author.id); err != nil {
		return a, err
	}
	if p.Number == 1 {
		if a.catInboxes, err = f.store.FollowerInboxes(ctx, a.category.kind, a.category.id); err != nil {
			return a, err
		}
	}
	a.groupInboxes, err = f.groupAwareInboxes(ctx, a.category)
	if err != nil || author.IsRemote() {
		return a, err
	}
	rp, err := f.svc.RemoteParentOf(ctx, p)
	if err != nil || rp == nil {
		return a, err
	}
	a.remoteAuthor = rp.Author.RemoteURL
	remote, err := f.store.RemoteActorByAPID(ctx, rp.Author.RemoteURL)
	if errors.Is(err, models.ErrNotFound) {
		return a, nil
	} else if err != nil {
		return a, err
	}
	// A blocked author (or one on a suspended instance) is not written to.
	if refused, err := f.svc.InboundRefused(ctx, remote.Domain, remote.APID); err != nil || refused {
		return a, err
	}
	a.remoteInboxes = []string{remote.DeliveryInbox()}
	return a, nil
}

// fanOutNote queues Create or Update of a post's Note from its author, and
// for a new thread (announce) the category's Announce of it.
func (f *Federation) fanOutNote(ctx context.Context, p *models.Post, kind string, announce bool) error {
	aud, err := f.audienceOf(ctx, p)
	if err != nil || aud.empty() {
		return err // the common case on a quiet forum: no one to tell
	}
	// Loaded inside the transaction, so it sees the post being written.
	fp, err := f.svc.PostForFederation(ctx, p.ID)
	if errors.Is(err, forum.ErrNotFound) {
		return nil // hidden pending review: not public, nothing to send
	} else if err != nil {
		return err
	}
	if fp.Gone {
		return nil
	}
	note, err := f.noteDocument(fp)
	if err != nil {
		return err
	}
	url := f.postURL(fp.Post.ID)
	id, at := url+"#create", fp.Post.CreatedAt
	if kind == "Update" {
		at = fp.Post.UpdatedAt
		if fp.Post.EditedAt != nil {
			at = *fp.Post.EditedAt
		}
		// The edit count makes each edit's id unique even when two land in
		// one second; peers drop an activity whose id they have seen.
		id = fmt.Sprintf("%s#update-%d-%d", url, at.Unix(), fp.Post.EditCount)
	}
	if kind == resendCreate {
		// A post shown again after a hide or a deletion: peers that
		// drop activity ids they have seen would drop the first
		// Create's id, so this one gets its own.
		kind, id = "Create", fmt.Sprintf("%s#create-%d", url, fp.Post.UpdatedAt.UnixMicro())
	}
	act := f.wrapActivity(kind, id, aud.author, note, at)
	// Create goes to the author's followers (the category's get the
	// Announce); Update to everyone who was sent the post either way.
	// Group-aware followers get the Update through the category's Announce.
	inboxes := aud.personal()
	if kind == "Update" {
		inboxes = append(inboxes, aud.plainCatInboxes()...)
	}
	if err := f.enqueue(ctx, aud.author, act, inboxes); err != nil {
		return err
	}
	if err := f.announceToGroups(ctx, aud, fp.Post, act); err != nil {
		return err
	}
	if plain := aud.plainCatInboxes(); announce && len(plain) > 0 {
		return f.enqueue(ctx, aud.category, f.announceActivity(aud.category, fp.Post, at), plain)
	}
	return nil
}

// fanOutDelete queues the author's Delete of a post to the post's audience.
// The Delete is signed by the author even when a moderator deleted the
// post: peers accept a Delete only from the object's owner.
func (f *Federation) fanOutDelete(ctx context.Context, p *models.Post) error {
	aud, err := f.audienceOf(ctx, p)
	if err != nil || aud.empty() {
		return err
	}
	at := f.now()
	if p.DeletedAt != nil {
		at = *p.DeletedAt
	} else if p.HiddenAt != nil {
		at = *p.HiddenAt
	}
	url := f.postURL(p.ID)
	tombstone := map[string]any{"id": url, "type": "Tombstone", "formerType": "Note", "deleted": at.UTC().Format(time.RFC3339)}
	// Each Delete has its own id, like a re-sent Create: a post hidden,
	// shown again and hidden again is deleted twice, and peers drop an
	// activity whose id they have seen. Peers read the object's id, so
	// Deletes sent earlier as plain #delete are handled alike.
	act := f.wrapActivity("Delete", fmt.Sprintf("%s#delete-%d", url, at.UnixMicro()), aud.author, tombstone, at)
	// Addressed as the Note was, so the Delete reaches and convinces
	// everyone the Create did.
	members, err := f.svc.MentionedMembers(ctx, p.Body)
	if err != nil {
		return err
	}
	var mentioned []string
	for _, u := range members {
		mentioned = append(mentioned, f.userRef(u).url)
	}
	if aud.remoteAuthor != "" {
		mentioned = append(mentioned, aud.remoteAuthor)
	}
	act["to"], act["cc"] = addressing(aud.author, aud.category, mentioned)
	if err := f.enqueue(ctx, aud.author, act, append(aud.personal(), aud.plainCatInboxes()...)); err != nil {
		return err
	}
	return f.announceToGroups(ctx, aud, p, act)
}

// wrapActivity makes the activity carrying object, addressed as the object
// is (Mastodon checks that a Create's audience matches its Note's) or, by
// default, publicly with the actor's followers in cc (a post's Delete then
// sets the post's addressing).
func (f *Federation) wrapActivity(kind, id string, actor actorRef, object map[string]any, at time.Time) map[string]any {
	delete(object, "@context") // the activity carries it, once
	act := map[string]any{
		"@context":  jsonLDContext,
		"id":        id,
		"type":      kind,
		"actor":     actor.url,
		"published": at.UTC().Format(time.RFC3339),
		"to":        []any{publicAddress},
		"cc":        []any{actor.followers()},
		"object":    object,
	}
	if to, ok := object["to"]; ok {
		act["to"] = to
	}
	if cc, ok := object["cc"]; ok {
		act["cc"] = cc
	}
	if object["type"] == "Question" {
		act["@context"] = questionContext // it names votersCount
	}
	return act
}

// announceActivity is the category's boost of a post: the object is the
// Note's id (peers fetch or already hold it), not the Note itself, which is
// what Mastodon sends and expects.
func (f *Federation) announceActivity(cat actorRef, p *models.Post, at time.Time) map[string]any {
	return map[string]any{
		"@context":  jsonLDContext,
		"id":        fmt.Sprintf("%s/announce/%d", cat.url, p.ID),
		"type":      "Announce",
		"actor":     cat.url,
		"published": at.UTC().Format(time.RFC3339),
		"to":        []any{publicAddress},
		"cc":        []any{cat.followers()},
		"object":    f.postURL(p.ID),
	}
}

// PostHidden federates moderation of a post: a local post hidden, peers
// get the author's Delete (a hidden post must not stay readable
// elsewhere); shown again, its Create. A remote post hidden is removed
// from the category by its Group (moderation_out.go); shown again, the
// removal is undone.
func (o outbox) PostHidden(ctx context.Context, p *models.Post, on bool) error {
	if p.APID != nil {
		by, err := o.f.store.LastAuditActor(ctx, forum.TargetPost, p.ID)
		if err != nil {
			return err
		}
		return o.f.groupRemove(ctx, p, by, !on)
	}
	if on {
		return o.f.fanOutDelete(ctx, p)
	}
	return o.f.fanOutNote(ctx, p, resendCreate, p.Number == 1)
}

// resendCreate is fanOutNote's kind for a Create of a post peers were
// already sent (and then told to delete).
const resendCreate = "Create again"

// addressing is the audience of every post's activities, public threads'
// and replies' alike: Public in to; in cc the category Group's followers
// (who hold the thread through the Group), the author's followers, the
// Group itself and the actors the post mentions or answers. The Group is
// addressed because Lemmy finds a post's community in to/cc (crates/apub/
// objects/src/protocol/page.rs, Page::community); audience names it too
// (FEP-1b12). Create, Update and Delete carry this same audience, so a peer
// never sees a post's visibility change between them. A post in the
// ambassadors' category has no audience at all: nothing of it is queued
// (forum.Service.SetHooks) or served.
func addressing(author, category actorRef, mentioned []string) (to, cc []any) {
	cc = []any{category.followers(), author.followers(), category.url}
	seen := map[string]bool{}
	for _, u := range mentioned {
		if !seen[u] {
			seen[u] = true
			cc = append(cc, u)
		}
	}
	return []any{publicAddress}, cc
}
