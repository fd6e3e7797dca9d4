package federation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Members moving out and in (forum/account_moves.go decides; this is the
// wire): resolving the other account, the Move to the member's followers,
// and the actor document's alsoKnownAs and movedTo.

// resolveTimeout bounds a member's account lookup, which a form waits for.
const resolveTimeout = 15 * time.Second

// ResolveAccount finds a fediverse account by handle (@name@host or
// name@host, through WebFinger) or actor URL, and fetches its actor fresh
// (its aliases may have just changed), through the SSRF-safe client.
func (f *Federation) ResolveAccount(ctx context.Context, handle string) (forum.AliasedAccount, error) {
	ctx, cancel := context.WithTimeout(ctx, resolveTimeout)
	defer cancel()
	id := handle
	if !strings.HasPrefix(handle, "https://") && !strings.HasPrefix(handle, "http://") {
		var err error
		if id, err = f.webfingerHandle(ctx, handle); err != nil {
			return forum.AliasedAccount{}, err
		}
	}
	if absoluteURL(id) == "" {
		return forum.AliasedAccount{}, fmt.Errorf("not an actor id: %q", id)
	}
	if refused, err := f.svc.InboundRefused(ctx, hostOf(id), id); err != nil {
		return forum.AliasedAccount{}, err
	} else if refused {
		return forum.AliasedAccount{}, fmt.Errorf("%s is blocked here", id)
	}
	a, err := f.remoteActor(ctx, stripFragment(id), true)
	if err != nil {
		return forum.AliasedAccount{}, err
	}
	return forum.AliasedAccount{ID: a.APID, Aliases: a.Aliases()}, nil
}

// MemberMoved sends the member's Move to every server that follows them,
// signed by the member: those servers have their users follow target.
func (o outbox) MemberMoved(ctx context.Context, u *models.User, target string) error {
	f := o.f
	ref := f.userRef(u)
	inboxes, err := f.store.FollowerInboxes(ctx, ref.kind, ref.id)
	if err != nil || len(inboxes) == 0 {
		return err
	}
	move := map[string]any{
		"@context": asProfile,
		"id":       ref.url + "#moves/" + f.now().UTC().Format("20060102T150405Z"),
		"type":     "Move",
		"actor":    ref.url,
		"object":   ref.url,
		"target":   target,
		"to":       []any{ref.followers()},
	}
	return f.enqueue(ctx, ref, move, inboxes)
}

// moveContext defines alsoKnownAs and movedTo as Mastodon's actor
// @context does; it is added only to actors that carry them, so every
// other document keeps the one shared @context.
var moveContext = map[string]any{
	"alsoKnownAs": map[string]string{"@id": "as:alsoKnownAs", "@type": "@id"},
	"movedTo":     map[string]string{"@id": "as:movedTo", "@type": "@id"},
}

// addMoveFields puts a member's aliases and new home on their actor.
func addMoveFields(m map[string]any, u *models.User) {
	aliases := u.Aliases()
	if len(aliases) == 0 && u.MovedTo == "" {
		return
	}
	if len(aliases) > 0 {
		list := make([]any, len(aliases))
		for i, a := range aliases {
			list[i] = a
		}
		m["alsoKnownAs"] = list
	}
	if u.MovedTo != "" {
		m["movedTo"] = u.MovedTo
	}
	if ctx, ok := m["@context"].([]any); ok {
		m["@context"] = append(append([]any{}, ctx...), moveContext)
	}
}

// webfingerHandle is webfingerActor for a handle written @name@host (or
// acct:name@host).
func (f *Federation) webfingerHandle(ctx context.Context, handle string) (string, error) {
	acct := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(handle), "acct:"), "@")
	name, host, ok := strings.Cut(acct, "@")
	if !ok || name == "" || host == "" || strings.ContainsAny(host, "/?#@ ") {
		return "", fmt.Errorf("not a handle: %q", handle)
	}
	return f.webfingerActor(ctx, name, host)
}
