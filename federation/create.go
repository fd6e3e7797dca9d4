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
	// Context is the conversation the Note belongs to (FEP-7888): a
	// Hearth thread's URL, or a collection on another server.
	Context json.RawMessage `json:"context"`
	// To and Cc are its audience; fetched ancestors are imported only
	// when public.
	To json.RawMessage `json:"to"`
	Cc json.RawMessage `json:"cc"`
	// Attachment lists its files (remote_media.go reads them).
	Attachment json.RawMessage `json:"attachment"`
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
func (n *noteDoc) context() string      { return stripFragment(firstID(n.Context)) }

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

// onCreate stores a reply to a Hearth thread, or starts a thread from a
// public post that answers nothing and names a category (remote_threads.go).
// Anything else created is not Hearth's business: done, not kept.
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
	if note.typ() == "Note" && note.audience(f.base) == audiencePrivate {
		// Direct or followers-only: never in a thread (addressing.go).
		return f.createPrivate(ctx, act, note)
	}
	if note.inReplyTo() == "" {
		if started, err := f.threadFromRemote(ctx, act, note); started || err != nil {
			return err
		}
	}
	if note.typ() != "Note" {
		return nil
	}
	if note.attributedTo() != act.Actor || hostOf(note.ID) != hostOf(act.Actor) {
		return fmt.Errorf("%w: %s created a Note of %s", errIgnore, act.Actor, note.attributedTo())
	}
	if note.inReplyTo() == "" {
		return f.onFollowedCreate(ctx, act) // a post that answers nothing here
	}
	// The parent is read once: ReplyFromRemoteTo does not read it again
	// (it checks the thread again, in its transaction).
	pl, err := f.placeReply(ctx, note)
	if err != nil {
		return err
	}
	if pl.empty() {
		if pl.waitingFor != "" {
			return f.addPending(ctx, act.Actor, act.Object, note, pl.waitingFor)
		}
		// A reply in a conversation elsewhere: the feed's, if its
		// author is followed here, and never a category's.
		return f.onFollowedCreate(ctx, act)
	}
	_, err = f.storeReply(ctx, act.Actor, note, pl, act.Raw)
	return err
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
// answers, following inReplyTo through remote posts Hearth does not have
// (without importing them: a poll vote needs only the poll).
// threadID is 0 when no Hearth thread is reached.
func (f *Federation) resolveParent(ctx context.Context, id string) (threadID, postID int64, err error) {
	c, err := f.walkAncestors(ctx, &noteDoc{InReplyTo: json.RawMessage(strconv.Quote(id))})
	if err != nil || c.parent == nil {
		return 0, 0, err
	}
	return c.parent.ThreadID, c.parent.ID, nil
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
	n := note.remote(f.base)
	n.Activity = act.Raw
	_, err = f.svc.EditFromRemote(ctx, user, n)
	if errors.Is(err, forum.ErrNotFound) {
		// Not a forum post: maybe a post of the Following feed.
		var summary string
		_ = json.Unmarshal(act.Object, &struct {
			Summary *string `json:"summary"`
		}{&summary})
		var ok bool
		ok, err = f.svc.EditFollowedNote(ctx, user, forum.FollowedNoteInput{APID: note.ID, HTML: note.Content, Summary: summary})
		if err == nil && !ok {
			// Nor a followed note: maybe a direct message received
			// (forum/messages_remote_edit.go checks it is theirs).
			err = f.svc.EditMessageFromRemote(ctx, user, n)
		}
	}
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
	err = f.svc.DeleteFromRemote(ctx, user, id, act.Raw)
	if errors.Is(err, forum.ErrNotFound) {
		// Not a forum post: maybe a post of the Following feed.
		var ok bool
		ok, err = f.svc.DeleteFollowedNote(ctx, user, id)
		if err == nil && !ok {
			err = f.svc.DeleteMessageFromRemote(ctx, user, id) // maybe a direct message
		}
	}
	return refusedIsDone(err)
}

// onLike counts a remote actor's like of a Hearth post once per actor
// (the likes row is keyed by the actor's users row); on false undoes it.
// raw is the Like as received, which the category's Group relays.
func (f *Federation) onLike(ctx context.Context, actor, object string, on bool, raw []byte) error {
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
	_, err = f.svc.LikeFromRemote(ctx, user, pid, on, raw)
	return refusedIsDone(err)
}
