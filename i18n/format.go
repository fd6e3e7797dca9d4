package i18n

import (
	"strconv"
	"strings"
	"time"
)

// Num writes n the language's way: 1,234 in English, 1.234 in German.
func (l *Lang) Num(n int) string {
	if n > -1000 && n < 1000 {
		return strconv.Itoa(n) // no separator to place: skip the printer
	}
	return l.printer.Sprint(n)
}

// months are the catalog ids of the abbreviated month names.
var months = [...]string{
	"date.month.jan", "date.month.feb", "date.month.mar", "date.month.apr",
	"date.month.may", "date.month.jun", "date.month.jul", "date.month.aug",
	"date.month.sep", "date.month.oct", "date.month.nov", "date.month.dec",
}

// Date writes a day with its month and year: "2 Jan 2026", "2. Jan. 2026".
func (l *Lang) Date(t time.Time) string { return l.dayText(t, withYear) }

// The two ways a day is written: Date's, and Ago's within the year.
const (
	withYear = iota
	withoutYear
)

// dayText is one written day, as dayText caches it.
type dayText struct {
	day  int64 // days since 1970-01-01 (UTC)
	kind int   // withYear or withoutYear
	text string
}

// dayText writes t's day (UTC) the way kind says, from a small cache: a
// thread page writes a date for each of its hundred posts, mostly of a
// few days, and each was two catalog lookups and two formatted numbers
// (4% of a member's thread page). The cache is direct-mapped (a slot per
// day and kind), so it is bounded and needs no lock; a slot lost to a
// concurrent store is only written again.
func (l *Lang) dayText(t time.Time, kind int) string {
	t = t.UTC()
	day := t.Unix() / 86400
	if t.Unix() < 0 && t.Unix()%86400 != 0 {
		day-- // floor, not truncation, before 1970
	}
	slot := &l.days[uint64(day*2+int64(kind))%uint64(len(l.days))]
	if e := slot.Load(); e != nil && e.day == day && e.kind == kind {
		return e.text
	}
	var text string
	if kind == withYear {
		text = l.T("date.day_month_year", "Day", t.Day(), "Month", l.T(months[t.Month()-1]), "Year", t.Year())
	} else {
		text = l.T("date.day_month", "Day", t.Day(), "Month", l.T(months[t.Month()-1]))
	}
	slot.Store(&dayText{day: day, kind: kind, text: text})
	return text
}

// DateTime writes Date with the time of day (UTC).
func (l *Lang) DateTime(t time.Time) string {
	t = t.UTC()
	return l.T("date.date_time", "Date", l.Date(t), "Time", t.Format("15:04"))
}

// Ago says how long ago t was, as of now (the forum's clock, so tests and
// shifted clocks agree): "just now", "5 minutes ago", "3 hours ago",
// "yesterday", "4 days ago", then the date: the day and month within the
// current year, with the year before it, so an old post never reads as
// just "Oct 2025". Pages put the exact time in the <time> element's title.
func (l *Lang) Ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return l.T("time.just_now")
	case d < time.Hour:
		return l.N("time.minutes_ago", int(d.Minutes()))
	case d < 24*time.Hour:
		return l.N("time.hours_ago", int(d.Hours()))
	}
	days := int(dayOf(now).Sub(dayOf(t)).Hours() / 24)
	switch {
	case days <= 1:
		return l.T("time.yesterday")
	case days < 7:
		return l.N("time.days_ago", days)
	case t.UTC().Year() == now.UTC().Year():
		return l.dayText(t, withoutYear)
	}
	return l.Date(t)
}

func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// durationUnits are an interval's units, largest first, with their ids.
var durationUnits = [...]struct {
	secs int
	id   string
}{{3600, "time.duration.hours"}, {60, "time.duration.minutes"}, {1, "time.duration.seconds"}}

// Duration writes an interval of secs seconds in words: "1 hour 30
// minutes", "1 Stunde 30 Minuten"; "0 seconds" for none.
func (l *Lang) Duration(secs int) string {
	if secs <= 0 {
		return l.N("time.duration.seconds", 0)
	}
	var parts []string
	for _, u := range durationUnits {
		if n := secs / u.secs; n > 0 {
			parts = append(parts, l.N(u.id, n))
			secs -= n * u.secs
		}
	}
	return strings.Join(parts, " ")
}
