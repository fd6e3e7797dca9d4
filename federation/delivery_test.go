package federation

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/models"
)

func TestForbiddenIP(t *testing.T) {
	for s, want := range map[string]bool{
		"127.0.0.1": true, "::1": true, "10.1.2.3": true, "192.168.0.1": true, "172.16.0.1": true,
		"169.254.169.254": true, "fe80::1": true, "0.0.0.0": true, "::": true, "fd00:ec2::254": true,
		"100.64.0.1": true, "::ffff:127.0.0.1": true,
		"93.184.216.34": false, "2606:2800:220:1::": false,
	} {
		if got := forbiddenIP(netip.MustParseAddr(s)); got != want {
			t.Errorf("forbiddenIP(%s) = %v", s, got)
		}
	}
}

// TestFetchRefusesPrivate: a fetch to loopback is refused after
// resolution unless private addresses are allowed, and http:// likewise.
func TestFetchRefusesPrivate(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	tls := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer tls.Close()
	ctx := context.Background()

	strict := newHarness(t) // FederationAllowPrivate is false by default
	if _, err := strict.fed.signedGet(ctx, srv.URL+"/x"); err == nil {
		t.Error("http:// fetch allowed")
	}
	// https to a name that resolves to loopback: refused by the dialer.
	_, port, _ := net.SplitHostPort(tls.Listener.Addr().String())
	if _, err := strict.fed.signedGet(ctx, "https://localhost:"+port+"/x"); !errors.Is(err, errForbiddenAddress) {
		t.Errorf("loopback fetch: %v", err)
	}
	job := &models.Delivery{ActivityJSON: `{}`, ActorType: models.ActorTypeInstance, InboxURL: "https://127.0.0.1:" + port + "/inbox"}
	var perm permanentError
	if err := strict.fed.post(ctx, job); !errors.As(err, &perm) || !errors.Is(err, errForbiddenAddress) {
		t.Errorf("loopback delivery: %v", err)
	}

	lab := newHarnessWith(t, func(c *config.Config) { c.FederationAllowPrivate = true })
	if _, err := lab.fed.signedGet(ctx, srv.URL+"/x"); err != nil {
		t.Errorf("allowed fetch: %v", err)
	}
}

// TestDeliveryRetry: a peer answering 500 gets the job again after the
// backoff, and a 202 then finishes it; jobs are not attempted before due.
func TestDeliveryRetry(t *testing.T) {
	n := newNetwork()
	a := newPeer(t, n, "a.test")
	var calls atomic.Int32
	n.add(t, "peer.test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Signature") == "" || r.Header.Get("Digest") == "" {
			t.Error("delivery not signed")
		}
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	clock := a.env.Svc.Now()
	a.fed.now = func() time.Time { return clock }
	ctx := context.Background()
	act := map[string]any{"id": "http://a.test/actor#x", "type": "Update", "actor": "http://a.test/actor"}
	inbox := "http://peer.test/inbox"
	must(t, a.fed.enqueue(ctx, a.fed.instanceRef(), act, []string{inbox, inbox}))

	step := func(want int) {
		t.Helper()
		got, err := a.fed.deliverDue(ctx)
		must(t, err)
		if got != want {
			t.Fatalf("attempted %d jobs, want %d", got, want)
		}
	}
	step(1) // duplicates collapse into one job; this attempt gets 500
	jobs, _ := a.env.Store.DeliveriesTo(ctx, inbox)
	if len(jobs) != 1 || jobs[0].State != models.QueuePending || !jobs[0].NextAttemptAt.After(clock) {
		t.Fatalf("after 500: %+v", jobs)
	}
	step(0) // not due yet
	clock = clock.Add(time.Hour)
	step(1)
	jobs, _ = a.env.Store.DeliveriesTo(ctx, inbox)
	if jobs[0].State != models.QueueDone || jobs[0].Attempts != 2 || calls.Load() != 2 {
		t.Fatalf("after retry: %+v, %d calls", jobs[0], calls.Load())
	}

	// A job failing past the deadline is dead.
	must(t, a.fed.enqueue(ctx, a.fed.instanceRef(), act, []string{"http://peer.test/gone"}))
	calls.Store(0)
	clock = clock.Add(deliveryDeadline + time.Minute)
	step(1)
	dead, _ := a.env.Store.DeliveriesTo(ctx, "http://peer.test/gone")
	if dead[0].State != models.QueueFailed {
		t.Errorf("past the deadline: %q", dead[0].State)
	}
}

func TestRetryDelayGrows(t *testing.T) {
	f := &Federation{retryBase: defaultRetryBase}
	var total time.Duration
	for i := 1; i <= 15; i++ {
		d := f.retryDelay(i)
		if d <= 0 || d > maxRetryDelay*5/4 {
			t.Fatalf("delay %d = %s", i, d)
		}
		total += d
	}
	if total < 24*time.Hour {
		t.Errorf("15 retries span only %s", total)
	}
}
