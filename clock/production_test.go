//go:build !clockshift

package clock

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// helperEnv makes the test binary print its clock offset and exit, so a
// test can see what a fresh process makes of the environment.
const helperEnv = "HEARTH_CLOCK_TEST_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "1" {
		fmt.Print(Now().Sub(time.Now()).Round(time.Hour))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestEnvironmentCannotShiftProduction: a build without the clockshift tag
// (every real binary) reads the wall clock even when the variable is set.
func TestEnvironmentCannotShiftProduction(t *testing.T) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), helperEnv+"=1", ShiftEnv+"=400d")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper process: %v", err)
	}
	if got := strings.TrimSpace(string(out)); got != "0s" {
		t.Fatalf("with %s=400d an untagged build's clock is off by %s, want 0s", ShiftEnv, got)
	}
}

// TestShiftNeedsTag: the variable set without the tag means someone meant
// a shifted run and would silently get an unshifted one.
func TestShiftNeedsTag(t *testing.T) {
	if v := os.Getenv(ShiftEnv); v != "" {
		t.Fatalf("%s=%s is set but this test binary was built without -tags clockshift, so the clock is not shifted", ShiftEnv, v)
	}
}
