package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hearth/hearth/models"
)

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func jobStates(t *testing.T, h *harness, inbox string) []string {
	t.Helper()
	rows, err := h.env.Store.DeliveriesTo(context.Background(), inbox)
	must(t, err)
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.State
	}
	return out
}

// TestPerHostLimit: a host that holds its requests open gets at most
// defaultPerHostLimit of them at once, and another host's jobs are sent
// meanwhile; the slow host's other jobs wait without spending attempts.
func TestPerHostLimit(t *testing.T) {
	n := newNetwork()
	a := newPeer(t, n, "a.test")
	a.fed.limiter = newHostLimiter(32, defaultPerHostLimit)
	hold := make(chan struct{})
	var now, most atomic.Int32
	n.add(t, "slow.test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := now.Add(1)
		defer now.Add(-1)
		for m := most.Load(); c > m && !most.CompareAndSwap(m, c); m = most.Load() {
		}
		select {
		case <-hold:
		case <-time.After(5 * time.Second):
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	var fast atomic.Int32
	n.add(t, "fast.test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fast.Add(1)
		w.WriteHeader(http.StatusAccepted)
	}))
	ctx := context.Background()
	act := map[string]any{"id": "http://a.test/actor#x", "type": "Update", "actor": "http://a.test/actor"}
	var slowInboxes []string
	for i := range 6 {
		slowInboxes = append(slowInboxes, fmt.Sprintf("http://slow.test/u/%d/inbox", i))
	}
	must(t, a.fed.enqueue(ctx, a.fed.instanceRef(), act, slowInboxes))
	must(t, a.fed.enqueue(ctx, a.fed.instanceRef(), act, []string{"http://fast.test/1", "http://fast.test/2"}))

	done := make(chan struct{})
	go func() { defer close(done); _, _ = a.fed.deliverDue(ctx) }()
	waitFor(t, "the fast host's two jobs", func() bool { return fast.Load() == 2 })
	waitFor(t, "two slow requests", func() bool { return now.Load() == 2 })
	close(hold)
	<-done
	if m := most.Load(); m != defaultPerHostLimit {
		t.Errorf("slow host had %d requests at once, want %d", m, defaultPerHostLimit)
	}
	var pending int
	for _, in := range slowInboxes {
		rows, err := a.env.Store.DeliveriesTo(ctx, in)
		must(t, err)
		if r := rows[0]; r.State == models.QueuePending {
			pending++
			if r.Attempts != 0 {
				t.Errorf("deferred job spent %d attempts", r.Attempts)
			}
		}
	}
	if pending != 4 {
		t.Errorf("%d slow jobs deferred, want 4", pending)
	}
}

// TestHostDownAndProbe: after defaultHostFailures consecutive 5xx a host
// is down; its jobs are then not sent, one probe goes per window, and a
// successful probe lets the rest through. 4xx answers do not count.
func TestHostDownAndProbe(t *testing.T) {
	n := newNetwork()
	a := newPeer(t, n, "a.test")
	a.fed.limiter = newHostLimiter(32, 32) // all of a batch at once: this test is about health
	var calls atomic.Int32
	var status atomic.Int32
	status.Store(http.StatusInternalServerError)
	n.add(t, "down.test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(int(status.Load()))
	}))
	n.add(t, "picky.test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
	}))
	clock := a.env.Svc.Now()
	a.fed.now = func() time.Time { return clock }
	ctx := context.Background()
	act := map[string]any{"id": "http://a.test/actor#x", "type": "Update", "actor": "http://a.test/actor"}
	enqueue := func(host string, from, to int) {
		var inboxes []string
		for i := from; i < to; i++ {
			inboxes = append(inboxes, fmt.Sprintf("http://%s/u/%d/inbox", host, i))
		}
		must(t, a.fed.enqueue(ctx, a.fed.instanceRef(), act, inboxes))
	}
	step := func() { t.Helper(); _, err := a.fed.deliverDue(ctx); must(t, err) }

	enqueue("picky.test", 0, 8)
	enqueue("down.test", 0, defaultHostFailures)
	step()
	if h, err := a.env.Store.DeliveryHostByName(ctx, "picky.test"); err == nil {
		t.Errorf("403s counted against the host: %+v", h)
	}
	h, err := a.env.Store.DeliveryHostByName(ctx, "down.test")
	must(t, err)
	if h.ConsecutiveFailures != defaultHostFailures || h.DownUntil == nil || !h.DownUntil.After(clock) {
		t.Fatalf("after %d failures: %+v", defaultHostFailures, h)
	}

	// Down: new jobs are held, not sent.
	enqueue("down.test", 10, 13)
	calls.Store(0)
	step()
	if c := calls.Load(); c != 0 {
		t.Fatalf("%d requests to a down host", c)
	}
	// Window over: one probe among the eight due jobs; it fails, the
	// window doubles.
	clock = clock.Add(hostDownBase + time.Minute)
	step()
	if c := calls.Load(); c != 1 {
		t.Fatalf("%d requests after the window, want 1 probe", c)
	}
	h, _ = a.env.Store.DeliveryHostByName(ctx, "down.test")
	if h.DownUntil == nil || h.DownUntil.Sub(clock) < 2*hostDownBase-time.Second {
		t.Fatalf("after a failed probe: %+v", h)
	}
	// The host recovers: the next probe succeeds and the jobs flow.
	status.Store(http.StatusAccepted)
	clock = clock.Add(3 * hostDownBase)
	step()
	if c := calls.Load(); c != 2 {
		t.Fatalf("%d requests, want a second probe only", c)
	}
	h, _ = a.env.Store.DeliveryHostByName(ctx, "down.test")
	if h.DownUntil != nil || h.ConsecutiveFailures != 0 {
		t.Fatalf("after a good probe: %+v", h)
	}
	for range 5 { // bounded: backoffs are minutes, the clock moves an hour each time
		clock = clock.Add(time.Hour)
		step()
	}
	for i := range 13 {
		in := fmt.Sprintf("http://down.test/u/%d/inbox", i)
		if s := jobStates(t, a, in); len(s) == 1 && s[0] != models.QueueDone {
			t.Errorf("%s: %s", in, s[0])
		}
	}
}

// TestDeliveriesSurviveCrash: jobs claimed by a process that dies
// mid-request (its context cancelled; nothing recorded) stay claimed, and
// a new Federation on the same database delivers them once the lease has
// run out. At-least-once: the peer may see an activity twice, never zero.
func TestDeliveriesSurviveCrash(t *testing.T) {
	n := newNetwork()
	a := newPeer(t, n, "a.test")
	var crashed atomic.Bool
	crashed.Store(true)
	var mu sync.Mutex
	got := map[string]int{}
	var inFlight atomic.Int32
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if crashed.Load() {
			// Read the body first: only then does the server notice the
			// client going away.
			_, _ = io.Copy(io.Discard, r.Body)
			inFlight.Add(1)
			select { // the sender dies before an answer comes
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		var act map[string]any
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &act)
		mu.Lock()
		got[r.Host+" "+fmt.Sprint(act["id"])]++
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	})
	hosts := []string{"p1.test", "p2.test", "p3.test"}
	for _, h := range hosts {
		n.add(t, h, handler)
	}
	ctx := context.Background()
	for i, h := range hosts {
		act := map[string]any{"id": fmt.Sprintf("http://a.test/actor#%d", i), "type": "Update", "actor": "http://a.test/actor"}
		must(t, a.fed.enqueue(ctx, a.fed.instanceRef(), act, []string{"http://" + h + "/inbox"}))
	}

	dying, kill := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _, _ = a.fed.deliverDue(dying) }()
	waitFor(t, "three requests in flight", func() bool { return inFlight.Load() == 3 })
	kill()
	<-done
	for _, h := range hosts {
		if s := jobStates(t, a, "http://"+h+"/inbox"); s[0] != models.QueueProcessing {
			t.Fatalf("after the crash the job to %s is %q", h, s[0])
		}
	}

	// The restarted process: same database, fresh Federation.
	crashed.Store(false)
	b := New(a.fed.cfg, a.env.Svc, slog.New(slog.NewTextHandler(io.Discard, nil)))
	b.client = newHTTPClient(true, n.wrap)
	if m, err := b.deliverDue(ctx); err != nil || m != 0 {
		t.Fatalf("claimed %d leased jobs before the lease ended (%v)", m, err)
	}
	later := a.env.Svc.Now().Add(deliveryLease + time.Second)
	b.now = func() time.Time { return later }
	for range 3 {
		_, err := b.deliverDue(ctx)
		must(t, err)
	}
	for i, h := range hosts {
		if s := jobStates(t, a, "http://"+h+"/inbox"); s[0] != models.QueueDone {
			t.Errorf("job to %s is %q after restart", h, s[0])
		}
		key := fmt.Sprintf("%s http://a.test/actor#%d", h, i)
		mu.Lock()
		c := got[key]
		mu.Unlock()
		if c < 1 {
			t.Errorf("%s never delivered", key)
		}
	}
}
