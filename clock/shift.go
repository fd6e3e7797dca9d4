//go:build clockshift

package clock

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

func init() {
	d, err := parseShift(os.Getenv(ShiftEnv))
	if err != nil {
		// A typo must not quietly run the suite unshifted.
		panic(fmt.Sprintf("clock: %s: %v", ShiftEnv, err))
	}
	offset = d
}

// maxShiftDays keeps a shift in days inside time.Duration's range.
const maxShiftDays = 100 * 366

// parseShift reads a Go duration ("9600h", "-36h30m") or a whole number of
// days ("400d", "-400d"), since calendar shifts are easier to say in days.
// Empty means no shift.
func parseShift(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n > maxShiftDays || n < -maxShiftDays {
			return 0, fmt.Errorf("%q: want a duration like 9600h or a number of days like 400d", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q: want a duration like 9600h or a number of days like 400d", s)
	}
	return d, nil
}
