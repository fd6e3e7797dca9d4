package federation

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestDeliveryObserver: every attempt reports its host, its error (nil
// when delivered) and how long the job had waited by the federation
// clock, which is what the server's delivery metrics are made from.
func TestDeliveryObserver(t *testing.T) {
	n := newNetwork()
	a := newPeer(t, n, "a.test")
	fail := true
	var mu sync.Mutex
	n.add(t, "peer.test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	type seen struct {
		host        string
		sinceQueued time.Duration
		failed      bool
	}
	var got []seen
	a.fed.SetDeliveryObserver(func(host string, took, sinceQueued time.Duration, err error) {
		if took <= 0 {
			t.Errorf("attempt took %v", took)
		}
		mu.Lock()
		got = append(got, seen{host, sinceQueued, err != nil})
		mu.Unlock()
	})
	clock := a.env.Svc.Now()
	a.fed.now = func() time.Time { return clock }
	ctx := context.Background()
	act := map[string]any{"id": "http://a.test/actor#o", "type": "Update", "actor": "http://a.test/actor"}
	must(t, a.fed.enqueue(ctx, a.fed.instanceRef(), act, []string{"http://peer.test/inbox"}))

	if _, err := a.fed.deliverDue(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	fail = false
	mu.Unlock()
	clock = clock.Add(time.Hour)
	if _, err := a.fed.deliverDue(ctx); err != nil {
		t.Fatal(err)
	}
	want := []seen{{"peer.test", 0, true}, {"peer.test", time.Hour, false}}
	if len(got) != len(want) {
		t.Fatalf("observed %+v, want %+v", got, want)
	}
	for i := range want {
		// The job was stamped by the store's clock when queued, to the
		// microsecond; allow that rounding.
		if got[i].host != want[i].host || got[i].failed != want[i].failed || (got[i].sinceQueued-want[i].sinceQueued).Abs() > time.Millisecond {
			t.Errorf("attempt %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}
