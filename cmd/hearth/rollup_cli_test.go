package main

import (
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/clock"
)

// TestAdminRollup: `hearth admin rollup` computes a range of past days,
// again idempotently, and refuses today and bad dates with one clear line.
func TestAdminRollup(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, nil, "dev", "seed", "--data-dir", dir, "--users", "5", "--threads", "20", "--posts-per-thread", "3")
	today := clock.Now().UTC().Truncate(24 * time.Hour)
	from, to := today.AddDate(0, 0, -3).Format("2006-01-02"), today.AddDate(0, 0, -1).Format("2006-01-02")
	for i := 0; i < 2; i++ {
		r := mustRun(t, nil, "admin", "rollup", "--data-dir", dir, "--from", from, "--to", to)
		if !strings.Contains(r.stdout, "rolled up 3 days") {
			t.Fatalf("run %d: %q", i, r.stdout)
		}
	}
	if r := run(t, nil, "admin", "rollup", "--data-dir", dir, "--from", "yesterday"); r.code == 0 || !strings.Contains(r.stderr, "--from: use a date like") {
		t.Errorf("bad date: %s", r)
	}
	if r := run(t, nil, "admin", "rollup", "--data-dir", dir, "--to", today.Format("2006-01-02")); r.code == 0 || !strings.Contains(r.stderr, "only days before today") {
		t.Errorf("today: %s", r)
	}
}
