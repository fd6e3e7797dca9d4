package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// BenchmarkFanOut times one new thread in a category with 1,000 remote
// followers on 200 instances (httptest servers on 127.0.0.1 answering 202),
// from the post until every live instance has received the category's
// Announce, with the workers running as `hearth serve` runs them.
// "with_dead" makes 20 of the instances black holes (they accept the
// connection and never answer) and 10 answer 500; "healthy" has all 200
// live. Run: go test ./federation -run '^$' -bench FanOut -benchtime 5x
func BenchmarkFanOut(b *testing.B) {
	b.Run("healthy", func(b *testing.B) { benchFanOut(b, 0, 0) })
	b.Run("with_dead", func(b *testing.B) { benchFanOut(b, 20, 10) })
}

func benchFanOut(b *testing.B, blackHoles, failing int) {
	const instances, followers = 200, 1000
	env := forumtest.New(b)
	cfg := env.Cfg
	cfg.URL, cfg.FederationAllowPrivate = "http://a.test", true
	fed := New(cfg, env.Svc, slog.New(slog.NewTextHandler(io.Discard, nil)))
	env.Svc.SetHooks(fed.Hooks())
	n := newNetwork()
	fed.client = newHTTPClient(true, n.wrap)
	cat := env.Category("general")
	alice := env.User("alice", models.RoleMember)
	ctx := context.Background()

	// got[host] is the set of Announce ids the host has received.
	var mu sync.Mutex
	got := map[string]map[string]bool{}
	arrived := make(chan struct{}, 1)
	live := func(w http.ResponseWriter, r *http.Request) {
		var act struct{ ID, Type string }
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &act)
		if act.Type == "Announce" {
			mu.Lock()
			if got[r.Host] == nil {
				got[r.Host] = map[string]bool{}
			}
			got[r.Host][act.ID] = true
			mu.Unlock()
			select {
			case arrived <- struct{}{}:
			default:
			}
		}
		w.WriteHeader(http.StatusAccepted)
	}
	var liveHosts []string
	for i := range instances {
		host := fmt.Sprintf("h%d.test", i)
		var addr string
		switch {
		case i < blackHoles:
			addr = blackHole(b)
		case i < blackHoles+failing:
			addr = serveOn(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusInternalServerError)
			}))
		default:
			addr = serveOn(b, http.HandlerFunc(live))
			liveHosts = append(liveHosts, host)
		}
		n.routes[host] = addr
	}
	for i := range followers {
		host := fmt.Sprintf("h%d.test", i%instances)
		ra, err := env.Store.UpsertRemoteActor(ctx, &models.RemoteActor{
			APID: fmt.Sprintf("http://%s/users/u%d", host, i), Inbox: fmt.Sprintf("http://%s/users/u%d/inbox", host, i),
			SharedInbox: "http://" + host + "/inbox", Domain: host, FetchedAt: time.Now(), CreatedAt: time.Now(),
		})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := env.Store.AddFollower(ctx, &models.Follower{LocalActorType: models.ActorTypeCategory,
			LocalActorID: cat.ID, RemoteActorID: ra.ID, CreatedAt: time.Now()}); err != nil {
			b.Fatal(err)
		}
	}

	runCtx, stop := context.WithCancel(ctx)
	workersDone := make(chan struct{})
	go func() { defer close(workersDone); fed.Run(runCtx, 2) }() // as cmd/hearth runs them
	defer func() { stop(); <-workersDone }()

	b.ResetTimer()
	for i := range b.N {
		_, first := env.Thread(alice, "general", fmt.Sprintf("Thread %d", i), "Hello.")
		want := fmt.Sprintf("http://a.test/c/general/announce/%d", first.ID)
		deadline := time.After(30 * time.Second) // bounded: a stall fails, it does not hang
		for {
			mu.Lock()
			missing := 0
			for _, h := range liveHosts {
				if !got[h][want] {
					missing++
				}
			}
			mu.Unlock()
			if missing == 0 {
				break
			}
			select {
			case <-arrived:
			case <-time.After(10 * time.Millisecond):
			case <-deadline:
				b.Fatalf("iteration %d: %d live instances still without the Announce after 30 s", i, missing)
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(len(liveHosts)), "live_instances")
}

// serveOn serves h on 127.0.0.1 and returns its address.
func serveOn(b *testing.B, h http.Handler) string {
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

// blackHole accepts connections and never answers; it returns its address.
func blackHole(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	b.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String()
}
