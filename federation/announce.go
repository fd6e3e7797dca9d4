package federation

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Inbound boosts: Mastodon's boost of a post is an Announce whose object
// is the post's id (GoToSocial and others embed the object instead). A
// boost of a post written here counts once per account; its Undo takes it
// back. Announces of anything else (another server's post, an activity a
// group relays) are not Hearth's business: processed, not counted.

// announcedPost is the local post an Announce's object names: its id
// exactly, {base}/p/{id}, given as a link or as an embedded object that is
// not itself an activity. ok is false for anything else.
func (f *Federation) announcedPost(object json.RawMessage) (id int64, ok bool) {
	var obj struct {
		Type json.RawMessage `json:"type"`
	}
	if json.Unmarshal(object, &obj) == nil && activityTypes[firstString(obj.Type)] {
		return 0, false // a group's Announce of an activity, not a boost
	}
	rest, found := strings.CutPrefix(idOf(object), f.base+"/p/")
	if !found {
		return 0, false
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

// activityTypes are the activities a group may relay in an Announce.
var activityTypes = map[string]bool{"Create": true, "Update": true, "Delete": true, "Like": true, "Dislike": true,
	"Undo": true, "Announce": true, "Follow": true, "Add": true, "Remove": true, "Block": true, "Flag": true}

// onAnnounce counts a boost of a post written here.
func (f *Federation) onAnnounce(ctx context.Context, act *activity, signer string) error {
	if err := signedByActor(act, signer); err != nil {
		return err
	}
	postID, ok := f.announcedPost(act.Object)
	if !ok {
		f.log.Debug("inbox: Announce of no post here ignored", "activity", act.ID, "object", idOf(act.Object))
		return nil
	}
	user, err := f.boosterUser(ctx, act.Actor)
	if err != nil {
		return err
	}
	_, err = f.svc.BoostFromRemote(ctx, user, postID, act.ID)
	if errors.Is(err, forum.ErrNotFound) || errors.Is(err, forum.ErrForbidden) {
		f.log.Info("inbox: boost ignored", "activity", act.ID, "actor", act.Actor, "post", postID,
			"reason", "the post is missing, deleted, hidden, private or not written here")
		return nil
	}
	return err
}

// onUndoAnnounce takes back a boost. inner is the Announce being undone,
// embedded as Mastodon does, or only its id.
func (f *Federation) onUndoAnnounce(ctx context.Context, act *activity, announceID string, object json.RawMessage) error {
	postID, _ := f.announcedPost(object)
	if announceID == "" && postID == 0 {
		return nil
	}
	a, err := f.store.RemoteActorByAPID(ctx, act.Actor)
	if errors.Is(err, models.ErrNotFound) {
		return nil // never boosted anything here
	} else if err != nil {
		return err
	}
	user, err := f.store.UserByRemoteActorID(ctx, a.ID)
	if errors.Is(err, models.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	_, err = f.svc.UnboostFromRemote(ctx, user, announceID, postID)
	return refusedIsDone(err)
}

// boosterUser is the local users row of the boosting account (made on
// first sight, as for likes), with its avatar copied like any author's.
func (f *Federation) boosterUser(ctx context.Context, actor string) (*models.User, error) {
	a, err := f.remoteActor(ctx, actor, false)
	if err != nil {
		return nil, err
	}
	return f.svc.RemoteUser(ctx, a)
}
