package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Threads started from the fediverse: a public post that answers nothing
// and mentions a category's Group (a Mention tag whose href is the Group,
// as Mastodon writes "@general@forum.example") or is addressed to it (in
// to, cc or audience, as Lemmy addresses a Page to its community) starts a
// thread in that category. The forum admits it as it would a newcomer's
// thread (forum.ThreadFromRemote); once published, the Group relays the
// Create to its group-aware followers and boosts the Note to the others,
// as Lemmy and NodeBB do for a post made in a community from elsewhere.
// Posts that are not public are not for this path: they are private
// messages or followers-only posts, never a public thread.

// threadStartTypes are the objects that may start a thread: Mastodon's
// Note, Lemmy's Page, and Articles (WriteFreely, Friendica, Hearth).
var threadStartTypes = map[string]bool{"Note": true, "Page": true, "Article": true}

// maxGroupCandidates bounds the addresses looked at for a category.
const maxGroupCandidates = 20

// publicAddresses are the spellings of the Public collection peers use.
var publicAddresses = map[string]bool{publicAddress: true, "as:Public": true, "Public": true}

// recipients is the part of an activity or object that says who it is for.
type recipients struct {
	To       json.RawMessage `json:"to"`
	Cc       json.RawMessage `json:"cc"`
	Audience json.RawMessage `json:"audience"`
}

// links lists the ids in a property given as a link, an object or an
// array of either.
func links(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		list = []json.RawMessage{raw}
	}
	var out []string
	for _, x := range list {
		if id := idOf(x); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// threadFromRemote starts a thread from a Create of an object that answers
// nothing, when it is public and names one of this forum's categories. It
// reports whether the object was one (false: not a category's business;
// the Following feed may keep it).
func (f *Federation) threadFromRemote(ctx context.Context, act *activity, note *noteDoc) (bool, error) {
	if !threadStartTypes[note.typ()] {
		return false, nil
	}
	var outer, inner recipients
	_ = json.Unmarshal(act.Raw, &outer) // parseActivity read it already
	_ = json.Unmarshal(act.Object, &inner)
	public := false
	var candidates []string
	for _, a := range []recipients{outer, inner} {
		for _, field := range []json.RawMessage{a.To, a.Cc} {
			for _, id := range links(field) {
				public = public || publicAddresses[id]
				candidates = append(candidates, id)
			}
		}
		candidates = append(candidates, links(a.Audience)...)
	}
	if !public {
		return false, nil
	}
	candidates = append(note.mentionHrefs(), candidates...)
	cat, err := f.addressedCategory(ctx, candidates)
	if err != nil || cat == nil {
		return false, err
	}
	if note.attributedTo() != act.Actor || hostOf(note.ID) != hostOf(act.Actor) {
		return true, fmt.Errorf("%w: %s created a %s of %s", errIgnore, act.Actor, note.typ(), note.attributedTo())
	}
	user, err := f.remoteUser(ctx, act.Actor)
	if err != nil {
		return true, err
	}
	f.syncAvatar(ctx, user)
	n := note.remote(f.base)
	n.Activity = act.Raw
	thread, err := f.svc.ThreadFromRemote(ctx, user, cat.id, note.Name, n)
	var rl *forum.RateLimitError
	if errors.As(err, &rl) {
		f.log.Info("inbox: thread start refused", "activity", act.ID, "reason", rl.Message)
		return true, nil
	}
	if err != nil || thread == nil {
		return true, refusedIsDone(err)
	}
	// Its own conversation elsewhere continues here (and is backfilled).
	return true, f.recordContext(ctx, note, thread.ID)
}

// addressedCategory is the first of ids that is one of this forum's
// category Groups (by its id or an old slug's URL), or nil.
func (f *Federation) addressedCategory(ctx context.Context, ids []string) (*actorRef, error) {
	seen := map[string]bool{}
	for _, id := range ids {
		if len(seen) == maxGroupCandidates {
			break
		}
		id = stripFragment(id)
		if seen[id] || !strings.HasPrefix(id, f.base+"/c/") {
			continue
		}
		seen[id] = true
		ref, ok, err := f.localActor(ctx, id)
		if err != nil {
			return nil, err
		}
		if ok && ref.kind == models.ActorTypeCategory {
			return &ref, nil
		}
	}
	return nil, nil
}

// mentionHrefs lists the hrefs of the Note's Mention tags.
func (n *noteDoc) mentionHrefs() []string {
	var tags []json.RawMessage
	if json.Unmarshal(n.Tag, &tags) != nil {
		tags = []json.RawMessage{n.Tag}
	}
	var out []string
	for i, raw := range tags {
		if i == maxNoteTags {
			break
		}
		var tag struct {
			Type json.RawMessage `json:"type"`
			Href string          `json:"href"`
		}
		if json.Unmarshal(raw, &tag) == nil && firstString(tag.Type) == "Mention" && tag.Href != "" {
			out = append(out, tag.Href)
		}
	}
	return out
}
