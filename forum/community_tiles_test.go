package forum_test

import (
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
)

func TestStatsTileChange(t *testing.T) {
	for _, c := range []struct {
		cur, prev   float64
		lower       bool
		text, trend string
	}{
		{112, 100, false, "+12%", "better"},
		{97, 100, false, "−3%", "worse"},
		{5, 5, false, "no change", "same"},
		{3, 0, false, "new", "better"},
		{0, 0, false, "", "same"},
		{30, 60, true, "−50%", "better"}, // a response time halved
		{0.5, 0.25, true, "+100%", "worse"},
		{2, 3, false, "−33%", "worse"},
	} {
		tile := forum.StatsTile{Current: c.cur, Prev: c.prev, LowerIsBetter: c.lower}
		if got := tile.ChangeText(); got != c.text {
			t.Errorf("%v→%v: change %q, want %q", c.prev, c.cur, got, c.text)
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
