package server

import (
	"hash/fnv"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/hearth/hearth/models"
)

// avatarColours is how many background classes (avatar-c0 …) static/app.css
// defines for generated avatars; every one keeps white initials at WCAG AA
// contrast (TestAvatarPaletteContrast reads the CSS to hold it to that).
const avatarColours = 12

// avatarColour picks a member's generated-avatar colour from their name (and
// server, for remote accounts): the same member always gets the same colour,
// different members mostly differ. A class, not an inline style, because the
// CSP forbids inline styles.
func avatarColour(username, domain string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(strings.ToLower(username)))
	if domain != "" {
		_, _ = h.Write([]byte("@" + strings.ToLower(domain)))
	}
	return "avatar-c" + strconv.Itoa(int(h.Sum32()%avatarColours))
}

// userColour is avatarColour for a *models.User; "" (the plain accent) for nil.
func userColour(u *models.User) string {
	if u == nil || u.Username == "" {
		return ""
	}
	return avatarColour(u.Username, u.Domain)
}

// initials are up to two letters for a generated avatar: the first letters
// of the first two words of the display name ("Ana Lima" → "AL"), else the
// first letter of the username.
func initials(display, username string) string {
	var out []rune
	for _, w := range strings.FieldsFunc(display, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		out = append(out, unicode.ToUpper([]rune(w)[0]))
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 2 {
		return string(out)
	}
	for _, r := range username {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return string(unicode.ToUpper(r))
		}
	}
	if len(out) == 1 {
		return string(out)
	}
	return "?"
}

func userInitials(u *models.User) string {
	if u == nil {
		return "?"
	}
	return initials(u.DisplayName, u.Username)
}

// relTime says how long ago t was, as of now (the forum's clock, so tests
// and shifted clocks agree): "just now", "5 minutes ago", "3 hours ago",
// "yesterday", "4 days ago", then the date: "12 Oct" within the current
// year and "12 Oct 2025" before it, so an old post never reads as just
// "Oct 2025". The exact time goes in the <time> element's title.
func relTime(now, t time.Time) string {
	d := now.Sub(t)
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit + " ago"
		}
		return strconv.Itoa(n) + " " + unit + "s ago"
	}
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d.Minutes()), "minute")
	case d < 24*time.Hour:
		return plural(int(d.Hours()), "hour")
	}
	nowDay := dayOf(now)
	days := int(nowDay.Sub(dayOf(t)).Hours() / 24)
	switch {
	case days <= 1:
		return "yesterday"
	case days < 7:
		return strconv.Itoa(days) + " days ago"
	case t.UTC().Year() == now.UTC().Year():
		return t.UTC().Format("2 Jan")
	}
	return t.UTC().Format("2 Jan 2006")
}

func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// pagerArgs feeds the pagination partial with a landmark name of its own,
// so a page that shows the pager twice names them apart ("Pages, top",
// "Pages, bottom") instead of two landmarks both called "Pages".
type pagerArgs struct {
	Thread *models.Thread
	Page   int
	Pages  int
	Label  string
}

// badgeCount is an unread count as the header's badge shows it: "99+" past
// 99 so the badge stays a small round mark.
func badgeCount(n int) string {
	if n > 99 {
		return "99+"
	}
	return strconv.Itoa(n)
}
