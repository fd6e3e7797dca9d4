package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Inbound posts: a Mastodon reply to a Hearth post is addressed to the
// parent post's author (not the category), so it may arrive at any inbox.
// It is attached to a thread through its inReplyTo chain; Update and
// Delete apply only when the signer is the Note's author.

// maxParentFetches bounds how far up a reply chain Hearth fetches looking
// for one of its own posts: a long remote-only conversation costs at most
// this many signed GETs per activity.
const maxParentFetches = 5

// noteDoc is the part of a Note Hearth reads. Fields are decoded loosely,
// as servers send links as strings, objects or arrays.
type noteDoc struct {
	ID           string            `json:"id"`
	Type         json.RawMessage   `json:"type"`
	AttributedTo json.RawMessage   `json:"attributedTo"`
	InReplyTo    json.RawMessage   `json:"inReplyTo"`
	Content      string            `json:"content"`
	Name         string            `json:"name"` // a poll vote's option
	ContentMap   map[string]string `json:"contentMap"`
	Published    string            `json:"published"`
	Tag          json.RawMessage   `json:"tag"`
	Attachment   json.RawMessage   `json:"attachment"`
}

func parseNote(raw json.RawMessage) (*noteDoc, error) {
	var n noteDoc
	if err := json.Unmarshal(raw, &n); err != nil {
		return nil, fmt.Errorf("note: %w", err)
	}
	if n.ID == "" || hostOf(n.ID) == "" {
		return nil, errors.New("note has no absolute id")
	}
	if n.Content == "" {
		for _, c := range n.ContentMap {
			n.Content = c
			break
		}
	}
	return &n, nil
}

func (n *noteDoc) typ() string          { return firstString(n.Type) }
func (n *noteDoc) inReplyTo() string    { return idOf(n.InReplyTo) }
func (n *noteDoc) attributedTo() string { return firstID(n.AttributedTo) }

// remote is the Note for the forum; base is this server's URL, to find
// the local members its Mention tags name.
func (n *noteDoc) remote(base string) forum.RemoteNote {
	published, _ := time.Parse(time.RFC3339, n.Published)
	return forum.RemoteNote{APID: n.ID, HTML: n.Content, Published: published, Mentions: n.localMentions(base), Attachments: n.attachments()}
}

// maxNoteTags bounds the tags read from one Note; more is spam.
const maxNoteTags = 50

// localMentions lists the lower-cased names of the members of base that
// the Note's Mention tags point at. Mastodon and GoToSocial name the
// mentioned actor by href (its id); the text's @name is only display.
func (n *noteDoc) localMentions(base string) []string {
	var tags []json.RawMessage
	if json.Unmarshal(n.Tag, &tags) != nil {
		tags = []json.RawMessage{n.Tag} // a single tag, not in an array
	}
	var names []string
	for i, raw := range tags {
		if i == maxNoteTags {
			break
		}
		var tag struct {
			Type json.RawMessage `json:"type"`
			Href string          `json:"href"`
		}
		if json.Unmarshal(raw, &tag) != nil || firstString(tag.Type) != "Mention" {
			continue
		}
		if name, ok := strings.CutPrefix(tag.Href, base+"/u/"); ok && name != "" && !strings.ContainsAny(name, "/?#") {
			names = append(names, strings.ToLower(name))
		}
	}
	return names
}

// firstID reads a link given as an id, an object or an array of either.
func firstID(raw json.RawMessage) string {
	if id := idOf(raw); id != "" {
		return id
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
		return idOf(list[0])
	}
	return ""
}

// signedByActor insists that the verified signer is the activity's actor.
// The inbox only checked that they share a host; a post may only be
// written, changed or deleted by its own author's key.
func signedByActor(act *activity, signer string) error {
	if signer != act.Actor {
		return fmt.Errorf("%w: %s signed an activity of %s", errIgnore, signer, act.Actor)
	}
	return nil
}

// onCreate stores a reply to a Hearth thread. Anything else created (a
// toot that answers nothing here) is not Hearth's business: done, not kept.
func (f *Federation) onCreate(ctx context.Context, act *activity, signer string) error {
	if err := signedByActor(act, signer); err != nil {
		return err
	}
	note, err := parseNote(act.Object)
	if err != nil {
		return fmt.Errorf("%w: %v", errIgnore, err)
	}
	if handled, err := f.createForPoll(ctx, act, note); handled {
		return err
	}
	if note.typ() != "Note" || note.inReplyTo() == "" {
		return nil
	}
	if note.attributedTo() != act.Actor || hostOf(note.ID) != hostOf(act.Actor) {
		return fmt.Errorf("%w: %s created a Note of %s", errIgnore, act.Actor, note.attributedTo())
	}
	// The parent is read once: ReplyFromRemoteTo does not read it again
	// (it checks the thread again, in its transaction).
	parent, err := f.resolveParentPost(ctx, note.inReplyTo())
	if err != nil || parent == nil {
		return err
	}
	user, err := f.remoteUser(ctx, act.Actor)
	if err != nil {
		return err
	}
	f.syncAvatar(ctx, user)
	_, err = f.svc.ReplyFromRemoteTo(ctx, user, parent, note.remote(f.base))
	return refusedIsDone(err)
}

// remoteUser is the users row of the remote actor apID: the actor is
// fetched when not stored, and the row created or refreshed when missing
// or out of date. The usual case, a known author, is one joined read
// (inbound processing on PostgreSQL is bound by round trips).
func (f *Federation) remoteUser(ctx context.Context, apID string) (*models.User, error) {
	a, u, err := f.store.RemoteActorWithUser(ctx, apID)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return nil, err
	}
	if u != nil && a.Domain != "" {
		return u, nil
	}
	if a == nil {
		if a, err = f.remoteActor(ctx, apID, false); err != nil {
			return nil, err
		}
	}
	return f.svc.RemoteUser(ctx, a)
}

// refusedIsDone turns the forum's refusals (a locked or deleted thread, an
// empty reply, a post that is not there) into "processed": retrying would
// be refused again.
func refusedIsDone(err error) error {
	var ve *forum.ValidationError
	if errors.Is(err, forum.ErrForbidden) || errors.Is(err, forum.ErrNotFound) || errors.As(err, &ve) {
		return nil
	}
	return err
}

// resolveParent finds the thread a reply belongs to and the stored post it
// answers, following inReplyTo through remote posts Hearth does not have.
// threadID is 0 when no Hearth thread is reached.
func (f *Federation) resolveParent(ctx context.Context, id string) (threadID, postID int64, err error) {
	p, err := f.resolveParentPost(ctx, id)
	if err != nil || p == nil {
		return 0, 0, err
	}
	return p.ThreadID, p.ID, nil
}

// resolveParentPost is the stored post a reply answers, following
// inReplyTo as resolveParent does; nil when none is reached or when the
// local post reached is in a deleted thread. A local post is read with its
// thread in one statement.
func (f *Federation) resolveParentPost(ctx context.Context, id string) (*models.Post, error) {
	for fetches := 0; ; fetches++ {
		id = stripFragment(id)
		if rest, ok := strings.CutPrefix(id, f.base+"/p/"); ok {
			pid, err := strconv.ParseInt(rest, 10, 64)
			if err != nil {
				return nil, nil
			}
			p, t, _, err := f.store.PostThreadCategory(ctx, pid)
			if errors.Is(err, models.ErrNotFound) || err == nil && t.DeletedAt != nil {
				return nil, nil
			} else if err != nil {
				return nil, err
			}
			return p, nil
		}
		if p, err := f.svc.RemotePost(ctx, id); err == nil {
			return p, nil
		} else if !errors.Is(err, forum.ErrNotFound) {
			return nil, err
		}
		if fetches == maxParentFetches || hostOf(id) == hostOf(f.base) {
			return nil, nil
		}
		body, err := f.signedGet(ctx, id)
		if err != nil {
			// The parent may be gone or its server down; the reply cannot
			// be placed either way, and retrying would not help for long.
			f.log.Info("inbox: could not fetch a parent", "id", id, "error", err)
			return nil, nil
		}
		doc, err := parseNote(body)
		if err != nil || doc.ID != id {
			return nil, nil // a document must claim the id it came from
		}
		if id = doc.inReplyTo(); id == "" {
			return nil, nil
		}
	}
}

// authorUser is the users row of the remote actor apID, or nil when Hearth
// has never stored a post of theirs (then they own nothing here).
func (f *Federation) authorUser(ctx context.Context, apID string) (*models.User, error) {
	a, err := f.store.RemoteActorByAPID(ctx, apID)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	u, err := f.store.UserByRemoteActorID(ctx, a.ID)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	return u, err
}

// onUpdate applies an edit of a stored remote Note by its author.
func (f *Federation) onUpdate(ctx context.Context, act *activity, signer string) error {
	if err := signedByActor(act, signer); err != nil {
		return err
	}
	var obj struct {
		Type json.RawMessage `json:"type"`
	}
	if json.Unmarshal(act.Object, &obj) == nil && actorTypes[firstString(obj.Type)] || idOf(act.Object) == act.Actor {
		return f.onUpdateActor(ctx, act)
	}
	note, err := parseNote(act.Object)
	if err == nil && note.typ() == "Question" {
		return f.onUpdateQuestion(ctx, act, note)
	}
	if err != nil || note.typ() != "Note" {
		return nil // Update of a Question and the like: not kept
	}
	user, err := f.authorUser(ctx, act.Actor)
	if err != nil || user == nil {
		return err
	}
	_, err = f.svc.EditFromRemote(ctx, user, note.remote(f.base))
	return refusedIsDone(err)
}

// onDelete soft-deletes a stored remote Note at its author's request. The
// object is the Note's id or a Tombstone carrying it.
func (f *Federation) onDelete(ctx context.Context, act *activity, signer string) error {
	if err := signedByActor(act, signer); err != nil {
		return err
	}
	id := idOf(act.Object)
	if id == act.Actor {
		return f.onDeleteActor(ctx, act)
	}
	if id == "" {
		return nil
	}
	user, err := f.authorUser(ctx, act.Actor)
	if err != nil || user == nil {
		return err
	}
	return refusedIsDone(f.svc.DeleteFromRemote(ctx, user, id))
}

// onLike counts a remote actor's like of a Hearth post once per actor
// (the likes row is keyed by the actor's users row); on false undoes it.
func (f *Federation) onLike(ctx context.Context, actor, object string, on bool) error {
	rest, ok := strings.CutPrefix(stripFragment(object), f.base+"/p/")
	if !ok {
		return nil
	}
	pid, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		return nil
	}
	user, err := f.remoteUser(ctx, actor)
	if err != nil {
		return err
	}
	_, err = f.svc.SetLike(ctx, user, pid, on)
	return refusedIsDone(err)
}
