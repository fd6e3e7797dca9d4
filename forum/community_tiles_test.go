package forum_test

import (
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
)

func TestStatsTileChange(t *testing.T) {
	for _, c := range []struct {
		cur, prev float64
		lower     bool
		pct       int
		ok        bool
		trend     string
	}{
		{112, 100, false, 12, true, "better"},
		{97, 100, false, -3, true, "worse"},
		{5, 5, false, 0, true, "same"},
		{3, 0, false, 0, false, "better"}, // new: no percentage from zero
		{0, 0, false, 0, false, "same"},
		{30, 60, true, -50, true, "better"}, // a response time halved
		{0.5, 0.25, true, 100, true, "worse"},
		{2, 3, false, -33, true, "worse"},
		{2.5, 2, false, 25, true, "better"},
		{1, 8, false, -88, true, "worse"}, // −87.5 rounds away from zero
	} {
		tile := forum.StatsTile{Current: c.cur, Prev: c.prev, LowerIsBetter: c.lower}
		if pct, ok := tile.Change(); pct != c.pct || ok != c.ok {
			t.Errorf("%v→%v: change %d %v, want %d %v", c.prev, c.cur, pct, ok, c.pct, c.ok)
		}
		if got := tile.Trend(); got != c.trend {
			t.Errorf("%v→%v: trend %q, want %q", c.prev, c.cur, got, c.trend)
		}
	}
}

func TestPreviousWindow(t *testing.T) {
	from := time.Date(2030, 3, 1, 0, 0, 0, 0, time.UTC)
	st := &forum.CommunityStats{From: from, To: from.AddDate(0, 0, 30)} // 1..30 March
	if f, to := forum.PreviousWindow(st); f != "2030-01-30" || to != "2030-02-28" || st.WindowDays() != 30 {
		t.Fatalf("previous window %s..%s (%d days)", f, to, st.WindowDays())
	}
}
