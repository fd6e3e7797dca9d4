package federation

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/hearth/hearth/models"
)

// Per-host delivery limits and health. One slow or dead server must not
// take every delivery slot, and a server that keeps failing is probed
// with one job per window instead of being tried by each of its jobs.
const (
	defaultPerHostLimit = 2
	defaultHostFailures = 5 // consecutive failures that mark a host down
	hostDownBase        = time.Minute
	maxHostDown         = 6 * time.Hour
	// hostBusyDelay is how long a job whose host has every slot in use
	// waits before it is claimed again: short, as the slot frees within a
	// request timeout, but not zero, or the dispatcher would spin on it.
	hostBusyDelay = time.Second
)

// hostLimiter bounds deliveries in flight, overall and per host, inside
// one process. Each process has its own; the database lease is what keeps
// processes from sending the same job.
type hostLimiter struct {
	mu      sync.Mutex
	total   int
	perHost int
	busy    int
	hosts   map[string]int
	freed   chan struct{} // one pending wake-up for the dispatcher
}

func newHostLimiter(total, perHost int) *hostLimiter {
	return &hostLimiter{total: total, perHost: perHost, hosts: map[string]int{}, freed: make(chan struct{}, 1)}
}

// setTotal changes the overall bound (Run sets it from its worker count).
func (l *hostLimiter) setTotal(total int) {
	l.mu.Lock()
	l.total = total
	l.mu.Unlock()
}

// free is how many more deliveries may start now.
func (l *hostLimiter) free() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return max(0, l.total-l.busy)
}

// tryAcquire takes a slot for host, or reports that none is free.
func (l *hostLimiter) tryAcquire(host string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.busy >= l.total || l.hosts[host] >= l.perHost {
		return false
	}
	l.busy++
	l.hosts[host]++
	return true
}

func (l *hostLimiter) release(host string) {
	l.mu.Lock()
	l.busy--
	if l.hosts[host]--; l.hosts[host] <= 0 {
		delete(l.hosts, host)
	}
	l.mu.Unlock()
	select {
	case l.freed <- struct{}{}:
	default:
	}
}

// hostFailure marks a delivery failure that says the host is unwell: a
// connection error, a timeout or a 5xx. A 4xx is about the request, not
// the host, and does not count.
type hostFailure struct{ error }

func (e hostFailure) Unwrap() error { return e.error }

// hostDownWindow is how long a host stays down after failures consecutive
// failures (at least the threshold): doubling from hostDownBase.
func (f *Federation) hostDownWindow(failures int) time.Duration {
	d := hostDownBase << min(max(failures-f.hostFailures, 0), 20)
	if d > maxHostDown || d <= 0 {
		d = maxHostDown
	}
	return d
}

// recordHostOutcome updates the host's health after an attempt.
func (f *Federation) recordHostOutcome(ctx context.Context, host string, err error) {
	now := f.now()
	var hf hostFailure
	switch {
	case err == nil:
		err = f.store.DeliveryHostSucceeded(ctx, host, now)
	case errors.As(err, &hf):
		var n int
		if n, err = f.store.DeliveryHostFailed(ctx, host, hf.Error(), now); err == nil && n >= f.hostFailures {
			err = f.store.MarkDeliveryHostDown(ctx, host, now.Add(f.hostDownWindow(n)), now)
			f.log.Info("delivery: host marked down", "host", host, "failures", n)
		}
	default:
		return
	}
	if err != nil {
		f.log.Error("delivery: record host health", "host", host, "error", err)
	}
}

// gate decides, for the jobs just claimed, which may be sent now. Jobs of
// a down host wait for the end of its window, except one probe once the
// window is over; jobs of a host with no free slot wait hostBusyDelay.
// Deferred jobs go back to pending without spending an attempt, unless
// they are past the delivery deadline, which kills them.
func (f *Federation) gate(ctx context.Context, jobs []models.Delivery) ([]*models.Delivery, error) {
	now := f.now()
	hosts := make([]string, 0, len(jobs))
	for i := range jobs {
		hosts = append(hosts, hostOf(jobs[i].InboxURL))
	}
	down, err := f.store.DeliveryHostsDown(ctx, hosts)
	if err != nil {
		// Health only spares dead hosts some requests; failing here would
		// strand the claimed jobs until their lease ends, so send them.
		f.log.Error("delivery: read host health", "error", err)
		down = nil
	}
	deferred := map[time.Time][]int64{}
	var send []*models.Delivery
	for i := range jobs {
		j, host := &jobs[i], hosts[i]
		if h, ok := down[host]; ok {
			until := *h.DownUntil
			if !until.After(now) {
				probe, err := f.store.ClaimDeliveryHostProbe(ctx, host, now, now.Add(deliveryLease))
				if err != nil { // slots are held for jobs in send: keep going, defer this one
					f.log.Error("delivery: claim host probe", "host", host, "error", err)
				}
				until = now.Add(deliveryLease) // this job probes, or another worker does
				h.DownUntil = &until
				down[host] = h
				if probe && f.limiter.tryAcquire(host) {
					send = append(send, j)
					continue
				}
			}
			if now.Sub(j.CreatedAt) >= deliveryDeadline {
				f.finish(ctx, j, models.QueueFailed, now, "host down past the delivery deadline")
				continue
			}
			deferred[until] = append(deferred[until], j.ID)
			continue
		}
		if !f.limiter.tryAcquire(host) {
			next := now.Add(hostBusyDelay)
			deferred[next] = append(deferred[next], j.ID)
			continue
		}
		send = append(send, j)
	}
	for next, ids := range deferred {
		if err := f.store.DeferDeliveries(context.WithoutCancel(ctx), ids, next); err != nil {
			return send, err
		}
	}
	return send, nil
}
