package forum_test

import (
	"testing"

	"github.com/hearth/hearth/forum"
)

func TestSlowModeWords(t *testing.T) {
	for _, tc := range []struct {
		secs         int
		every, input string
	}{
		{600, "10 minutes", "10m"},
		{60, "1 minute", "1m"},
		{30, "30 seconds", "30s"},
		{3600, "1 hour", "1h"},
		{5400, "1 hour 30 minutes", "1h30m"},
		{86400, "24 hours", "24h"},
		{0, "0 seconds", ""},
	} {
		if got := forum.SlowModeEvery(tc.secs); got != tc.every {
			t.Errorf("SlowModeEvery(%d) = %q, want %q", tc.secs, got, tc.every)
		}
		if got := forum.SlowModeInput(tc.secs); got != tc.input {
			t.Errorf("SlowModeInput(%d) = %q, want %q", tc.secs, got, tc.input)
		}
	}
}
