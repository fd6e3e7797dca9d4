package server

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"
)

func TestRelTime(t *testing.T) {
	en := testCatalog(t).Get("en")
	// now is derived from the running clock, never a pinned calendar date;
	// cases that need a time of day or a year boundary build on its day.
	now := time.Now().UTC()
	y, m, d := now.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	noon := day.Add(12 * time.Hour)
	for _, tc := range []struct {
		name   string
		now, t time.Time
		want   string
	}{
		{"seconds", now, now.Add(-20 * time.Second), "just now"},
		{"future (skew)", now, now.Add(time.Minute), "just now"},
		{"one minute", now, now.Add(-61 * time.Second), "1 minute ago"},
		{"minutes", now, now.Add(-5 * time.Minute), "5 minutes ago"},
		{"one hour", now, now.Add(-time.Hour), "1 hour ago"},
		{"hours", now, now.Add(-3*time.Hour - 10*time.Minute), "3 hours ago"},
		{"yesterday", noon, noon.Add(-30 * time.Hour), "yesterday"},
		{"days", noon, noon.Add(-4 * 24 * time.Hour), "4 days ago"},
		{"same year", time.Date(now.Year(), 12, 20, 12, 0, 0, 0, time.UTC), time.Date(now.Year(), 10, 3, 9, 0, 0, 0, time.UTC), "3 Oct"},
		{"last year, recent", time.Date(now.Year(), 1, 20, 12, 0, 0, 0, time.UTC), time.Date(now.Year()-1, 12, 1, 9, 0, 0, 0, time.UTC), "1 Dec " + strconv.Itoa(now.Year()-1)},
		{"over a year", now, now.AddDate(-1, -1, 0), now.AddDate(-1, -1, 0).Format("2 Jan 2006")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := en.Ago(tc.now, tc.t); got != tc.want {
				t.Errorf("Ago = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestInitials(t *testing.T) {
	for _, tc := range []struct{ display, username, want string }{
		{"Ana Lima", "ana", "AL"},
		{"ana lima-souza", "ana", "AL"},
		{"", "ben", "B"},
		{"Ben", "ben", "B"},
		{"Émile Zola Jr", "emile", "ÉZ"},
		{"", "_carol", "C"},
		{"", "", "?"},
	} {
		if got := initials(tc.display, tc.username); got != tc.want {
			t.Errorf("initials(%q, %q) = %q, want %q", tc.display, tc.username, got, tc.want)
		}
	}
}

func TestAvatarColourIsStableAndSpread(t *testing.T) {
	if avatarColour("Ana", "") != avatarColour("ana", "") {
		t.Error("the colour depends on the name's case")
	}
	seen := map[string]bool{}
	for i := 0; i < 60; i++ {
		c := avatarColour("member"+strconv.Itoa(i), "")
		if !regexp.MustCompile(`^avatar-c([0-9]|1[01])$`).MatchString(c) {
			t.Fatalf("colour %q is not one of the palette's classes", c)
		}
		seen[c] = true
	}
	if len(seen) < avatarColours*2/3 {
		t.Errorf("60 names used only %d of %d colours", len(seen), avatarColours)
	}
	if avatarColour("rin", "a.example") == avatarColour("rin", "") && avatarColour("rin", "b.example") == avatarColour("rin", "") && avatarColour("rin", "c.example") == avatarColour("rin", "") {
		t.Error("remote accounts with a local namesake always share its colour")
	}
}

// TestAvatarPaletteContrast holds every generated-avatar colour in
// static/app.css to WCAG AA (4.5:1) against its initials' colour, and checks
// the palette has as many classes as avatarColour hands out.
func TestAvatarPaletteContrast(t *testing.T) {
	css, err := os.ReadFile("../static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\.avatar-initial\.avatar-c(\d+) \{ background: #([0-9a-f]{6}); color: #([0-9a-f]{6}); \}`)
	found := map[int]bool{}
	for _, m := range re.FindAllStringSubmatch(string(css), -1) {
		n, _ := strconv.Atoi(m[1])
		found[n] = true
		if r := contrast(m[2], m[3]); r < 4.5 {
			t.Errorf("avatar-c%d: #%s on #%s has contrast %.2f, below 4.5", n, m[3], m[2], r)
		}
	}
	for i := 0; i < avatarColours; i++ {
		if !found[i] {
			t.Errorf("static/app.css defines no avatar-c%d", i)
		}
	}
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	var c [3]float64
	for i := range c {
		v, _ := strconv.ParseUint(hex[2*i:2*i+2], 16, 8)
		s := float64(v) / 255
		if s <= 0.03928 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}
