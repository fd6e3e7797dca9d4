//go:build cluster

package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

const (
	// followers of the category, each with its own inbox (issue 16: a
	// thread start reaches 200 remote followers' inboxes exactly once).
	followers = 200
	// instances the followers live on (each a 127.0.0.1 port): Hearth
	// limits deliveries in flight per host (2 a process), as real fan-outs
	// span many. Four followers an instance keep the fan-out one round of
	// those limits: 200 on ten took 11.3 s against 3.9 s for 50 on ten;
	// 200 on fifty takes 2.8-3.5 s.
	instances = 50
)

// inboxes is the fediverse: `instances` 127.0.0.1 servers holding the
// inboxes of `followers` remote accounts, counting what each inbox
// receives by activity id.
type inboxes struct {
	srvs []*httptest.Server
	mu   sync.Mutex
	got  map[string]map[string]int // inbox host and path → activity id → deliveries
}

func newInboxes(t *testing.T) *inboxes {
	in := &inboxes{got: map[string]map[string]int{}}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		var act struct {
			ID string `json:"id"`
		}
		if r.Method != http.MethodPost || json.Unmarshal(body, &act) != nil || r.Header.Get("Signature") == "" {
			http.Error(w, "no", http.StatusBadRequest)
			return
		}
		in.mu.Lock()
		inbox := r.Host + r.URL.Path
		if in.got[inbox] == nil {
			in.got[inbox] = map[string]int{}
		}
		in.got[inbox][act.ID]++
		in.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	})
	for range instances {
		srv := httptest.NewServer(handler)
		t.Cleanup(srv.Close)
		in.srvs = append(in.srvs, srv)
	}
	return in
}

// seen is every activity id delivered so far.
func (in *inboxes) seen() map[string]bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := map[string]bool{}
	for _, acts := range in.got {
		for id := range acts {
			out[id] = true
		}
	}
	return out
}

// deliveries of activities not in before: how many inboxes got one, how
// many distinct activities there were, and the most any inbox got of one.
func (in *inboxes) deliveries(before map[string]bool) (reached, activities, most int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	ids := map[string]bool{}
	for _, acts := range in.got {
		hit := false
		for id, n := range acts {
			if !before[id] {
				hit, ids[id] = true, true
				most = max(most, n)
			}
		}
		if hit {
			reached++
		}
	}
	return reached, len(ids), most
}

// fixture is what the test prepares in the database before any process
// starts, so the scheduled jobs all find their work at once.
type fixture struct {
	adminToken, memberToken string
	threadID                int64
}

func prepare(t *testing.T, dsn, publicURL string, in *inboxes) fixture {
	ctx := context.Background()
	store, err := models.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.Migrate(); err != nil {
		t.Fatal(err)
	}
	cfg := config.Defaults()
	cfg.URL, cfg.DB = publicURL, dsn
	if err := cfg.Normalize(); err != nil {
		t.Fatal(err)
	}
	svc := forum.New(store, cfg)
	svc.BcryptCost = 4
	mk := func(name, role string) *models.User {
		u, err := svc.CreateUser(ctx, forum.SignUpInput{Username: name, Email: name + "@example.com", Password: "password123"}, role)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	admin, member := mk("boss", models.RoleAdmin), mk("mem", models.RoleMember)
	mk("target", models.RoleMember) // never logs in: the rate-limit test's account
	cat, err := svc.CreateCategory(ctx, admin, forum.CategoryInput{Name: "Town", Slug: "town"})
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	if f.adminToken, err = svc.CreateToken(ctx, admin.ID, "cluster"); err != nil {
		t.Fatal(err)
	}
	if f.memberToken, err = svc.CreateToken(ctx, member.ID, "cluster"); err != nil {
		t.Fatal(err)
	}
	th, _, err := svc.CreateThread(ctx, member, forum.NewThread{Category: "town", Title: "Needs a hand", Body: "Anyone?"})
	if err != nil {
		t.Fatal(err)
	}
	f.threadID = th.ID
	// The digest lists threads with replies or likes that week.
	news, _, err := svc.CreateThread(ctx, admin, forum.NewThread{Category: "town", Title: "Weekly news", Body: "For the digest."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Reply(ctx, admin, news.ID, forum.NewReply{Body: "More news."}); err != nil {
		t.Fatal(err)
	}
	// Jobs with work waiting: a weekly digest for the member, an overdue
	// follow-up for the admin, a scheduled announcement already due, and
	// analytics days to roll up (the forum's rows made three days ago).
	if err := svc.SaveMailSettings(ctx, member, true, true); err != nil {
		t.Fatal(err)
	}
	due := svc.Now().Add(-time.Hour)
	if err := store.SetAssignment(ctx, &models.ThreadAssignment{ThreadID: th.ID, AssigneeID: admin.ID, AssignedBy: admin.ID, DueAt: &due}); err != nil {
		t.Fatal(err)
	}
	if err := store.CreateScheduledThread(ctx, &models.ScheduledThread{UserID: admin.ID, CategoryID: cat.ID,
		Title: "Scheduled once", Body: "Published by exactly one process.", PublishAt: svc.Now().Add(-time.Minute), State: models.QueuePending}); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"users", "threads", "posts", "categories"} {
		if err := store.DB(ctx).Exec("UPDATE " + table + " SET created_at = created_at - interval '3 days'").Error; err != nil {
			t.Fatal(err)
		}
	}
	// The remote followers of the category, each with its own inbox.
	for i := range followers {
		base := in.srvs[i%instances].URL
		ra, err := store.UpsertRemoteActor(ctx, &models.RemoteActor{APID: fmt.Sprintf("%s/users/u%d", base, i),
			Inbox: fmt.Sprintf("%s/users/u%d/inbox", base, i), PreferredUsername: fmt.Sprintf("u%d", i), Domain: strings.TrimPrefix(base, "http://")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.AddFollower(ctx, &models.Follower{LocalActorType: models.ActorTypeCategory, LocalActorID: cat.ID, RemoteActorID: ra.ID}); err != nil {
			t.Fatal(err)
		}
	}
	return f
}
