package federation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hearth/hearth/models"
)

// Delivery timing. A peer that is down is retried with exponential backoff
// (with jitter, so a returning peer is not hit by every job at once) until
// deliveryDeadline after the job was made; then the job is dead.
const (
	defaultRetryBase = 30 * time.Second
	maxRetryDelay    = 6 * time.Hour
	deliveryDeadline = 48 * time.Hour
	deliveryLease    = 2 * requestTimeout // a claim outlives one attempt
	deliveryBatch    = 32
	// deliveryParallel is the deliveries in flight per worker. A delivery
	// mostly waits on the network (signing is ~1.4 ms of CPU) and a
	// black-hole peer holds its slot for a whole requestTimeout, so slots
	// are many: with 16 per worker, 20 black holes hit by two fan-outs in a
	// row held every slot and stalled live peers for 15 s (BenchmarkFanOut).
	// The per-host limit keeps one host from taking them all.
	deliveryParallel = 64
)

// enqueue stores one delivery job per distinct inbox for the activity,
// signed later as the actor ref names.
func (f *Federation) enqueue(ctx context.Context, ref actorRef, act map[string]any, inboxes []string) error {
	body, err := encode(act)
	if err != nil {
		return err
	}
	seen := make(map[string]bool, len(inboxes))
	var distinct []string
	for _, in := range inboxes {
		if in != "" && !seen[in] {
			seen[in] = true
			distinct = append(distinct, in)
		}
	}
	return f.store.EnqueueDeliveries(ctx, string(body), ref.kind, ref.id, distinct, f.now())
}

// retryDelay is the wait before the next attempt after `attempts` failed ones.
func (f *Federation) retryDelay(attempts int) time.Duration {
	d := f.retryBase << min(attempts-1, 20)
	if d > maxRetryDelay || d <= 0 {
		d = maxRetryDelay
	}
	return time.Duration(float64(d) * (0.75 + rand.Float64()/2))
}

// deliverDue claims the jobs due now, as many as there are free delivery
// slots, and attempts each that its host's limit and health allow, then
// waits for those attempts. It returns how many jobs it claimed. Tests and
// tools call it; Run dispatches without waiting for a whole batch.
func (f *Federation) deliverDue(ctx context.Context) (int, error) {
	var wg sync.WaitGroup
	n, err := f.dispatch(ctx, &wg)
	wg.Wait()
	return n, err
}

// dispatch claims due jobs and starts the attempts gate lets through, each
// in its own goroutine counted in wg and holding a limiter slot until done.
func (f *Federation) dispatch(ctx context.Context, wg *sync.WaitGroup) (int, error) {
	free := f.limiter.free()
	if free == 0 {
		return 0, nil
	}
	jobs, err := f.store.ClaimDeliveries(ctx, f.now(), deliveryLease, min(free, deliveryBatch))
	if err != nil || len(jobs) == 0 {
		return 0, err
	}
	send, err := f.gate(ctx, jobs)
	for _, j := range send {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer f.limiter.release(hostOf(j.InboxURL))
			f.attempt(ctx, j)
		}()
	}
	return len(jobs), err
}

// attempt sends one job and records the outcome, for the job and for its
// host's health.
func (f *Federation) attempt(ctx context.Context, j *models.Delivery) {
	started := time.Now() // wall time: how long the peer took, whatever the injected clock says
	err := f.post(ctx, j)
	if ctx.Err() != nil {
		// Shutting down mid-request says nothing about the peer; the job
		// stays claimed and is retried once its lease ends.
		return
	}
	f.recordHostOutcome(context.WithoutCancel(ctx), hostOf(j.InboxURL), err)
	now := f.now()
	if f.observeDelivery != nil {
		f.observeDelivery(hostOf(j.InboxURL), time.Since(started), now.Sub(j.CreatedAt), err)
	}
	state, next, msg := models.QueueDone, now, ""
	if err != nil {
		msg = err.Error()
		var perm permanentError
		switch {
		case errors.As(err, &perm), now.Sub(j.CreatedAt) >= deliveryDeadline:
			state = models.QueueFailed
		default:
			state, next = models.QueuePending, now.Add(f.retryDelay(j.Attempts))
		}
		f.log.Info("delivery failed", "inbox", j.InboxURL, "attempt", j.Attempts, "state", state, "error", err)
	}
	f.finish(ctx, j, state, next, msg)
}

// DeliveryObserver hears one delivery attempt's outcome: the inbox's host,
// how long the attempt took, how long since the job was queued (by the
// federation clock), and the error (nil when delivered).
type DeliveryObserver func(host string, took, sinceQueued time.Duration, err error)

// SetDeliveryObserver makes every later delivery attempt report to obs
// (cmd/hearth serve passes the server's metrics). Call it before the
// workers start.
func (f *Federation) SetDeliveryObserver(obs DeliveryObserver) { f.observeDelivery = obs }

// finish records a job's new state, unless the job has been claimed again
// since j was (see FinishDelivery).
func (f *Federation) finish(ctx context.Context, j *models.Delivery, state string, next time.Time, msg string) {
	if err := f.store.FinishDelivery(context.WithoutCancel(ctx), j.ID, j.ClaimedBy, state, next, msg); err != nil {
		f.log.Error("delivery: record outcome", "id", j.ID, "error", err)
	}
}

// permanentError marks a failure retrying cannot fix.
type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }

// post signs and sends one job's activity to its inbox.
func (f *Federation) post(ctx context.Context, j *models.Delivery) error {
	// A suspended instance gets nothing but the Reject and Undo that end
	// its follows (PastBlock); a permanent error marks the job dead rather
	// than retrying it until the block is lifted.
	if blocked, err := f.svc.InstanceSuspended(ctx, hostOf(j.InboxURL)); err != nil {
		return err
	} else if blocked && !j.PastBlock {
		return permanentError{fmt.Errorf("instance %s is suspended", hostOf(j.InboxURL))}
	}
	ref, err := f.refOfJob(ctx, j)
	if err != nil {
		return permanentError{err}
	}
	signer, err := f.signerFor(ctx, ref)
	if err != nil {
		return err
	}
	body := []byte(j.ActivityJSON)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.InboxURL, bytes.NewReader(body))
	if err != nil {
		return permanentError{err}
	}
	if err := checkURL(req.URL, f.cfg.FederationAllowPrivate); err != nil {
		return permanentError{err}
	}
	req.Header.Set("Content-Type", activityJSON)
	req.Header.Set("User-Agent", f.userAgent)
	if err := signer.Sign(req, body); err != nil {
		return err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		if errors.Is(err, errForbiddenAddress) {
			return permanentError{err}
		}
		return hostFailure{err} // refused, reset, timed out: the host is unwell
	}
	defer resp.Body.Close()
	_, _ = readLimited(resp.Body) // drain (bounded) so the connection is reused
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusGone, resp.StatusCode == http.StatusBadRequest,
		resp.StatusCode == http.StatusNotFound, resp.StatusCode == http.StatusUnprocessableEntity,
		resp.StatusCode == http.StatusUnsupportedMediaType:
		// The inbox is gone or will never take this activity.
		return permanentError{fmt.Errorf("status %d", resp.StatusCode)}
	case resp.StatusCode >= 500:
		return hostFailure{fmt.Errorf("status %d", resp.StatusCode)}
	}
	return fmt.Errorf("status %d", resp.StatusCode)
}

// refOfJob is refOf for a job: an erased member's username is gone, so
// their last activities (their Delete{Person}, their posts' Deletes) are
// signed under the actor id they were written with, which is the id, and
// the key, remote servers know them by.
func (f *Federation) refOfJob(ctx context.Context, j *models.Delivery) (actorRef, error) {
	ref, err := f.refOf(ctx, j.ActorType, j.ActorID)
	if err != nil || j.ActorType != models.ActorTypeUser {
		return ref, err
	}
	u, err := f.store.UserByID(ctx, j.ActorID)
	if err != nil || u.ErasedAt == nil {
		return ref, err
	}
	var act struct {
		Actor string `json:"actor"`
	}
	if err := json.Unmarshal([]byte(j.ActivityJSON), &act); err != nil || !strings.HasPrefix(act.Actor, f.base+"/u/") {
		return ref, fmt.Errorf("erased member's job %d names no actor of theirs", j.ID)
	}
	ref.url = act.Actor
	return ref, nil
}

// refOf rebuilds the local actor a job is signed by.
func (f *Federation) refOf(ctx context.Context, kind string, id int64) (actorRef, error) {
	switch kind {
	case models.ActorTypeUser:
		u, err := f.store.UserByID(ctx, id)
		if err != nil {
			return actorRef{}, err
		}
		return f.userRef(u), nil
	case models.ActorTypeCategory:
		c, err := f.store.CategoryByID(ctx, id)
		if err != nil {
			return actorRef{}, err
		}
		return f.categoryRef(c), nil
	case models.ActorTypeInstance:
		return f.instanceRef(), nil
	}
	return actorRef{}, fmt.Errorf("unknown actor type %q", kind)
}
