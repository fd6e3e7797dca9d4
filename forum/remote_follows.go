package forum

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/hearth/hearth/forum/markup"
	"github.com/hearth/hearth/models"
)

// Members follow fediverse accounts. The rules (who may look an account
// up, follow, see a followers-only post) live here; the network side
// (WebFinger, fetching the actor and its outbox, sending Follow, Undo and
// replies) is federation's, reached through the Fediverse interface that
// cmd/hearth installs, so forum imports nothing of it.

// Fediverse is what forum asks of federation for members following remote
// accounts. cmd/hearth installs federation's with SetFediverse; without one
// (tests, tools) only accounts already known can be shown, and following
// is refused.
type Fediverse interface {
	// ResolveAccount finds name@host by WebFinger, fetches its actor
	// through the SSRF-safe client, and stores it.
	ResolveAccount(ctx context.Context, name, host string) (*models.RemoteActor, error)
	// ResolveProfileURL finds the account a profile or actor URL names
	// (the URL's document, then the actor id it claims, fetched itself).
	ResolveProfileURL(ctx context.Context, rawURL string) (*models.RemoteActor, error)
	// FetchOutbox reads the first page of the actor's outbox (bounded)
	// and stores its public posts with StoreFollowedNote.
	FetchOutbox(ctx context.Context, a *models.RemoteActor) error
	// Follow records member u's follow of a and queues the Follow.
	Follow(ctx context.Context, u *models.User, a *models.RemoteActor) error
	// Unfollow removes it and queues the Undo{Follow}.
	Unfollow(ctx context.Context, u *models.User, a *models.RemoteActor) error
	// ReplySent queues the Create of member u's reply to parent (by
	// author); called inside the reply's transaction.
	ReplySent(ctx context.Context, u *models.User, reply, parent *models.FollowedNote, author *models.User) error
}

// SetFediverse installs federation's side of remote follows; call it
// while wiring, before requests are handled.
func (s *Service) SetFediverse(f Fediverse) { s.fedi = f }

// Follow states of a member towards a remote account.
const (
	FollowNone      = ""
	FollowRequested = "requested" // Follow sent, no Accept yet
	FollowAccepted  = "following"
)

// remoteNotesShown is how many posts a remote profile page shows.
const remoteNotesShown = 20

// outboxMaxAge is how long a profile page trusts its copy of an outbox
// before a member's visit reads it again (delivery keeps followed
// accounts current in between).
const outboxMaxAge = time.Hour

// RemoteAccount is a remote profile page: the account, its posts here and
// the viewer's follow of it.
type RemoteAccount struct {
	Actor  *models.RemoteActor
	User   *models.User // its users row: name and cached avatar
	Handle string       // name@host
	Bio    string       // sanitised HTML
	Notes  []models.FollowedNote
	Follow string // FollowNone, FollowRequested or FollowAccepted
}

// ParseRemoteHandle splits "name@host" (a leading @ allowed) into its
// parts; ok is false unless both are there and plausible.
func ParseRemoteHandle(handle string) (name, host string, ok bool) {
	handle = strings.TrimPrefix(strings.TrimSpace(handle), "@")
	name, host, found := strings.Cut(handle, "@")
	if !found || name == "" || host == "" || len(handle) > 300 ||
		strings.ContainsAny(name, "/?#@ ") || strings.ContainsAny(host, "/?#@ \\") {
		return "", "", false
	}
	return name, strings.ToLower(host), true
}

// RemoteAccount loads the remote profile page of handle (name@host). An
// account Hearth already knows is shown to anyone; an unknown one is
// looked up on its server only for a signed-in member (rate limited), so
// visitors cannot use the forum as an open fetch proxy. A member's visit
// also refreshes the account's posts from its outbox when they are older
// than outboxMaxAge. Accounts on suspended instances are not shown.
func (s *Service) RemoteAccount(ctx context.Context, viewer *models.User, handle string) (*RemoteAccount, error) {
	a, err := s.remoteAccountActor(ctx, viewer, handle)
	if err != nil {
		return nil, err
	}
	u, err := s.RemoteUser(ctx, a)
	if err != nil {
		return nil, err
	}
	if member(viewer) && s.fedi != nil && a.Outbox != "" &&
		(a.OutboxFetchedAt == nil || s.now().Sub(*a.OutboxFetchedAt) > outboxMaxAge) {
		// A failed read leaves the posts stored so far: the page still
		// answers, and the next visit tries again.
		_ = s.fedi.FetchOutbox(ctx, a)
	}
	notes, err := s.store.PublicNotesBy(ctx, u.ID, remoteNotesShown)
	if err != nil {
		return nil, err
	}
	ra := &RemoteAccount{Actor: a, User: u, Handle: models.RemoteUserHandle(a),
		Bio: markup.SanitizeHTML(a.Summary), Notes: notes}
	if member(viewer) {
		if ra.Follow, err = s.followState(ctx, viewer, a); err != nil {
			return nil, err
		}
	}
	return ra, nil
}

// member is a signed-in local member (remote authors' rows never sign in,
// but say so anyway).
func member(u *models.User) bool { return u != nil && !u.IsRemote() }

func (s *Service) followState(ctx context.Context, viewer *models.User, a *models.RemoteActor) (string, error) {
	f, err := s.store.FollowingOf(ctx, viewer.ID, a.ID)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return FollowNone, nil
	case err != nil:
		return "", err
	case f.Accepted:
		return FollowAccepted, nil
	}
	return FollowRequested, nil
}

// remoteAccountActor finds handle's actor: known here, or resolved for a
// member within the lookup limit.
func (s *Service) remoteAccountActor(ctx context.Context, viewer *models.User, handle string) (*models.RemoteActor, error) {
	name, host, ok := ParseRemoteHandle(handle)
	if !ok {
		return nil, ErrNotFound
	}
	if suspended, err := s.InstanceSuspended(ctx, host); err != nil {
		return nil, err
	} else if suspended {
		return nil, ErrNotFound
	}
	// A remote author's row is named name@host (RemoteUserHandle), which
	// is what links to the page: the usual way in.
	if u, err := s.store.UserByUsername(ctx, name+"@"+host); err == nil && u.IsRemote() && u.RemoteActorID != nil {
		return s.store.RemoteActorByID(ctx, *u.RemoteActorID)
	} else if err != nil && !errors.Is(err, models.ErrNotFound) {
		return nil, err
	}
	a, err := s.store.RemoteActorByHandle(ctx, name, host)
	if err == nil || !errors.Is(err, models.ErrNotFound) {
		return a, err
	}
	if !member(viewer) || s.fedi == nil {
		return nil, ErrNotFound
	}
	if err := s.lookups.allow(viewer.ID, s.now()); err != nil {
		return nil, err
	}
	a, err = s.fedi.ResolveAccount(ctx, name, host)
	if err != nil {
		// Unknown there, unreachable, or not an account: all a 404 here.
		return nil, ErrNotFound
	}
	return a, nil
}

// FollowRemoteAccount makes viewer follow handle's account (looked up as
// the profile page does) and returns the follow's state. Following again
// changes nothing.
func (s *Service) FollowRemoteAccount(ctx context.Context, viewer *models.User, handle string) (string, error) {
	if viewer == nil {
		return "", ErrUnauthorized
	}
	if viewer.IsRemote() {
		return "", ErrForbidden
	}
	if s.fedi == nil {
		return "", invalid("account", "errors.remote_follows.following_fediverse_not_available")
	}
	a, err := s.remoteAccountActor(ctx, viewer, handle)
	if err != nil {
		return "", err
	}
	if err := s.fedi.Follow(ctx, viewer, a); err != nil {
		return "", err
	}
	return s.followState(ctx, viewer, a)
}

// UnfollowRemoteAccount undoes viewer's follow of handle's account, if any.
func (s *Service) UnfollowRemoteAccount(ctx context.Context, viewer *models.User, handle string) error {
	if viewer == nil {
		return ErrUnauthorized
	}
	if viewer.IsRemote() {
		return ErrForbidden
	}
	// nil viewer: an account not known here is not resolved to be
	// unfollowed; nobody here follows it.
	a, err := s.remoteAccountActor(ctx, nil, handle)
	if err != nil {
		return err
	}
	if s.fedi == nil {
		return invalid("account", "errors.remote_follows.following_fediverse_not_available")
	}
	return s.fedi.Unfollow(ctx, viewer, a)
}

// Account lookups a member may start: each costs the forum a WebFinger
// query and an actor fetch on someone else's server.
const (
	lookupsPerWindow = 10
	lookupWindow     = 10 * time.Minute
)

// lookupLimiter counts each member's lookups of unknown accounts in a
// fixed window, per process: the limit is on outbound requests this
// process makes, which is what it protects.
type lookupLimiter struct {
	mu     sync.Mutex
	counts map[int64]lookupCount
}

type lookupCount struct {
	start time.Time
	n     int
}

func (l *lookupLimiter) allow(memberID int64, now time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.counts == nil || len(l.counts) > 10000 {
		l.counts = map[int64]lookupCount{}
	}
	c := l.counts[memberID]
	if now.Sub(c.start) >= lookupWindow || now.Before(c.start) {
		c = lookupCount{start: now}
	}
	if c.n >= lookupsPerWindow {
		return rateLimited(c.start.Add(lookupWindow).Sub(now), "errors.remote_follows.too_many_lookups")
	}
	c.n++
	l.counts[memberID] = c
	return nil
}

// FindRemoteAccount turns what a member typed to follow someone
// (@name@host, name@host, or a profile URL such as
// https://social.example/@name) into the handle of the account's page
// here. A URL is looked up on its server, so it takes a signed-in member
// and counts against their lookups.
func (s *Service) FindRemoteAccount(ctx context.Context, viewer *models.User, query string) (string, error) {
	if !member(viewer) {
		return "", ErrUnauthorized
	}
	query = strings.TrimSpace(query)
	malformed := invalid("account", "errors.remote_follows.give_account_name_host")
	if strings.HasPrefix(query, "https://") || strings.HasPrefix(query, "http://") {
		if httpURL(query) == "" || s.fedi == nil {
			return "", malformed
		}
		if err := s.lookups.allow(viewer.ID, s.now()); err != nil {
			return "", err
		}
		a, err := s.fedi.ResolveProfileURL(ctx, query)
		if err != nil {
			return "", invalid("account", "errors.remote_follows.no_fediverse_account_was")
		}
		if suspended, err := s.InstanceSuspended(ctx, a.Domain); err != nil {
			return "", err
		} else if suspended {
			return "", invalid("account", "errors.remote_follows.server_blocked")
		}
		if _, err := s.RemoteUser(ctx, a); err != nil {
			return "", err
		}
		return models.RemoteUserHandle(a), nil
	}
	name, host, ok := ParseRemoteHandle(query)
	if !ok {
		return "", malformed
	}
	return name + "@" + host, nil
}
