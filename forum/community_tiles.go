package forum

import (
	"math"
)

// StatsTile is one summary figure at the top of /community with the same
// figure over the previous window of equal length. Key names the figure
// and Unit says how Current reads (server/ words both in the viewer's
// language).
type StatsTile struct {
	Key           string // "active_members", "new_members", "posts", "new_threads", "contributors", "unanswered", "first_response"
	Unit          string // TileCount, TileShare or TileSeconds
	Current, Prev float64
	LowerIsBetter bool // response times and unanswered shares
}

// How a tile's figures read.
const (
	TileCount   = "count"   // a whole number
	TileShare   = "share"   // a fraction, shown as a percentage
	TileSeconds = "seconds" // a wait, shown in minutes
)

// Change is the change against the previous window in whole percent
// (rounded half away from zero); ok is false when the previous value was
// zero, where a percentage means nothing ("new" when Current is not).
func (t StatsTile) Change() (pct int, ok bool) {
	if t.Prev == 0 {
		return 0, false
	}
	return int(math.Round((t.Current - t.Prev) / t.Prev * 100)), true
}

// Trend is "better", "worse" or "same", for the tile's words and colour
// (never colour alone: the text says it too).
func (t StatsTile) Trend() string {
	switch {
	case t.Current == t.Prev:
		return "same"
	case (t.Current > t.Prev) != t.LowerIsBetter:
		return "better"
	}
	return "worse"
}

// PreviousWindow is the from..to (inclusive days) of the window of equal
// length that ends the day before st's starts.
func PreviousWindow(st *CommunityStats) (from, to string) {
	days := st.WindowDays()
	return st.From.AddDate(0, 0, -days).Format(dayLayout), st.From.AddDate(0, 0, -1).Format(dayLayout)
}

// StatsTiles are the summary tiles for cur against prev.
func StatsTiles(cur, prev *CommunityStats) []StatsTile {
	n := func(key string, cur, prev int64) StatsTile {
		return StatsTile{Key: key, Unit: TileCount, Current: float64(cur), Prev: float64(prev)}
	}
	tiles := []StatsTile{
		n("active_members", cur.MAU, prev.MAU),
		n("new_members", cur.NewMembers, prev.NewMembers),
		n("posts", cur.Posts, prev.Posts),
		n("new_threads", cur.Threads, prev.Threads),
		n("contributors", cur.Contributors, prev.Contributors),
		{Key: "unanswered", Unit: TileShare, Current: cur.NoResponseShare, Prev: prev.NoResponseShare, LowerIsBetter: true},
	}
	if cur.Answered > 0 {
		t := StatsTile{Key: "first_response", Unit: TileSeconds, Current: float64(cur.TTFRMedianSeconds), LowerIsBetter: true}
		if prev.Answered > 0 {
			t.Prev = float64(prev.TTFRMedianSeconds)
		}
		tiles = append(tiles, t)
	}
	return tiles
}

// WindowDays is how many days a stats window covers.
func (st *CommunityStats) WindowDays() int { return int(st.To.Sub(st.From) / day24) }
