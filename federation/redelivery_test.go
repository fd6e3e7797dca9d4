package federation

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/hearth/hearth/models"
)

// inboxRecorder passes requests on to an instance and keeps every inbox
// POST's body and answer.
type inboxRecorder struct {
	next http.Handler
	mu   sync.Mutex
	got  []recordedPost
}

type recordedPost struct {
	path   string
	body   []byte
	status int
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

func (r *inboxRecorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		r.next.ServeHTTP(w, req)
		return
	}
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	r.next.ServeHTTP(sw, req)
	r.mu.Lock()
	r.got = append(r.got, recordedPost{path: req.URL.Path, body: body, status: sw.status})
	r.mu.Unlock()
}

func (r *inboxRecorder) posts() []recordedPost {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recordedPost(nil), r.got...)
}

// TestRedeliveryAfterCrash: a worker claims a delivery, sends it and dies
// before recording the outcome. The row stays claimed until its lease ends;
// then another worker claims it and sends the byte-identical activity (same
// id) again. Delivery is at-least-once: the receiving Hearth stores the
// activity once (its inbox is unique by activity id) and applies it once.
// The dead worker's outcome, should it turn up late, changes nothing.
func TestRedeliveryAfterCrash(t *testing.T) {
	n := newNetwork()
	a, b := newPeer(t, n, "a.test"), newPeer(t, n, "b.test")
	cat := a.env.Category("general")
	rec := &inboxRecorder{next: a.e}
	n.add(t, "a.test", rec) // a.test is now reached through the recorder
	bob := b.env.User("bob", models.RoleMember)
	ctx := context.Background()
	clock := b.fed.now().Truncate(time.Second) // the instances' own time: A checks the Date B signs with
	b.fed.now = func() time.Time { return clock }

	must(t, b.fed.FollowRemote(ctx, bob, "http://a.test/c/general"))
	jobs, err := b.env.Store.ClaimDeliveries(ctx, clock, deliveryLease, 10)
	must(t, err)
	if len(jobs) != 1 {
		t.Fatalf("claimed %d jobs, want the Follow", len(jobs))
	}
	crashed := jobs[0]
	// The first worker's request reaches A; then its process dies before
	// FinishDelivery.
	must(t, b.fed.post(ctx, &crashed))

	if got, err := b.fed.deliverDue(ctx); err != nil || got != 0 {
		t.Fatalf("within the lease another worker claimed %d jobs (%v); the claim must hold", got, err)
	}
	clock = clock.Add(deliveryLease - time.Second)
	if got, _ := b.fed.deliverDue(ctx); got != 0 {
		t.Fatalf("a second before the lease ends: %d claimed", got)
	}
	clock = clock.Add(2 * time.Second)
	if got, err := b.fed.deliverDue(ctx); err != nil || got != 1 {
		t.Fatalf("after the lease: claimed %d (%v), want the abandoned job", got, err)
	}

	posts := rec.posts()
	if len(posts) != 2 {
		t.Fatalf("A received %d POSTs, want the Follow twice", len(posts))
	}
	var first map[string]any
	must(t, json.Unmarshal(posts[0].body, &first))
	id, _ := first["id"].(string)
	if first["type"] != "Follow" || id == "" {
		t.Fatalf("first delivery: %s", posts[0].body)
	}
	for i, p := range posts {
		if p.path != posts[0].path || !bytes.Equal(p.body, posts[0].body) || p.status != http.StatusAccepted {
			t.Errorf("delivery %d: %s %d %s, want the byte-identical activity answered 202", i, p.path, p.status, p.body)
		}
	}
	jobsNow, err := b.env.Store.DeliveriesTo(ctx, crashed.InboxURL)
	must(t, err)
	if len(jobsNow) != 1 || jobsNow[0].State != models.QueueDone || jobsNow[0].Attempts != 2 {
		t.Fatalf("B's job after redelivery: %+v", jobsNow)
	}

	// The dead worker's late outcome does not reopen the finished job.
	b.fed.finish(ctx, &crashed, models.QueuePending, clock.Add(time.Minute), "late outcome of an expired claim")
	if jobsNow, _ = b.env.Store.DeliveriesTo(ctx, crashed.InboxURL); jobsNow[0].State != models.QueueDone {
		t.Fatalf("a stale claim overwrote the outcome: %+v", jobsNow[0])
	}

	// A stored the activity once and applies it once.
	var stored int64
	must(t, a.env.Store.DB(ctx).Model(&models.InboxActivity{}).Where("activity_id = ?", id).Count(&stored).Error)
	if stored != 1 {
		t.Fatalf("A stored activity %s %d times", id, stored)
	}
	drain(t, a, b)
	if f, err := a.env.Store.CountFollowers(ctx, models.ActorTypeCategory, cat.ID); err != nil || f != 1 {
		t.Fatalf("followers after the redelivered Follow: %d, %v", f, err)
	}
	accepts, err := a.env.Store.DeliveriesTo(ctx, "http://b.test/u/bob/inbox")
	must(t, err)
	if len(accepts) != 1 {
		t.Errorf("A answered the Follow %d times, want one Accept", len(accepts))
	}
}
