//go:build clockshift

package main

import (
	"os"

	"github.com/hearth/hearth/clock"
)

// A shifted test run builds hearth shifted too and hands it the same shift,
// so the binary and the test that checks it read one clock.
func init() {
	buildFlags = []string{"-tags", "clockshift"}
	shiftEnv = []string{clock.ShiftEnv + "=" + os.Getenv(clock.ShiftEnv)}
}
