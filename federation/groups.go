package federation

import (
	"context"
	"fmt"
	"strings"

	"github.com/hearth/hearth/models"
)

// FEP-1b12 group-aware followers. Lemmy, NodeBB, PieFed, Mbin and
// Friendica-style groups expect a Group to relay every activity in it
// (Announce{Create}, Announce{Update}, Announce{Delete}), while Mastodon
// shows each Announce as a boost, so only the thread start may be
// announced to it, and as the bare Note.
//
// Which followers are group-aware is a heuristic, chosen to be free at
// fan-out time: the follower actor's ActivityStreams type, cached on
// remote_actors.actor_type whenever the actor is fetched (cacheActor).
// Groups and Applications (a group or relay following a group, as those
// servers do to mirror one) are group-aware; Persons are not. A Lemmy
// user following from a Person actor is therefore treated like a Mastodon
// user and sees thread starts only. Checking the server's NodeInfo
// software name would catch those too, at the cost of a fetch per server;
// it is not done yet.
var groupAwareTypes = []string{"Group", "Application"}

// groupAwareInboxes lists the inboxes of the category's followers that
// get every activity in it announced.
func (f *Federation) groupAwareInboxes(ctx context.Context, cat actorRef) ([]string, error) {
	return f.store.GroupAwareFollowerInboxes(ctx, cat.kind, cat.id, groupAwareTypes)
}

// announceToGroups queues the category's Announce of act, the whole
// activity, to the group-aware inboxes.
func (f *Federation) announceToGroups(ctx context.Context, aud audience, p *models.Post, act map[string]any) error {
	if len(aud.groupInboxes) == 0 {
		return nil
	}
	inner := make(map[string]any, len(act))
	for k, v := range act {
		if k != "@context" { // the Announce carries it, once
			inner[k] = v
		}
	}
	innerID, _ := act["id"].(string)
	fragment := strings.ToLower(fmt.Sprint(act["type"]))
	if i := strings.IndexByte(innerID, '#'); i >= 0 {
		fragment = innerID[i+1:]
	}
	announce := map[string]any{
		"@context":  jsonLDContext,
		"id":        fmt.Sprintf("%s/announce/%d#%s", aud.category.url, p.ID, fragment),
		"type":      "Announce",
		"actor":     aud.category.url,
		"published": act["published"],
		"to":        []any{publicAddress},
		"cc":        []any{aud.category.followers()},
		"object":    inner,
	}
	return f.enqueue(ctx, aud.category, announce, aud.groupInboxes)
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
