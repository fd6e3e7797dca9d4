package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
)

// TestQueueStats: depth counts rows still to do (pending and claimed, not
// done or dead), and the oldest is the earliest of those, read back as a
// time on SQLite (text from MIN) and PostgreSQL alike.
func TestQueueStats(t *testing.T) {
	s := modelstest.Open(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) // only stored and read back: no clock compares with it
	if err := s.EnqueueDeliveries(ctx, `{"type":"Create"}`, "user", 1, []string{"https://a.example/inbox", "https://b.example/inbox"}, t0); err != nil {
		t.Fatal(err)
	}
	// Both are claimed and one of them finishes; then a newer job comes,
	// so one old row is left in processing and one newer in pending.
	claimed, err := s.ClaimDeliveries(ctx, t0, time.Minute, 10)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("claim: %v %d", err, len(claimed))
	}
	if err := s.FinishDelivery(ctx, claimed[0].ID, claimed[0].ClaimedBy, models.QueueDone, t0, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.EnqueueDeliveries(ctx, `{"type":"Create"}`, "user", 1, []string{"https://c.example/inbox"}, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EnqueueInbox(ctx, &models.InboxActivity{ActivityID: "https://a.example/1", Body: "{}", CreatedAt: t0.Add(2 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	stats, err := s.QueueStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]models.QueueStat{}
	for _, st := range stats {
		got[st.Queue] = st
	}
	want := map[string]struct {
		depth  int64
		oldest time.Time
	}{
		"deliveries":      {2, t0},
		"inbox":           {1, t0.Add(2 * time.Minute)},
		"mail":            {0, time.Time{}},
		"pending_replies": {0, time.Time{}},
		"remote_media":    {0, time.Time{}},
	}
	if len(got) != len(want) {
		t.Fatalf("queues: %+v", stats)
	}
	for q, w := range want {
		if got[q].Depth != w.depth || !got[q].Oldest.Equal(w.oldest) {
			t.Errorf("%s: depth %d oldest %v, want %d %v", q, got[q].Depth, got[q].Oldest, w.depth, w.oldest)
		}
	}
}
