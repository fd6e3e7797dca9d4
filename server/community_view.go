package server

import (
	"math"
	"strconv"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/i18n"
)

// The community dashboard's figures in the viewer's language: tiles,
// percentages and minutes (German writes "12 %" and "4,5").

// StatTile is one summary tile as the page shows it.
type StatTile struct {
	Label, Value string
	// Change is "+12%", "−3%" (a real minus sign), "no change", "new"
	// (from zero) or "" (zero both times); Trend is better, worse or same.
	Change, Trend string
}

// statTiles words forum's tiles.
func statTiles(l *i18n.Lang, tiles []forum.StatsTile) []StatTile {
	out := make([]StatTile, 0, len(tiles))
	for _, t := range tiles {
		v := StatTile{Label: l.T("staff.community.tile_" + t.Key), Trend: t.Trend()}
		switch t.Unit {
		case forum.TileShare:
			v.Value = percentIn(l, t.Current)
		case forum.TileSeconds:
			v.Value = l.T("staff.community.minutes_short", "N", minutesIn(l, int64(t.Current)))
		default:
			v.Value = l.Num(int(t.Current))
		}
		pct, ok := t.Change()
		switch {
		case !ok && t.Current == 0:
		case !ok:
			v.Change = l.T("staff.community.change_new")
		case pct > 0:
			v.Change = l.T("staff.community.change_up", "N", l.Num(pct))
		case pct < 0:
			v.Change = l.T("staff.community.change_down", "N", l.Num(-pct))
		default:
			v.Change = l.T("staff.community.change_none")
		}
		out = append(out, v)
	}
	return out
}

// percentIn writes a share as a whole percentage: "12%", "12 %".
func percentIn(l *i18n.Lang, share float64) string {
	return l.T("staff.community.percent", "N", l.Num(int(math.Round(share*100))))
}

// minutesIn writes a wait in seconds as minutes with one decimal: "4.5",
// "4,5".
func minutesIn(l *i18n.Lang, seconds int64) string {
	tenths := int64(math.Round(float64(seconds) / 6))
	return l.T("staff.community.decimal", "Whole", l.Num(int(tenths/10)), "Tenth", strconv.FormatInt(tenths%10, 10))
}
