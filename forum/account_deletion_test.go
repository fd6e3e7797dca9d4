package forum_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// deletionHooks records what federation would hear.
type deletionHooks struct {
	mu          sync.Mutex
	postDeletes []int64
	accounts    []string // usernames as they were when erased
}

func (h *deletionHooks) ThreadCreated(context.Context, *models.Thread, *models.Post) error {
	return nil
}
func (h *deletionHooks) PostCreated(context.Context, *models.Thread, *models.Post) error { return nil }
func (h *deletionHooks) PostEdited(context.Context, *models.Post) error                  { return nil }
func (h *deletionHooks) PostDeleted(_ context.Context, p *models.Post) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.postDeletes = append(h.postDeletes, p.ID)
	return nil
}
func (h *deletionHooks) AccountDeleted(_ context.Context, u *models.User) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.accounts = append(h.accounts, u.Username)
	return nil
}

type deletionScene struct {
	*forumtest.Env
	now          time.Time
	hooks        *deletionHooks
	alice, mod   *models.User
	first, reply *models.Post
	flagID       int64
}

func newDeletionScene(t *testing.T, policy string) *deletionScene {
	env := forumtest.New(t)
	if policy != "" {
		cfg := env.Cfg
		cfg.AccountDeletionPosts = policy
		svc := forum.New(env.Store, cfg)
		svc.BcryptCost = 4
		env.Svc, env.Cfg = svc, cfg
	}
	sc := &deletionScene{Env: env, now: time.Now().UTC().Truncate(time.Second), hooks: &deletionHooks{}}
	sc.Svc.SetClock(func() time.Time { return sc.now })
	sc.Svc.SetHooks(sc.hooks)
	sc.alice = sc.User("alice", models.RoleMember)
	sc.mod = sc.User("molly", models.RoleModerator)
	bob := sc.User("bob", models.RoleMember)
	sc.Category("general")
	var th *models.Thread
	th, sc.first = sc.Thread(sc.alice, "general", "Alice's thread", "alice wrote this")
	sc.reply = sc.Reply(sc.alice, th.ID, "and this reply")
	sc.Reply(bob, th.ID, "bob answers")
	if err := sc.Svc.SetBookmark(sc.Ctx, sc.alice, th.ID, true); err != nil {
		t.Fatal(err)
	}
	f, err := sc.Svc.FlagPost(sc.Ctx, bob, sc.reply.ID, "spam", "")
	if err != nil {
		t.Fatal(err)
	}
	sc.flagID = f.ID
	if _, err := sc.Svc.Warn(sc.Ctx, sc.mod, "alice", 0, "be kind"); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.Svc.StartSession(sc.Ctx, sc.alice.ID, "127.0.0.1", "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.Svc.CreateToken(sc.Ctx, sc.alice.ID, "script"); err != nil {
		t.Fatal(err)
	}
	return sc
}

func (sc *deletionScene) schedule(t *testing.T, posts string) time.Time {
	t.Helper()
	at, err := sc.Svc.ScheduleAccountDeletion(sc.Ctx, sc.alice, forum.DeleteAccountInput{Password: "password123", Posts: posts, Addr: "127.0.0.1"})
	if err != nil {
		t.Fatalf("schedule deletion: %v", err)
	}
	return at
}

func (sc *deletionScene) run(t *testing.T) int {
	t.Helper()
	n, err := sc.Svc.RunAccountDeletions(sc.Ctx, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (sc *deletionScene) count(t *testing.T, table string) int64 {
	t.Helper()
	var n int64
	if err := sc.Store.DB(sc.Ctx).Table(table).Where("user_id = ?", sc.alice.ID).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAccountDeletionWrongPasswordRefused(t *testing.T) {
	sc := newDeletionScene(t, "")
	cases := []struct{ name, password, posts, field string }{
		{"wrong password", "nope-nope", "keep", "password"},
		{"no password", "", "keep", "password"},
		{"no choice", "password123", "", "posts"},
		{"unknown choice", "password123", "shred", "posts"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := sc.Svc.ScheduleAccountDeletion(sc.Ctx, sc.alice, forum.DeleteAccountInput{Password: c.password, Posts: c.posts, Addr: "127.0.0.1"})
			v, ok := forum.AsValidation(err)
			if !ok || v.Fields[c.field] == "" {
				t.Fatalf("got %v, want a validation error on %s", err, c.field)
			}
		})
	}
	u, _ := sc.Store.UserByID(sc.Ctx, sc.alice.ID)
	if u.DeleteAt != nil || sc.count(t, "sessions") != 1 {
		t.Fatalf("a refused deletion changed the account: delete_at %v", u.DeleteAt)
	}
	if _, err := sc.Svc.ScheduleAccountDeletion(sc.Ctx, nil, forum.DeleteAccountInput{}); !errors.Is(err, forum.ErrUnauthorized) {
		t.Fatalf("visitor: %v", err)
	}
}

func TestAccountDeletionGraceThenErasure(t *testing.T) {
	for _, posts := range []string{models.DeletePostsKeep, models.DeletePostsErase} {
		t.Run(posts, func(t *testing.T) {
			sc := newDeletionScene(t, "")
			at := sc.schedule(t, posts)
			if want := sc.now.Add(forum.DefaultAccountDeletionGrace); !at.Equal(want) {
				t.Fatalf("deletion at %v, want %v", at, want)
			}
			// Signed out everywhere.
			if sc.count(t, "sessions") != 0 || sc.count(t, "tokens") != 0 {
				t.Fatal("sessions or tokens survived the deletion request")
			}
			// Logging in during the grace period works (the page offers
			// to cancel) and says when.
			r, err := sc.Svc.LogIn(sc.Ctx, forum.LoginInput{Login: "alice", Password: "password123", Addr: "127.0.0.1"})
			if err != nil || r.User.DeleteAt == nil || !r.User.DeleteAt.Equal(at) {
				t.Fatalf("login during grace: %+v, %v", r, err)
			}
			sc.now = at.Add(-time.Minute)
			if n := sc.run(t); n != 0 {
				t.Fatalf("erased %d accounts before the grace period ended", n)
			}
			sc.now = at
			if n := sc.run(t); n != 1 {
				t.Fatalf("erased %d accounts, want 1", n)
			}
			if len(sc.hooks.accounts) != 1 || sc.hooks.accounts[0] != "alice" {
				t.Fatalf("AccountDeleted hook calls = %v", sc.hooks.accounts)
			}
			u, err := sc.Store.UserByID(sc.Ctx, sc.alice.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantName := fmt.Sprintf("deleted-%d", sc.alice.ID)
			if u.Username != wantName || u.Email != "" || u.PasswordHash != "" || u.Bio != "" || u.Name() != forum.DeletedMemberName || u.ErasedAt == nil || u.DeleteAt != nil {
				t.Fatalf("erased user = %+v", u)
			}
			for _, table := range []string{"sessions", "tokens", "notifications", "bookmarks", "notification_levels"} {
				if n := sc.count(t, table); n != 0 {
					t.Errorf("%s: %d rows left", table, n)
				}
			}
			if _, err := sc.Svc.LogIn(sc.Ctx, forum.LoginInput{Login: "alice", Password: "password123", Addr: "127.0.0.1"}); err == nil {
				t.Fatal("an erased account logged in")
			}
			if _, err := sc.Svc.LogIn(sc.Ctx, forum.LoginInput{Login: wantName, Password: "", Addr: "127.0.0.1"}); err == nil {
				t.Fatal("the tombstone logged in with an empty password")
			}
			// Moderation records keep their rows, under the tombstone.
			var flags, warnings int64
			sc.Store.DB(sc.Ctx).Table("flags").Where("id = ?", sc.flagID).Count(&flags)
			sc.Store.DB(sc.Ctx).Table("warnings").Where("user_id = ?", sc.alice.ID).Count(&warnings)
			if flags != 1 || warnings != 1 {
				t.Fatalf("moderation records: flags %d warnings %d", flags, warnings)
			}

			for _, p := range []*models.Post{sc.first, sc.reply} {
				got, err := sc.Store.PostByID(sc.Ctx, p.ID)
				if err != nil {
					t.Fatal(err)
				}
				switch posts {
				case models.DeletePostsKeep:
					if got.DeletedAt != nil || got.Body != p.Body {
						t.Errorf("kept post %d: deleted %v body %q", p.ID, got.DeletedAt, got.Body)
					}
				case models.DeletePostsErase:
					if got.DeletedAt == nil || got.Body != "" || got.HTML != "" {
						t.Errorf("erased post %d: deleted %v body %q", p.ID, got.DeletedAt, got.Body)
					}
				}
			}
			if posts == models.DeletePostsErase && len(sc.hooks.postDeletes) != 2 {
				t.Errorf("PostDeleted hooks = %v, want both posts", sc.hooks.postDeletes)
			}
			if posts == models.DeletePostsKeep {
				if len(sc.hooks.postDeletes) != 0 {
					t.Errorf("PostDeleted hooks = %v, want none", sc.hooks.postDeletes)
				}
				// A reply to a kept post notifies nobody: the tombstone
				// is no one to tell.
				sc.Reply(sc.mod, sc.first.ThreadID, "answering the deleted member")
				if n := sc.count(t, "notifications"); n != 0 {
					t.Errorf("the erased account got %d notifications", n)
				}
			}
			// Nothing happens twice.
			sc.now = sc.now.Add(time.Hour)
			if n := sc.run(t); n != 0 || len(sc.hooks.accounts) != 1 {
				t.Fatalf("second run erased %d, hooks %v", n, sc.hooks.accounts)
			}
		})
	}
}

func TestAccountDeletionCancel(t *testing.T) {
	sc := newDeletionScene(t, "")
	at := sc.schedule(t, models.DeletePostsErase)
	u, err := sc.Store.UserByID(sc.Ctx, sc.alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	sc.now = at.Add(-time.Hour)
	if err := sc.Svc.CancelAccountDeletion(sc.Ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := sc.Svc.CancelAccountDeletion(sc.Ctx, u); err == nil {
		t.Fatal("cancelling twice: want an error saying nothing is scheduled")
	}
	sc.now = at.Add(time.Hour)
	if n := sc.run(t); n != 0 {
		t.Fatalf("erased %d after cancel", n)
	}
	u, _ = sc.Store.UserByID(sc.Ctx, sc.alice.ID)
	if u.Username != "alice" || u.DeleteAt != nil || u.ErasedAt != nil {
		t.Fatalf("cancelled account = %+v", u)
	}
	if _, err := sc.Svc.LogIn(sc.Ctx, forum.LoginInput{Login: "alice", Password: "password123", Addr: "127.0.0.1"}); err != nil {
		t.Fatalf("login after cancel: %v", err)
	}
}

func TestAccountDeletionOperatorPolicy(t *testing.T) {
	cases := []struct {
		policy, asked, want, errField string
	}{
		{"keep", "", "keep", ""},
		{"keep", "keep", "keep", ""},
		{"keep", "erase", "", "posts"},
		{"erase", "", "erase", ""},
		{"erase", "keep", "", "posts"},
		{"choice", "erase", "erase", ""},
	}
	for _, c := range cases {
		t.Run(c.policy+"/"+c.asked, func(t *testing.T) {
			sc := newDeletionScene(t, c.policy)
			if sc.Svc.DeletionPostsChoice() != c.policy {
				t.Fatalf("policy = %q", sc.Svc.DeletionPostsChoice())
			}
			_, err := sc.Svc.ScheduleAccountDeletion(sc.Ctx, sc.alice, forum.DeleteAccountInput{Password: "password123", Posts: c.asked, Addr: "127.0.0.1"})
			if c.errField != "" {
				if v, ok := forum.AsValidation(err); !ok || v.Fields[c.errField] == "" {
					t.Fatalf("got %v, want an error on %s", err, c.errField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			u, _ := sc.Store.UserByID(sc.Ctx, sc.alice.ID)
			if u.DeletePosts != c.want {
				t.Fatalf("delete_posts = %q, want %q", u.DeletePosts, c.want)
			}
		})
	}
}

func TestAccountDeletionGraceFromConfig(t *testing.T) {
	env := forumtest.New(t)
	cfg := env.Cfg
	cfg.AccountDeletionGrace = 48 * time.Hour
	svc := forum.New(env.Store, cfg)
	svc.BcryptCost = 4
	now := time.Now().UTC().Truncate(time.Second)
	svc.SetClock(func() time.Time { return now })
	u := env.User("carol", models.RoleMember)
	at, err := svc.ScheduleAccountDeletion(env.Ctx, u, forum.DeleteAccountInput{Password: "password123", Posts: "keep", Addr: "127.0.0.1"})
	if err != nil || !at.Equal(now.Add(48*time.Hour)) {
		t.Fatalf("at %v, %v; want 48h on", at, err)
	}
	bad := config.Defaults()
	bad.AccountDeletionPosts = "shred"
	if err := bad.Normalize(); err == nil {
		t.Fatal("an unknown --account-deletion-posts was accepted")
	}
}

// Two services on one database (two processes) erase an account once.
func TestAccountDeletionOnceAcrossProcesses(t *testing.T) {
	sc := newDeletionScene(t, "")
	at := sc.schedule(t, models.DeletePostsErase)
	other := forum.New(sc.Store, sc.Cfg)
	other.SetClock(func() time.Time { return sc.now })
	other.SetHooks(sc.hooks)
	sc.now = at.Add(time.Minute)
	log := slog.New(slog.DiscardHandler)
	results := make(chan int, 2)
	for _, s := range []*forum.Service{sc.Svc, other} {
		go func() {
			n, err := s.RunAccountDeletions(sc.Ctx, log)
			if err != nil {
				t.Error(err)
			}
			results <- n
		}()
	}
	if total := <-results + <-results; total != 1 {
		t.Fatalf("erased %d times, want 1", total)
	}
	if len(sc.hooks.accounts) != 1 || len(sc.hooks.postDeletes) != 2 {
		t.Fatalf("hooks: accounts %v posts %v", sc.hooks.accounts, sc.hooks.postDeletes)
	}
}

// TestAccountErasureRemovesSecondFactor: the TOTP secret and the recovery
// codes belong to the account and go with it.
func TestAccountErasureRemovesSecondFactor(t *testing.T) {
	sc := newDeletionScene(t, "")
	en, err := sc.Svc.StartTwoFactor(sc.Ctx, sc.alice)
	if err != nil {
		t.Fatal(err)
	}
	code, err := forum.TOTPCode(en.Secret, sc.now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.Svc.EnableTwoFactor(sc.Ctx, sc.alice, code, "127.0.0.1"); err != nil {
		t.Fatalf("enrol: %v", err)
	}
	if sc.count(t, "two_factors") != 1 || sc.count(t, "recovery_codes") != 10 {
		t.Fatal("the fixture has no second factor to erase")
	}
	at := sc.schedule(t, models.DeletePostsKeep)
	sc.now = at.Add(time.Second)
	if n := sc.run(t); n != 1 {
		t.Fatalf("erased %d accounts, want 1", n)
	}
	for _, table := range []string{"two_factors", "recovery_codes", "pending_logins"} {
		if n := sc.count(t, table); n != 0 {
			t.Errorf("%s: %d rows survived the erasure", table, n)
		}
	}
}
