package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// Inbound addressing (issue 13 item 1). A Note's audience is read from its
// to and cc, as Mastodon decides a status's visibility in
// app/lib/activitypub/activity/create.rb (visibility_from_audience):
// Public in to is public; Public in cc only is unlisted; the author's
// followers collection is followers-only ("private"); only people is
// direct (or "limited"). Hearth goes by the audience, not by what the
// sender calls it:
//   - public and unlisted Notes may become replies in a thread. Unlisted
//     means "not in public timelines" on Mastodon, which still shows it in
//     its thread; Hearth has no timeline of remote replies (category lists
//     and feeds list threads, the thread feed is the thread), so an
//     unlisted reply is shown in its thread like a public one, and kept
//     out of search, as Mastodon's app/chewy/public_statuses_index.rb
//     indexes only visibility: public statuses.
//   - a Note addressed to the followers collection of a Hearth actor (a
//     category's, as Lemmy-family servers address a Group) counts as
//     public: those followers are the forum's public.
//   - anything else (direct, limited, followers-only of the remote
//     author) is private: it never reaches a thread, list, feed, search,
//     API or collection; it goes to the conversations of the members it
//     addresses, or nowhere.

// audience classes of an inbound Note.
const (
	audiencePublic = iota
	audienceUnlisted
	audiencePrivate
)

// maxAudience bounds the addresses read from one Note's to or cc.
const maxAudience = 100

// addresses reads to or cc: an id, an object, or an array of either.
func addresses(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	if id := idOf(raw); id != "" {
		return []string{id}
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return nil
	}
	var out []string
	for i, r := range list {
		if i == maxAudience {
			break
		}
		if id := idOf(r); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// isPublicAddress accepts the three spellings of as:Public peers send.
func isPublicAddress(s string) bool {
	return s == publicAddress || s == "as:Public" || s == "Public"
}

// audience classifies a Note by its to and cc; base is this server's URL.
func (n *noteDoc) audience(base string) int {
	to, cc := addresses(n.To), addresses(n.Cc)
	for _, a := range to {
		if isPublicAddress(a) {
			return audiencePublic
		}
	}
	for _, a := range cc {
		if isPublicAddress(a) {
			return audienceUnlisted
		}
	}
	for _, a := range append(to, cc...) {
		if strings.HasPrefix(a, base+"/c/") && strings.HasSuffix(a, "/followers") {
			return audiencePublic
		}
	}
	return audiencePrivate
}

// localRecipients lists the lower-cased names of the members of base a
// Note is addressed to: their actor ids in to or cc, and its Mention tags.
func (n *noteDoc) localRecipients(base string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(name string) {
		name = strings.ToLower(name)
		if name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	for _, a := range append(addresses(n.To), addresses(n.Cc)...) {
		if name, ok := strings.CutPrefix(a, base+"/u/"); ok && !strings.ContainsAny(name, "/?#") {
			add(name)
		}
	}
	for _, name := range n.localMentions(base) {
		add(name)
	}
	return out
}

// createPrivate delivers a private Note to the conversations of the
// members it addresses; addressed to none, it is dropped (Hearth keeps
// nobody else's private posts).
func (f *Federation) createPrivate(ctx context.Context, act *activity, note *noteDoc) error {
	if note.attributedTo() != act.Actor || hostOf(note.ID) != hostOf(act.Actor) {
		return fmt.Errorf("%w: %s created a Note of %s", errIgnore, act.Actor, note.attributedTo())
	}
	names := note.localRecipients(f.base)
	if len(names) == 0 {
		// Addressed to no member: a followers-only post of an account
		// members follow belongs to their Following feed, or nowhere.
		return f.onFollowedCreate(ctx, act)
	}
	user, err := f.remoteUser(ctx, act.Actor)
	if err != nil {
		return err
	}
	f.syncAvatar(ctx, user)
	return refusedIsDone(f.svc.ReceivePrivateMessage(ctx, user, names, f.messageRef(note.inReplyTo()), note.remote(f.base)))
}
