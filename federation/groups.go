package federation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hearth/hearth/models"
)

// FEP-1b12 group-aware followers. Lemmy, NodeBB, PieFed, Mbin and
// Friendica-style groups expect a Group to relay every activity in it
// (Announce{Create}, Announce{Update}, Announce{Delete}, Announce{Like}),
// while Mastodon shows each Announce as a boost, so only the thread start
// may be announced to it, and as the bare Note.
//
// A follower is group-aware when either
//   - its actor's ActivityStreams type is Group or Application (a group or
//     relay following a group, as those servers do to mirror one), cached
//     on remote_actors.actor_type whenever the actor is fetched; or
//   - its server's NodeInfo software.name is one of groupAwareSoftware,
//     looked up once per host when one of its actors follows a category
//     (nodeinfo_peers.go) and kept on delivery_hosts.software. A Lemmy
//     user follows a community from a Person actor; without this they
//     would be treated like a Mastodon user and see thread starts only.
var groupAwareTypes = []string{"Group", "Application"}

// groupAwareSoftware are the NodeInfo software names of servers built
// around groups: Lemmy (crates/apub/activities/src/community/announce.rs
// receives a community's Announce of any activity), NodeBB 4
// (src/activitypub), Mbin and its ancestor kbin, PieFed and Discourse's
// ActivityPub plugin.
var groupAwareSoftware = []string{"lemmy", "nodebb", "mbin", "kbin", "piefed", "discourse"}

// groupAwareInboxes lists the inboxes of the category's followers that
// get every activity in it announced.
func (f *Federation) groupAwareInboxes(ctx context.Context, cat actorRef) ([]string, error) {
	return f.store.GroupAwareFollowerInboxes(ctx, cat.kind, cat.id, groupAwareTypes, groupAwareSoftware)
}

// announceToGroups queues the category's Announce of act, the whole
// activity, to the group-aware inboxes.
func (f *Federation) announceToGroups(ctx context.Context, aud audience, p *models.Post, act map[string]any) error {
	innerID, _ := act["id"].(string)
	fragment := strings.ToLower(fmt.Sprint(act["type"]))
	if i := strings.IndexByte(innerID, '#'); i >= 0 {
		fragment = innerID[i+1:]
	}
	return f.groupAnnounce(ctx, aud.category, aud.groupInboxes, p, act, fragment)
}

// groupAnnounce queues the category's Announce of the activity act (its
// @context dropped: the Announce carries it, once) to inboxes. The
// Announce's id is the post's announce URL with fragment, which must tell
// it apart from every other activity the Group relays about the post.
func (f *Federation) groupAnnounce(ctx context.Context, cat actorRef, inboxes []string, p *models.Post, act map[string]any, fragment string) error {
	if len(inboxes) == 0 {
		return nil
	}
	inner := make(map[string]any, len(act))
	for k, v := range act {
		if k != "@context" {
			inner[k] = v
		}
	}
	published := act["published"]
	if published == nil {
		published = f.now().UTC().Format(time.RFC3339)
	}
	announce := map[string]any{
		"@context":  jsonLDContext,
		"id":        fmt.Sprintf("%s/announce/%d#%s", cat.url, p.ID, fragment),
		"type":      "Announce",
		"actor":     cat.url,
		"published": published,
		"to":        []any{publicAddress},
		"cc":        []any{cat.followers()},
		"object":    inner,
	}
	return f.enqueue(ctx, cat, announce, inboxes)
}

// RemoteAccepted relays an activity from another server that the forum
// accepted in a thread of cat (forum.RelayHooks): the category's Group
// announces it, embedded as it arrived, to its group-aware followers, as
// FEP-1b12 has a group do and as Lemmy's community does (its
// assets/lemmy/activities/community/announce_create_page.json embeds the
// member's Create). The server the activity came from is left out: it
// has it already.
//
// It runs in the inbox's transaction for every accepted reply, edit,
// deletion and like, so the common case, a category no group-aware server
// follows, costs no statement: the categories that have such followers
// are kept in memory (group_cache.go).
func (o outbox) RemoteAccepted(ctx context.Context, cat *models.Category, p *models.Post, activity []byte) error {
	f := o.f
	if p.Number == 1 && p.APID != nil {
		if err := f.boostRemoteStart(ctx, f.categoryRef(cat), p); err != nil {
			return err
		}
	}
	if followed, err := f.groupFollowed.has(ctx, f.store, cat.ID); err != nil || !followed {
		return err
	}
	var act map[string]any
	if err := json.Unmarshal(activity, &act); err != nil {
		return nil // the inbox parsed it already; nothing sensible to relay
	}
	ref := f.categoryRef(cat)
	inboxes, err := f.groupAwareInboxes(ctx, ref)
	if err != nil {
		return err
	}
	origin := hostOf(idOf(rawJSON(act["actor"])))
	var to []string
	for _, in := range inboxes {
		if hostOf(in) != origin {
			to = append(to, in)
		}
	}
	id, _ := act["id"].(string)
	sum := sha256.Sum256([]byte(id))
	fragment := fmt.Sprintf("%s-%s", strings.ToLower(fmt.Sprint(act["type"])), hex.EncodeToString(sum[:8]))
	return f.groupAnnounce(ctx, ref, to, p, act, fragment)
}

// boostRemoteStart is what the category's plain followers (Mastodon and
// the like) get of a thread started from another server: the Group's
// boost of the Note, by its id, as they get of a thread started here
// (they fetch it from its server). Lemmy sends Mastodon followers the same
// (announce.rs, "for compatibility, we also send Announce/Page").
func (f *Federation) boostRemoteStart(ctx context.Context, cat actorRef, p *models.Post) error {
	all, err := f.store.FollowerInboxes(ctx, cat.kind, cat.id)
	if err != nil || len(all) == 0 {
		return err
	}
	groups, err := f.groupAwareInboxes(ctx, cat)
	if err != nil {
		return err
	}
	plain := without(all, groups)
	if len(plain) == 0 {
		return nil
	}
	boost := f.announceActivity(cat, p, p.CreatedAt)
	boost["object"] = *p.APID
	return f.enqueue(ctx, cat, boost, plain)
}

// rawJSON re-encodes a decoded JSON value, for the helpers that read
// links given as strings or objects.
func rawJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// without returns list minus the entries in drop.
func without(list, drop []string) []string {
	if len(drop) == 0 {
		return list
	}
	skip := make(map[string]bool, len(drop))
	for _, d := range drop {
		skip[d] = true
	}
	var out []string
	for _, s := range list {
		if !skip[s] {
			out = append(out, s)
		}
	}
	return out
}
