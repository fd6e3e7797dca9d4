package federation

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Outgoing private messages (issue 14 item 6). A message to fediverse
// accounts is a Create{Note} addressed to exactly its remote participants:
// each actor id in to, nothing in cc, no Public, no followers. Each also
// gets a Mention tag, as Mastodon's own direct messages carry one: its
// create.rb turns addressed accounts into mentions and, with no Public
// and no followers collection in the audience, gives the status "direct"
// visibility. inReplyTo names the previous message, so the remote side
// threads the conversation, and the remote answer (inReplyTo one of
// ours) continues it here (addressing.go, forum.ReceivePrivateMessage).

// MessageHooks returns the forum.MessageHooks that resolve fediverse
// recipients and queue private messages for them; cmd/hearth installs it
// with forum.Service.SetMessageHooks.
func (f *Federation) MessageHooks() forum.MessageHooks { return messageOut{f} }

type messageOut struct{ f *Federation }

// ResolveAccount finds the users row of name@host: stored already, or
// through WebFinger and a signed fetch of the actor. Blocked accounts
// and instances are not found (a member cannot write to them).
func (o messageOut) ResolveAccount(ctx context.Context, handle string) (*models.User, error) {
	f := o.f
	name, host, ok := strings.Cut(strings.TrimPrefix(handle, "@"), "@")
	if !ok || name == "" || host == "" || strings.ContainsAny(name, "/?#@ ") || strings.ContainsAny(host, "/?#@ ") {
		return nil, forum.ErrNotFound
	}
	if strings.EqualFold(host, f.host) {
		return nil, forum.ErrNotFound // a local name has no @host
	}
	var u *models.User
	if stored, err := f.store.UserByUsername(ctx, handle); err == nil && stored.IsRemote() {
		u = stored
	} else {
		actorID, err := f.webfingerActor(ctx, name, host)
		if err != nil {
			f.log.Info("messages: could not resolve an account", "handle", handle, "error", err)
			return nil, forum.ErrNotFound
		}
		a, err := f.remoteActor(ctx, actorID, false)
		if err != nil {
			f.log.Info("messages: could not fetch an actor", "actor", actorID, "error", err)
			return nil, forum.ErrNotFound
		}
		if u, err = f.svc.RemoteUser(ctx, a); err != nil {
			return nil, err
		}
	}
	if refused, err := f.svc.InboundRefused(ctx, u.Domain, u.RemoteURL); err != nil {
		return nil, err
	} else if refused {
		return nil, forum.ErrNotFound
	}
	return u, nil
}

// MessageCreated queues the message's Create to each remote participant's
// inbox (their own, not the shared one: a direct message is for them).
func (o messageOut) MessageCreated(ctx context.Context, c *models.Conversation, m *models.Message, remote []*models.User) error {
	f := o.f
	author, err := f.store.UserByID(ctx, m.UserID)
	if err != nil {
		return err
	}
	ref := f.userRef(author)
	var to, tags []any
	var inboxes []string
	for _, u := range remote {
		if u.RemoteURL == "" {
			continue
		}
		a, err := f.store.RemoteActorByAPID(ctx, u.RemoteURL)
		if errors.Is(err, models.ErrNotFound) {
			continue
		} else if err != nil {
			return err
		}
		if refused, err := f.svc.InboundRefused(ctx, a.Domain, a.APID); err != nil {
			return err
		} else if refused {
			continue
		}
		to = append(to, a.APID)
		tags = append(tags, map[string]any{"type": "Mention", "href": a.APID, "name": "@" + u.Username})
		inboxes = append(inboxes, a.Inbox)
	}
	if len(inboxes) == 0 {
		return nil
	}
	id := f.messageAPID(m)
	note := map[string]any{
		"id": id, "type": "Note", "attributedTo": ref.url,
		"content": m.HTML, "published": m.CreatedAt.UTC().Format(time.RFC3339),
		"to": to, "cc": []any{}, "tag": tags,
	}
	if prev, err := f.svc.PreviousMessage(ctx, m); err != nil {
		return err
	} else if prev != nil {
		note["inReplyTo"] = f.messageAPID(prev)
	}
	act := f.wrapActivity("Create", id+"#create", ref, note, m.CreatedAt)
	return f.enqueue(ctx, ref, act, inboxes)
}

// messageAPID is a message's ActivityPub id: its own for one received,
// {URL}/pm/{id} for one written here.
func (f *Federation) messageAPID(m *models.Message) string {
	if m.APID != nil {
		return *m.APID
	}
	return f.base + "/pm/" + strconv.FormatInt(m.ID, 10)
}

// messageRef reads a private Note's inReplyTo for forum.
func (f *Federation) messageRef(id string) forum.MessageRef {
	if rest, ok := strings.CutPrefix(stripFragment(id), f.base+"/pm/"); ok {
		n, _ := strconv.ParseInt(rest, 10, 64)
		return forum.MessageRef{LocalID: n}
	}
	return forum.MessageRef{APID: id}
}
