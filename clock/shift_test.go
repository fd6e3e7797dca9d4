//go:build clockshift

package clock

import (
	"os"
	"testing"
	"time"
)

func TestParseShift(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{in: "", want: 0},
		{in: "0s", want: 0},
		{in: "400d", want: 400 * 24 * time.Hour},
		{in: "-400d", want: -400 * 24 * time.Hour},
		{in: " 1d ", want: 24 * time.Hour},
		{in: "9600h", want: 9600 * time.Hour},
		{in: "-36h30m", want: -(36*time.Hour + 30*time.Minute)},
		{in: "1.5d", bad: true},
		{in: "d", bad: true},
		{in: "400", bad: true},
		{in: "tomorrow", bad: true},
		{in: "99999999d", bad: true}, // beyond time.Duration
	} {
		got, err := parseShift(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("parseShift(%q) = %v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("parseShift(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

// TestShiftApplied keeps a shifted CI pass honest: built with the tag, the
// clock must be moved by exactly what the environment asks, and the
// environment must ask (the tag exists only for shifted runs).
func TestShiftApplied(t *testing.T) {
	env := os.Getenv(ShiftEnv)
	if env == "" {
		t.Fatalf("built with -tags clockshift but %s is not set: this run is not shifted", ShiftEnv)
	}
	want, err := parseShift(env)
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	got := Now()
	after := time.Now()
	if got.Before(before.Add(want)) || got.After(after.Add(want)) {
		t.Fatalf("clock.Now() = %v, want the wall clock %v shifted by %s", got, before, want)
	}
}
