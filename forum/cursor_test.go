package forum

import (
	"testing"
	"time"
)

// FuzzParseCursor: page cursors come from the query string; any input must
// either parse to a cursor that formats back to itself or be refused.
func FuzzParseCursor(f *testing.F) {
	for _, s := range []string{"", "1700000000000000_42", "_", "x_y", "-1_-1", "99999999999999999999_1", "1_2_3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(s)
		if err != nil || c == nil {
			return
		}
		back := formatCursor(c.LastPostAt, c.ID)
		c2, err := parseCursor(back)
		if err != nil || !c2.LastPostAt.Equal(c.LastPostAt) || c2.ID != c.ID {
			t.Fatalf("cursor %q does not round-trip: %q", s, back)
		}
	})
}

func TestCursorRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 0, 0, 123000, time.UTC)
	c, err := parseCursor(formatCursor(at, 7))
	if err != nil || !c.LastPostAt.Equal(at) || c.ID != 7 {
		t.Fatalf("round trip: %+v %v", c, err)
	}
	for _, bad := range []string{"abc", "1_", "_1", "1-2"} {
		if _, err := parseCursor(bad); err == nil {
			t.Errorf("parseCursor(%q) accepted", bad)
		}
	}
}
