// Package clock is Hearth's one source of the current time for anything
// that is a date or is compared with a stored time (created_at, due rows,
// expiries, signed Date headers). Services take it as their default clock
// and tests replace theirs (forum.Service.SetClock); measuring how long
// something took may keep using time.Now.
//
// Production builds read the wall clock, whatever the environment says.
// Test binaries built with -tags clockshift move it by
// HEARTH_TEST_CLOCK_SHIFT (shift.go), so CI can run the suite as if it were
// far in the future and catch tests that depend on the day they run.
package clock

import "time"

// ShiftEnv names the variable a clockshift test binary reads its shift
// from; other builds ignore it.
const ShiftEnv = "HEARTH_TEST_CLOCK_SHIFT"

// offset is added to the wall clock. It is zero unless shift.go, compiled
// only with the clockshift tag, sets it once at start from the environment.
var offset time.Duration

// Now is the current time: the wall clock, plus the test shift in
// clockshift builds. Like time.Now it is in the local zone; callers that
// store or compare it take .UTC() as before.
func Now() time.Time { return time.Now().Add(offset) }
