package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Members following fediverse accounts: federation's side of
// forum.Fediverse (installed by cmd/hearth with SetFediverse). Lookups and
// outbox reads go through the same SSRF-safe client as every fetch.

// maxOutboxItems bounds how many posts one outbox read stores.
const maxOutboxItems = 20

// Fediverse returns federation's side of remote follows for
// forum.Service.SetFediverse.
func (f *Federation) Fediverse() forum.Fediverse { return remoteFollows{f} }

type remoteFollows struct{ f *Federation }

// ResolveAccount turns name@host into a stored actor: WebFinger at host
// (https; http too only where private addresses are allowed, as in labs),
// then the actor document its self link names, fetched and checked as
// every actor is (it must claim the id it was fetched from).
func (r remoteFollows) ResolveAccount(ctx context.Context, name, host string) (*models.RemoteActor, error) {
	f := r.f
	href, err := f.webfingerActor(ctx, name, host)
	if err != nil {
		return nil, err
	}
	a, err := f.remoteActor(ctx, href, true)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(a.PreferredUsername, name) {
		return nil, fmt.Errorf("webfinger %s@%s names %s, whose preferredUsername is %q", name, host, a.APID, a.PreferredUsername)
	}
	u, err := f.svc.RemoteUser(ctx, a)
	if err != nil {
		return nil, err
	}
	f.syncAvatar(ctx, u)
	return a, nil
}

// ResolveProfileURL finds the account a profile page or actor URL names:
// the URL is fetched as ActivityPub (Mastodon answers /@name with the
// actor), and the actor id the document claims is then fetched itself, as
// every actor is, so a page cannot pass off someone else's actor.
func (r remoteFollows) ResolveProfileURL(ctx context.Context, rawURL string) (*models.RemoteActor, error) {
	f := r.f
	body, err := f.signedGet(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	var doc struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.ID == "" {
		return nil, fmt.Errorf("%s is not an ActivityPub document", rawURL)
	}
	a, err := f.remoteActor(ctx, doc.ID, true)
	if err != nil {
		return nil, err
	}
	u, err := f.svc.RemoteUser(ctx, a)
	if err != nil {
		return nil, err
	}
	f.syncAvatar(ctx, u)
	return a, nil
}

// webfingerActor asks host's WebFinger for acct:name@host and returns the
// actor id its self link names: over https, and plain http too only where
// --federation-allow-private allows http peers (labs and tests).
func (f *Federation) webfingerActor(ctx context.Context, name, host string) (string, error) {
	schemes := []string{"https"}
	if f.cfg.FederationAllowPrivate {
		schemes = append(schemes, "http")
	}
	var href string
	var err error
	for _, scheme := range schemes {
		if href, err = f.webfingerSelf(ctx, scheme, name, host); err == nil {
			break
		}
	}
	return href, err
}

// webfingerSelf asks host's WebFinger for acct:name@host and returns the
// ActivityPub actor its self link names.
func (f *Federation) webfingerSelf(ctx context.Context, scheme, name, host string) (string, error) {
	u := &url.URL{Scheme: scheme, Host: host, Path: "/.well-known/webfinger",
		RawQuery: "resource=" + url.QueryEscape("acct:"+name+"@"+host)}
	if err := checkURL(u, f.cfg.FederationAllowPrivate); err != nil {
		return "", err
	}
	resp, err := f.doSignedGet(ctx, u, "application/jrd+json, application/json")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("webfinger %s: status %d", u.Redacted(), resp.StatusCode)
	}
	body, err := readLimited(resp.Body)
	if err != nil {
		return "", err
	}
	var doc jrd
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("webfinger %s: %w", u.Redacted(), err)
	}
	for _, l := range doc.Links {
		if l.Rel == relSelf && isActivityMediaType(l.Type) && l.Href != "" {
			return l.Href, nil
		}
	}
	return "", fmt.Errorf("webfinger %s: no ActivityPub actor", u.Redacted())
}

// FetchOutbox reads the first page of a's outbox and stores its public
// posts (at most maxOutboxItems): the posts a profile page shows before
// anyone here follows the account. Boosts and non-public posts are skipped.
// The read time is recorded first, so a failing outbox is not read again
// on every visit.
func (r remoteFollows) FetchOutbox(ctx context.Context, a *models.RemoteActor) error {
	f := r.f
	if err := f.store.SetOutboxFetched(ctx, a.ID, f.now()); err != nil {
		return err
	}
	if a.Outbox == "" || !strings.EqualFold(hostOf(a.Outbox), a.Domain) {
		return nil
	}
	body, err := f.signedGet(ctx, a.Outbox)
	if err != nil {
		return err
	}
	var coll struct {
		First        json.RawMessage   `json:"first"`
		OrderedItems []json.RawMessage `json:"orderedItems"`
		Items        []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(body, &coll); err != nil {
		return fmt.Errorf("outbox %s: %w", a.Outbox, err)
	}
	items := append(coll.OrderedItems, coll.Items...)
	if len(items) == 0 && len(coll.First) > 0 {
		page := []byte(coll.First)
		if first := idOf(coll.First); first != "" && coll.First[0] == '"' {
			if !strings.EqualFold(hostOf(first), a.Domain) {
				return fmt.Errorf("outbox %s: first page on another host", a.Outbox)
			}
			if page, err = f.signedGet(ctx, first); err != nil {
				return err
			}
		}
		var p struct {
			OrderedItems []json.RawMessage `json:"orderedItems"`
			Items        []json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal(page, &p); err != nil {
			return fmt.Errorf("outbox %s: %w", a.Outbox, err)
		}
		items = append(p.OrderedItems, p.Items...)
	}
	u, err := f.svc.RemoteUser(ctx, a)
	if err != nil {
		return err
	}
	f.syncAvatar(ctx, u)
	for i, raw := range items {
		if i == maxOutboxItems {
			break
		}
		act, err := parseActivity(raw)
		if err != nil || act.Type != "Create" || act.Actor != a.APID {
			continue
		}
		in, ok := followedNote(act.Object, a)
		if !ok || !in.Public {
			continue
		}
		if err := refusedIsDone(f.svc.StoreFollowedNote(ctx, u, in)); err != nil {
			return err
		}
	}
	return nil
}

// followedNote reads a Note by a for the Following feed: ok is false for
// anything else (another type, another author, a link instead of the
// object) and for a post addressed neither to everyone nor to a's
// followers (a direct message is not a feed post).
func followedNote(raw json.RawMessage, a *models.RemoteActor) (forum.FollowedNoteInput, bool) {
	note, err := parseNote(raw)
	if err != nil || note.typ() != "Note" || note.attributedTo() != a.APID || !strings.EqualFold(hostOf(note.ID), a.Domain) {
		return forum.FollowedNoteInput{}, false
	}
	var extra struct {
		URL     json.RawMessage `json:"url"`
		Summary *string         `json:"summary"`
	}
	_ = json.Unmarshal(raw, &extra) // parseNote read the same object
	public, ok := followedNoteAudience(raw, a)
	if !ok {
		return forum.FollowedNoteInput{}, false
	}
	published, _ := time.Parse(time.RFC3339, note.Published)
	in := forum.FollowedNoteInput{APID: note.ID, InReplyTo: note.inReplyTo(), HTML: note.Content,
		URL: firstID(extra.URL), Public: public, Published: published}
	if extra.Summary != nil {
		in.Summary = *extra.Summary
	}
	return in, true
}

// followedNoteAudience reads an object's to and cc: public when Public is
// there; ok when it is public or addressed to a's followers collection.
func followedNoteAudience(raw json.RawMessage, a *models.RemoteActor) (public, ok bool) {
	var aud struct {
		To json.RawMessage `json:"to"`
		Cc json.RawMessage `json:"cc"`
	}
	if json.Unmarshal(raw, &aud) != nil {
		return false, false
	}
	followers := false
	for _, id := range append(idList(aud.To), idList(aud.Cc)...) {
		switch {
		case id == publicAddress || id == "as:Public" || id == "Public":
			public = true
		case a.FollowersURL != "" && id == a.FollowersURL:
			followers = true
		}
	}
	return public, public || followers
}

// idList reads an audience property: one id or a list of them.
func idList(raw json.RawMessage) []string {
	if id := idOf(raw); id != "" {
		return []string{id}
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return nil
	}
	ids := make([]string, 0, len(list))
	for _, item := range list {
		if id := idOf(item); id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// Follow records u's follow of a and queues the Follow (FollowRemote).
func (r remoteFollows) Follow(ctx context.Context, u *models.User, a *models.RemoteActor) error {
	return r.f.FollowRemote(ctx, u, a.APID)
}

// Unfollow removes u's follow of a and queues the Undo{Follow}.
func (r remoteFollows) Unfollow(ctx context.Context, u *models.User, a *models.RemoteActor) error {
	return r.f.UnfollowRemote(ctx, u, a.APID)
}

// ReplySent queues the Create{Note} of u's reply to a followed account's
// post: to the post's author (addressed and mentioned, as Mastodon does
// for a reply) and, when the post was public, to everyone, the reply then
// also reaching u's followers. A reply to a followers-only post goes to
// its author alone.
func (r remoteFollows) ReplySent(ctx context.Context, u *models.User, reply, parent *models.FollowedNote, author *models.User) error {
	f := r.f
	if author == nil || author.RemoteActorID == nil {
		return errors.New("federation: a reply to a post with no remote author")
	}
	remote, err := f.store.RemoteActorByID(ctx, *author.RemoteActorID)
	if err != nil {
		return err
	}
	ref := f.userRef(u)
	to, cc := []any{remote.APID}, []any{}
	inboxes := []string{remote.DeliveryInbox()}
	if parent.Public {
		to, cc = []any{publicAddress}, []any{ref.followers(), remote.APID}
		followers, err := f.store.FollowerInboxes(ctx, models.ActorTypeUser, u.ID)
		if err != nil {
			return err
		}
		inboxes = append(inboxes, followers...)
	}
	note := feedReplyNote(ref, reply, parent, remote.APID, models.RemoteUserHandle(remote), to, cc)
	act := f.wrapActivity("Create", reply.APID+"#create", ref, note, reply.PublishedAt)
	return f.enqueue(ctx, ref, act, inboxes)
}

// onFollowedCreate keeps a post of an account members follow for their
// Following feed: public, or addressed to the account's followers. Anything
// else (an account nobody follows, a direct message) is not the feed's.
func (f *Federation) onFollowedCreate(ctx context.Context, act *activity) error {
	a, err := f.store.RemoteActorByAPID(ctx, act.Actor)
	if errors.Is(err, models.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if followed, err := f.store.FollowedLocally(ctx, a.ID); err != nil || !followed {
		return err
	}
	in, ok := followedNote(act.Object, a)
	if !ok {
		return nil
	}
	u, err := f.remoteUser(ctx, act.Actor)
	if err != nil {
		return err
	}
	f.syncAvatar(ctx, u)
	return refusedIsDone(f.svc.StoreFollowedNote(ctx, u, in))
}

// feedReplyNote is a member's reply to a followed account's post as a
// Note, mentioning that account as Mastodon's replies do.
func feedReplyNote(ref actorRef, reply, parent *models.FollowedNote, authorID, authorHandle string, to, cc []any) map[string]any {
	return map[string]any{
		"@context":     jsonLDContext,
		"id":           reply.APID,
		"type":         "Note",
		"attributedTo": ref.url,
		"inReplyTo":    parent.APID,
		"content":      reply.HTML,
		"published":    reply.PublishedAt.UTC().Format(time.RFC3339),
		"url":          reply.APID,
		"to":           to,
		"cc":           cc,
		"tag":          []any{map[string]any{"type": "Mention", "href": authorID, "name": "@" + authorHandle}},
	}
}

// feedReply answers a member's public reply's id (negotiated from
// /u/{name}/notes/{id}) with its Note, so servers and people who follow
// the link from the replied-to post find it.
func (f *Federation) feedReply(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return notFound(c)
	}
	fr, err := f.svc.FollowedReply(c.Request().Context(), c.Param("username"), id)
	if errors.Is(err, forum.ErrNotFound) {
		return notFound(c)
	} else if err != nil {
		return f.serverError(c, err)
	}
	ref := f.userRef(fr.Author)
	handle := strings.TrimPrefix(fr.ParentAuthor.Username, "@")
	note := feedReplyNote(ref, fr.Reply, fr.Parent, fr.ParentAuthor.RemoteURL, handle,
		[]any{publicAddress}, []any{ref.followers(), fr.ParentAuthor.RemoteURL})
	return writeActivity(c, http.StatusOK, note)
}
