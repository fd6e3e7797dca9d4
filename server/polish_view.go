package server

import (
	"hash/fnv"
	"strconv"
	"strings"
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

// pagerArgs feeds the pagination partial (through the paginate function,
// pagination_cache.go) with a landmark name of its own,
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
