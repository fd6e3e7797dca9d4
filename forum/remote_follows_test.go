package forum_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

func TestParseRemoteHandle(t *testing.T) {
	cases := []struct {
		in, name, host string
		ok             bool
	}{
		{"mia@social.example", "mia", "social.example", true},
		{"@Mia@Social.Example", "Mia", "social.example", true},
		{"mia@127.0.0.1:8080", "mia", "127.0.0.1:8080", true},
		{"mia", "", "", false},
		{"@social.example", "", "", false},
		{"mia@", "", "", false},
		{"mia@a@b", "", "", false},
		{"mia@host/path", "", "", false},
		{"m/ia@host", "", "", false},
		{"mia@host?x=1", "", "", false},
	}
	for _, c := range cases {
		name, host, ok := forum.ParseRemoteHandle(c.in)
		if ok != c.ok || name != c.name || host != c.host {
			t.Errorf("ParseRemoteHandle(%q) = %q %q %v, want %q %q %v", c.in, name, host, ok, c.name, c.host, c.ok)
		}
	}
}

// countingFediverse resolves nothing and counts what it is asked.
type countingFediverse struct {
	store           *models.Store
	resolves, reads int
	now             func() time.Time
}

func (f *countingFediverse) ResolveAccount(context.Context, string, string) (*models.RemoteActor, error) {
	f.resolves++
	return nil, errors.New("no such account")
}
func (f *countingFediverse) ResolveProfileURL(context.Context, string) (*models.RemoteActor, error) {
	f.resolves++
	return nil, errors.New("no such account")
}
func (f *countingFediverse) FetchOutbox(ctx context.Context, a *models.RemoteActor) error {
	f.reads++
	return f.store.SetOutboxFetched(ctx, a.ID, f.now())
}
func (f *countingFediverse) Follow(context.Context, *models.User, *models.RemoteActor) error {
	return nil
}
func (f *countingFediverse) Unfollow(context.Context, *models.User, *models.RemoteActor) error {
	return nil
}
func (f *countingFediverse) ReplySent(context.Context, *models.User, *models.FollowedNote, *models.FollowedNote, *models.User) error {
	return nil
}

// TestRemoteAccountLookups: only members make the forum look accounts up,
// at most lookupsPerWindow per window each; suspended instances are never
// looked up; a known account's outbox is read again only once stale.
func TestRemoteAccountLookups(t *testing.T) {
	env := forumtest.New(t)
	start := env.Svc.Now()
	clk := newClock(env)
	clk.set(start)
	fake := &countingFediverse{store: env.Store, now: env.Svc.Now}
	env.Svc.SetFediverse(fake)
	alice := env.User("alice", models.RoleMember)
	bob := env.User("bob", models.RoleMember)
	boss := env.User("boss", models.RoleAdmin)

	if _, err := env.Svc.RemoteAccount(env.Ctx, nil, "x@far.example"); !errors.Is(err, forum.ErrNotFound) || fake.resolves != 0 {
		t.Fatalf("visitor: %v, %d lookups", err, fake.resolves)
	}
	for i := range 10 {
		if _, err := env.Svc.RemoteAccount(env.Ctx, alice, "x@far.example"); !errors.Is(err, forum.ErrNotFound) {
			t.Fatalf("lookup %d: %v", i, err)
		}
	}
	var rl *forum.RateLimitError
	if _, err := env.Svc.RemoteAccount(env.Ctx, alice, "x@far.example"); !errors.As(err, &rl) || fake.resolves != 10 {
		t.Fatalf("11th lookup: %v, %d lookups", err, fake.resolves)
	}
	// Another member has their own allowance; the window passes.
	if _, err := env.Svc.RemoteAccount(env.Ctx, bob, "x@far.example"); !errors.Is(err, forum.ErrNotFound) || fake.resolves != 11 {
		t.Fatalf("bob: %v, %d lookups", err, fake.resolves)
	}
	clk.add(11 * time.Minute)
	if _, err := env.Svc.RemoteAccount(env.Ctx, alice, "x@far.example"); !errors.Is(err, forum.ErrNotFound) || fake.resolves != 12 {
		t.Fatalf("after the window: %v, %d lookups", err, fake.resolves)
	}
	// A suspended instance is not looked up, and its known accounts 404.
	known := env.RemoteUser("mia", "blocked.example")
	_, err := env.Svc.BlockInstance(env.Ctx, boss, "blocked.example", "suspend", "spam")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"x@blocked.example", known.Username} {
		if _, err := env.Svc.RemoteAccount(env.Ctx, bob, h); !errors.Is(err, forum.ErrNotFound) || fake.resolves != 12 {
			t.Errorf("%s on a suspended instance: %v, %d lookups", h, err, fake.resolves)
		}
	}

	// Outbox: read on a member's visit, again only after outboxMaxAge.
	ra := env.RemoteUser("rin", "social.example")
	if err := env.Store.DB(env.Ctx).Model(&models.RemoteActor{}).Where("id = ?", *ra.RemoteActorID).
		Update("outbox", "https://social.example/users/rin/outbox").Error; err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{0, 1, 1} {
		viewer := alice
		if i == 0 {
			viewer = nil // visitors never cause a fetch
		}
		if _, err := env.Svc.RemoteAccount(env.Ctx, viewer, "rin@social.example"); err != nil || fake.reads != want {
			t.Fatalf("visit %d: %v, %d outbox reads, want %d", i, err, fake.reads, want)
		}
	}
	clk.add(61 * time.Minute)
	if _, err := env.Svc.RemoteAccount(env.Ctx, alice, "rin@social.example"); err != nil || fake.reads != 2 {
		t.Fatalf("stale outbox: %v, %d reads", err, fake.reads)
	}
}
