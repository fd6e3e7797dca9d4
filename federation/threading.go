package federation

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Where an incoming reply goes. Its inReplyTo names the post it answers:
// a Hearth post, a remote post stored here, or one to fetch. When that
// does not lead to a thread, its `context` (FEP-7888) may: a Hearth
// thread's URL, or a remote conversation whose replies already joined a
// thread here.

// placement is where an incoming reply is stored: under parent, or, when
// only a context placed it, at the end of thread threadID answering
// nothing in particular; the fetched ancestors are stored first. An empty
// placement with waitingFor set is a reply to keep pending.
type placement struct {
	parent     *models.Post
	threadID   int64
	ancestors  []*noteDoc // nearest to the reply first
	waitingFor string
}

func (p placement) empty() bool { return p.parent == nil && p.threadID == 0 }

// placeReply finds where note belongs: through its inReplyTo chain
// (fetching ancestors Hearth lacks), else through its own or a fetched
// ancestor's context. An empty placement when it belongs to no Hearth
// thread, or cannot be placed yet (waitingFor).
func (f *Federation) placeReply(ctx context.Context, note *noteDoc) (placement, error) {
	c, err := f.walkAncestors(ctx, note)
	if err != nil || c.parent != nil {
		return placement{parent: c.parent, ancestors: c.ancestors}, err
	}
	for _, doc := range append([]*noteDoc{note}, c.ancestors...) {
		tid, err := f.threadOfContext(ctx, doc.context())
		if err != nil || tid != 0 {
			return placement{threadID: tid, ancestors: c.ancestors}, err
		}
	}
	return placement{waitingFor: c.waitingFor}, nil
}

// threadOfContext is the Hearth thread a conversation's context id names:
// the thread itself when it is a thread URL here, else the thread a
// recorded remote context continues in; 0 when none.
func (f *Federation) threadOfContext(ctx context.Context, contextID string) (int64, error) {
	if contextID == "" {
		return 0, nil
	}
	if rest, ok := strings.CutPrefix(contextID, f.base+"/t/"); ok {
		rest, _, _ = strings.Cut(rest, "/") // /t/{id}/{slug} names the same thread
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil || id <= 0 {
			return 0, nil
		}
		return id, nil
	}
	if hostOf(contextID) == hostOf(f.base) {
		return 0, nil
	}
	tid, err := f.svc.ThreadForRemoteContext(ctx, contextID)
	if errors.Is(err, forum.ErrNotFound) {
		return 0, nil
	}
	return tid, err
}

// storeReply stores note, written by actor, where pl says, then records
// the note's own conversation context for the thread. The forum's
// refusals (locked thread, watched word…) are final, not errors: the post
// is nil then, as when it was held for approval.
// activity is the Create as it arrived, which the category's Group relays
// (nil for a reply fetched rather than delivered: there is no activity to
// pass on).
func (f *Federation) storeReply(ctx context.Context, actor string, note *noteDoc, pl placement, activity []byte) (*models.Post, error) {
	user, err := f.remoteUser(ctx, actor)
	if err != nil {
		return nil, err
	}
	f.syncAvatar(ctx, user)
	parent := pl.parent
	if len(pl.ancestors) > 0 {
		if parent, err = f.importAncestors(ctx, pl); err != nil {
			return nil, err
		}
	}
	var post *models.Post
	n := note.remote(f.base)
	n.Activity = activity
	n.Unlisted = note.audience(f.base) == audienceUnlisted
	if parent != nil {
		post, err = f.svc.ReplyFromRemoteTo(ctx, user, parent, n)
	} else {
		post, err = f.svc.ReplyFromRemote(ctx, user, pl.threadID, 0, n)
	}
	if err != nil || post == nil {
		return nil, refusedIsDone(err)
	}
	return post, f.recordContext(ctx, note, post.ThreadID)
}

// recordContext remembers that the remote conversation note names as its
// context continues in threadID. Only a context on the note's own server
// is recorded: a server speaks for its own conversations, so nobody can
// steer another server's conversation into a thread here.
func (f *Federation) recordContext(ctx context.Context, note *noteDoc, threadID int64) error {
	c := note.context()
	if c == "" || hostOf(c) == hostOf(f.base) || hostOf(c) != hostOf(note.ID) {
		return nil
	}
	return f.svc.RecordRemoteContext(ctx, c, threadID)
}
