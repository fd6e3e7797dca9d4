package forum

import (
	"math"
	"strconv"
)

// StatsTile is one summary figure at the top of /community with the same
// figure over the previous window of equal length.
type StatsTile struct {
	Label         string
	Value         string // the current figure as shown
	Current, Prev float64
	LowerIsBetter bool // response times and unanswered shares
}

// Change is the change against the previous window in whole percent
// (rounded half away from zero); ok is false when the previous value was
// zero, where a percentage means nothing.
func (t StatsTile) Change() (pct int, ok bool) {
	if t.Prev == 0 {
		return 0, false
	}
	return int(math.Round((t.Current - t.Prev) / t.Prev * 100)), true
}

// ChangeText is the change as the tile shows it: "+12%", "−3%" (a real
// minus sign), "no change", "new" (from zero) or "" (zero both times).
func (t StatsTile) ChangeText() string {
	pct, ok := t.Change()
	switch {
	case !ok && t.Current == 0:
		return ""
	case !ok:
		return "new"
	case pct > 0:
		return "+" + strconv.Itoa(pct) + "%"
	case pct < 0:
		return "−" + strconv.Itoa(-pct) + "%"
	}
	return "no change"
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
	minutes := func(sec int64) string { return strconv.FormatFloat(float64(sec)/60, 'f', 1, 64) + " min" }
	pct := func(f float64) string { return strconv.FormatFloat(f*100, 'f', 0, 64) + "%" }
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	tiles := []StatsTile{
		{Label: "Active members", Value: n(cur.MAU), Current: float64(cur.MAU), Prev: float64(prev.MAU)},
		{Label: "New members", Value: n(cur.NewMembers), Current: float64(cur.NewMembers), Prev: float64(prev.NewMembers)},
		{Label: "Posts", Value: n(cur.Posts), Current: float64(cur.Posts), Prev: float64(prev.Posts)},
		{Label: "New threads", Value: n(cur.Threads), Current: float64(cur.Threads), Prev: float64(prev.Threads)},
		{Label: "Contributors", Value: n(cur.Contributors), Current: float64(cur.Contributors), Prev: float64(prev.Contributors)},
		{Label: "Unanswered threads", Value: pct(cur.NoResponseShare), Current: cur.NoResponseShare, Prev: prev.NoResponseShare, LowerIsBetter: true},
	}
	if cur.Answered > 0 {
		t := StatsTile{Label: "First response (median)", Value: minutes(cur.TTFRMedianSeconds), Current: float64(cur.TTFRMedianSeconds), LowerIsBetter: true}
		if prev.Answered > 0 {
			t.Prev = float64(prev.TTFRMedianSeconds)
		}
		tiles = append(tiles, t)
	}
	return tiles
}

// WindowDays is how many days a stats window covers.
func (st *CommunityStats) WindowDays() int { return int(st.To.Sub(st.From) / day24) }
