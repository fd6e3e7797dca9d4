package server

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hearth/hearth/models"
)

// queueStatsTTL is how long one measurement of the queues answers scrapes:
// however often /metrics is fetched (several Prometheus servers, a scrape
// storm), the database sees at most one QueueStats statement per TTL per
// process.
const queueStatsTTL = 5 * time.Second

// maxFailureHosts bounds the host label of hearth_delivery_failures_total:
// the first hosts that fail get their own series, later ones share
// host="other", so a fediverse of thousands of dead servers cannot grow
// the exposition without limit.
const maxFailureHosts = 100

// queueCollector reports the persisted queues' depth and oldest age,
// measured by one statement (models.Store.QueueStats) and cached.
type queueCollector struct {
	store *models.Store
	now   func() time.Time
	log   *slog.Logger

	depth, age, up *prometheus.Desc

	mu    sync.Mutex // held across the query, so concurrent scrapes share one
	at    time.Time
	stats []models.QueueStat
	err   error
}

func newQueueCollector(store *models.Store, now func() time.Time, log *slog.Logger) *queueCollector {
	return &queueCollector{store: store, now: now, log: log,
		depth: prometheus.NewDesc("hearth_queue_depth", "Rows waiting or being worked on in a persisted queue (deliveries, inbox, mail, pending_replies, remote_media).", []string{"queue"}, nil),
		age:   prometheus.NewDesc("hearth_queue_oldest_age_seconds", "Age of the oldest row still to do in a queue; 0 when the queue is empty.", []string{"queue"}, nil),
		up:    prometheus.NewDesc("hearth_queue_stats_up", "1 if the last measurement of the queues succeeded, 0 if the database query failed.", nil, nil),
	}
}

func (q *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- q.depth
	ch <- q.age
	ch <- q.up
}

func (q *queueCollector) Collect(ch chan<- prometheus.Metric) {
	stats, now, err := q.measure()
	if err != nil {
		ch <- prometheus.MustNewConstMetric(q.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(q.up, prometheus.GaugeValue, 1)
	for _, st := range stats {
		ch <- prometheus.MustNewConstMetric(q.depth, prometheus.GaugeValue, float64(st.Depth), st.Queue)
		age := 0.0
		if !st.Oldest.IsZero() {
			age = max(now.Sub(st.Oldest).Seconds(), 0)
		}
		ch <- prometheus.MustNewConstMetric(q.age, prometheus.GaugeValue, age, st.Queue)
	}
}

// measure returns the cached figures, querying again once they are older
// than queueStatsTTL. A failed query is cached too, so a database in
// trouble is not asked again by every scrape.
func (q *queueCollector) measure() ([]models.QueueStat, time.Time, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.now()
	if q.at.IsZero() || now.Sub(q.at) >= queueStatsTTL || now.Before(q.at) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		q.stats, q.err = q.store.QueueStats(ctx)
		cancel()
		q.at = now
		if q.err != nil {
			q.log.Error("metrics: queue stats", "error", q.err)
		}
	}
	return q.stats, now, q.err
}

// deliveryMetrics are observed by the federation delivery worker through
// DeliveryObserver (wired in cmd/hearth serve).
type deliveryMetrics struct {
	attempt  *prometheus.HistogramVec
	queued   prometheus.Histogram
	failures *prometheus.CounterVec

	mu    sync.Mutex
	hosts map[string]bool // hosts with their own failure series
}

func newDeliveryMetrics() *deliveryMetrics {
	return &deliveryMetrics{
		attempt: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "hearth_delivery_attempt_duration_seconds", Help: "Time one delivery attempt took (signing and the POST to the remote inbox), by outcome (ok or error).",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"outcome"}),
		queued: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "hearth_delivery_latency_seconds", Help: "Time from queuing an activity to its successful delivery to one inbox (includes retries).",
			Buckets: []float64{.1, .5, 1, 5, 15, 60, 300, 1800, 3600, 6 * 3600, 24 * 3600},
		}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hearth_delivery_failures_total", Help: "Failed delivery attempts by remote host (the first 100 failing hosts by name, the rest as \"other\").",
		}, []string{"host"}),
		hosts: map[string]bool{},
	}
}

// observe records one finished delivery attempt.
func (d *deliveryMetrics) observe(host string, took, sinceQueued time.Duration, err error) {
	if err == nil {
		d.attempt.WithLabelValues("ok").Observe(took.Seconds())
		d.queued.Observe(sinceQueued.Seconds())
		return
	}
	d.attempt.WithLabelValues("error").Observe(took.Seconds())
	d.failures.WithLabelValues(d.hostLabel(host)).Inc()
}

func (d *deliveryMetrics) hostLabel(host string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.hosts[host] {
		return host
	}
	if len(d.hosts) >= maxFailureHosts {
		return "other"
	}
	d.hosts[host] = true
	return host
}

// registerQueueMetrics adds the queue collector and the delivery metrics.
func registerQueueMetrics(reg prometheus.Registerer, q *queueCollector, d *deliveryMetrics) error {
	for _, c := range []prometheus.Collector{q, d.attempt, d.queued, d.failures} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// DeliveryObserver is what the federation delivery worker calls after each
// attempt (federation.Federation.SetDeliveryObserver): the remote host, how
// long the attempt took, how long since the job was queued, and its error.
func (s *Server) DeliveryObserver() func(host string, took, sinceQueued time.Duration, err error) {
	return s.delivery.observe
}
