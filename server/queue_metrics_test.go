package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/models"
)

// scrapeMetrics fetches the public /metrics with the operator's token.
func scrapeMetrics(t *testing.T, ts *testServer, token string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d", res.StatusCode)
	}
	return string(body)
}

// TestQueueMetrics: after deliveries and an inbound activity are queued,
// /metrics shows each queue's depth and the age of its oldest row; the
// figures are measured at most once per few seconds, however often the
// page is scraped.
func TestQueueMetrics(t *testing.T) {
	const token = "queue-metrics-token-0123456789"
	ts := newTestServerWith(t, func(c *config.Config) { c.MetricsToken = token })
	var mu sync.Mutex
	clock := time.Now().UTC().Truncate(time.Second)
	ts.Svc.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return clock })
	advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
	ctx := context.Background()
	store := ts.Svc.Store()
	inboxes := func(n int, tag string) []string {
		var out []string
		for i := range n {
			out = append(out, fmt.Sprintf("https://%s%d.example/inbox", tag, i))
		}
		return out
	}
	queued := ts.Svc.Now().Add(-90 * time.Second)
	if err := store.EnqueueDeliveries(ctx, `{"type":"Create"}`, "user", 1, inboxes(3, "a"), queued); err != nil {
		t.Fatal(err)
	}
	if _, err := store.EnqueueInbox(ctx, &models.InboxActivity{ActivityID: "https://remote.example/1", Body: "{}", CreatedAt: ts.Svc.Now().Add(-30 * time.Second)}); err != nil {
		t.Fatal(err)
	}

	want := func(body string, lines ...string) {
		t.Helper()
		for _, l := range lines {
			if !strings.Contains(body, l+"\n") {
				t.Fatalf("/metrics lacks %q:\n%s", l, grepLines(body, "hearth_queue"))
			}
		}
	}
	body := scrapeMetrics(t, ts, token)
	want(body,
		`hearth_queue_stats_up 1`,
		`hearth_queue_depth{queue="deliveries"} 3`,
		`hearth_queue_oldest_age_seconds{queue="deliveries"} 90`,
		`hearth_queue_depth{queue="inbox"} 1`,
		`hearth_queue_oldest_age_seconds{queue="inbox"} 30`,
		`hearth_queue_depth{queue="mail"} 0`,
		`hearth_queue_oldest_age_seconds{queue="mail"} 0`,
		`hearth_queue_depth{queue="pending_replies"} 0`,
		`hearth_queue_depth{queue="remote_media"} 0`,
	)

	// More work within the cache window: the scrape repeats the figures
	// it measured, so a scrape storm costs the database nothing more.
	if err := store.EnqueueDeliveries(ctx, `{"type":"Create"}`, "user", 1, inboxes(2, "b"), ts.Svc.Now()); err != nil {
		t.Fatal(err)
	}
	advance(2 * time.Second)
	want(scrapeMetrics(t, ts, token), `hearth_queue_depth{queue="deliveries"} 3`)

	// Past the window it measures again.
	advance(5 * time.Second)
	want(scrapeMetrics(t, ts, token),
		`hearth_queue_depth{queue="deliveries"} 5`,
		`hearth_queue_oldest_age_seconds{queue="deliveries"} 97`,
	)
}

func grepLines(body, prefix string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
