package forum_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// loginScene is one member and a clock the test moves.
type loginScene struct {
	*forumtest.Env
	now   time.Time
	owner *models.User
}

func newLoginScene(t *testing.T) *loginScene {
	sc := &loginScene{Env: forumtest.New(t), now: time.Now().UTC().Truncate(time.Second)}
	sc.Svc.SetClock(func() time.Time { return sc.now })
	sc.owner = sc.User("alice", models.RoleMember)
	return sc
}

func (sc *loginScene) login(password, addr, device string) (*forum.LoginResult, error) {
	return sc.Svc.LogIn(sc.Ctx, forum.LoginInput{Login: "alice", Password: password, Addr: addr, Device: device})
}

// ok logs the owner in and returns the device cookie the login set.
func (sc *loginScene) ok(t *testing.T, addr, device, why string) string {
	t.Helper()
	r, err := sc.login("password123", addr, device)
	if err != nil {
		t.Fatalf("%s: owner refused: %v", why, err)
	}
	return r.Device
}

func (sc *loginScene) limited(t *testing.T, addr, device, why string) *forum.RateLimitError {
	t.Helper()
	_, err := sc.login("password123", addr, device)
	var rl *forum.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("%s: want a rate limit, got %v", why, err)
	}
	if rl.RetryAfter <= 0 || rl.RetryAfter > 15*time.Minute || !strings.Contains(rl.Message, "Try again in") {
		t.Fatalf("%s: limit without a clear wait: %v %q", why, rl.RetryAfter, rl.Message)
	}
	return rl
}

func (sc *loginScene) fail(t *testing.T, addr, device string) {
	t.Helper()
	_, err := sc.login("wrong-password", addr, device)
	if _, ok := forum.AsValidation(err); !ok {
		t.Fatalf("wrong password from %s: want a validation error, got %v", addr, err)
	}
}

func (sc *loginScene) alerts(t *testing.T) int {
	t.Helper()
	l, err := sc.Svc.Notifications(sc.Ctx, sc.owner, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range l.Items {
		if it.Kind == forum.NotifyLoginAttack {
			n++
		}
	}
	return n
}

// TestLoginLimitsOneAttackerCannotLockOwnerOut is the review's report:
// five wrong passwords from one address used to lock the owner out
// everywhere.
func TestLoginLimitsOneAttackerCannotLockOwnerOut(t *testing.T) {
	sc := newLoginScene(t)
	device := sc.ok(t, "10.0.0.1", "", "first login")
	for range 5 {
		sc.fail(t, "192.0.2.66", "")
	}
	rl := sc.limited(t, "192.0.2.66", "", "attacker after 5 failures")
	if !strings.Contains(rl.Message, "this account from your network") {
		t.Fatalf("attacker's message: %q", rl.Message)
	}
	// The owner: a new address with the device cookie, the known address
	// without it, and even a brand-new device on a new address (the
	// account-wide bound is far higher than one address's).
	sc.ok(t, "198.51.100.7", device, "known device, new address")
	sc.ok(t, "10.0.0.1", "", "known address, no cookie")
	sc.ok(t, "203.0.113.9", "", "new device and address, small attack")
	sc.limited(t, "192.0.2.66", "", "attacker after the owner's logins")
	if n := sc.alerts(t); n != 0 {
		t.Fatalf("%d alerts for five failures", n)
	}
	// The window passes: the attacker's address may try again.
	sc.now = sc.now.Add(15*time.Minute + time.Second)
	sc.ok(t, "192.0.2.66", "", "attacker's address after the window")
}

// TestLoginLimitsRotatingAttacker: an attacker using many addresses meets
// the account-wide bound; the owner's known device and address still get
// in, a brand-new device is told how long to wait, and the owner hears of
// it once per window.
func TestLoginLimitsRotatingAttacker(t *testing.T) {
	sc := newLoginScene(t)
	device := sc.ok(t, "10.0.0.1", "", "first login")
	for i := range 50 {
		sc.fail(t, fmt.Sprintf("192.0.2.%d", i/4), "") // 4 per address: under its own bound
	}
	rl := sc.limited(t, "192.0.2.200", "", "attacker on a fresh address")
	if !strings.Contains(rl.Message, "new devices are paused") || !strings.Contains(rl.Message, "15 minutes") {
		t.Fatalf("account-wide message: %q", rl.Message)
	}
	sc.limited(t, "203.0.113.9", "", "owner on a brand-new device and address")
	sc.ok(t, "198.51.100.7", device, "known device, new address, during the attack")
	sc.ok(t, "10.0.0.1", "", "known address, during the attack")
	for i := range 5 {
		sc.limited(t, fmt.Sprintf("192.0.2.%d", 100+i), "", "attacker keeps going")
	}
	if n := sc.alerts(t); n != 1 {
		t.Fatalf("owner got %d alerts in one window, want 1", n)
	}
	// Five minutes on, the bound still holds, with less to wait.
	sc.now = sc.now.Add(5 * time.Minute)
	if rl := sc.limited(t, "192.0.2.201", "", "five minutes later"); rl.RetryAfter > 10*time.Minute {
		t.Fatalf("wait did not shrink: %v", rl.RetryAfter)
	}
	// Past the window the failures age out: the new device gets in.
	sc.now = sc.now.Add(10*time.Minute + time.Second)
	sc.ok(t, "203.0.113.9", "", "new device after the window")
	// A fresh attack in a later window alerts again, once.
	for i := range 50 {
		sc.fail(t, fmt.Sprintf("192.0.2.%d", i/4), "")
	}
	sc.limited(t, "192.0.2.202", "", "second attack")
	sc.limited(t, "192.0.2.203", "", "second attack again")
	if n := sc.alerts(t); n != 2 {
		t.Fatalf("owner got %d alerts over two windows, want 2", n)
	}
}

// TestLoginLimitsStolenDevice: a trusted device cookie skips the
// account-wide bound but has a small bound of its own, whatever address
// it is used from.
func TestLoginLimitsStolenDevice(t *testing.T) {
	sc := newLoginScene(t)
	device := sc.ok(t, "10.0.0.1", "", "first login")
	for i := range 5 {
		sc.fail(t, fmt.Sprintf("192.0.2.%d", i), device)
	}
	rl := sc.limited(t, "192.0.2.99", device, "stolen cookie after 5 failures")
	if !strings.Contains(rl.Message, "from this browser") {
		t.Fatalf("device message: %q", rl.Message)
	}
	sc.ok(t, "10.0.0.1", "", "owner's known address")
}

// TestLoginDeviceCookieIsIssuedNotAdopted: a cookie the member's browser
// did not get from a login here (planted, or made up) is replaced, so it
// never becomes trusted; a trusted one is kept.
func TestLoginDeviceCookieIsIssuedNotAdopted(t *testing.T) {
	sc := newLoginScene(t)
	planted := strings.Repeat("p", 43)
	got := sc.ok(t, "10.0.0.1", planted, "login with a planted cookie")
	if got == planted || len(got) < 40 {
		t.Fatalf("device cookie %q adopted or too short", got)
	}
	if again := sc.ok(t, "10.0.0.2", got, "login with the issued cookie"); again != got {
		t.Fatalf("trusted cookie replaced: %q -> %q", got, again)
	}
	// The planted value buys nothing during an attack.
	for i := range 50 {
		sc.fail(t, fmt.Sprintf("192.0.2.%d", i/4), "")
	}
	sc.limited(t, "203.0.113.1", planted, "planted cookie during an attack")
	sc.ok(t, "203.0.113.1", got, "issued cookie during an attack")
}

// TestLoginLimitsSharedAcrossProcesses: a second service on the same
// database (another Hearth process) sees the first one's failures.
func TestLoginLimitsSharedAcrossProcesses(t *testing.T) {
	sc := newLoginScene(t)
	for range 5 {
		sc.fail(t, "192.0.2.66", "")
	}
	other := forum.New(sc.Store, sc.Cfg)
	other.BcryptCost = sc.Svc.BcryptCost
	other.SetClock(func() time.Time { return sc.now })
	_, err := other.LogIn(sc.Ctx, forum.LoginInput{Login: "alice", Password: "password123", Addr: "192.0.2.66"})
	var rl *forum.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("other process let the address in: %v", err)
	}
}

// TestLoginLimitsPerAddress: one address guessing across many accounts
// is held by its own bound, not by any account's.
func TestLoginLimitsPerAddress(t *testing.T) {
	sc := newLoginScene(t)
	for i := range 20 {
		_, _ = sc.Svc.LogIn(sc.Ctx, forum.LoginInput{Login: fmt.Sprintf("nobody%d", i), Password: "x", Addr: "10.9.9.9"})
	}
	sc.limited(t, "10.9.9.9", "", "address after 20 failures on other names")
	sc.ok(t, "10.0.0.3", "", "another address")
}

// TestLoginLimitsPrune: maintenance forgets failures past the window and
// trust unused for 180 days, so an old device no longer skips the
// account-wide bound.
func TestLoginLimitsPrune(t *testing.T) {
	sc := newLoginScene(t)
	device := sc.ok(t, "10.0.0.1", "", "first login")
	sc.fail(t, "192.0.2.1", "")
	sc.now = sc.now.Add(16 * time.Minute)
	if err := sc.Svc.PruneLoginLimits(sc.Ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := sc.Store.CountLoginAttempts(sc.Ctx, models.LoginAttemptFilter{}, time.Time{}); err != nil || n != 0 {
		t.Fatalf("%d failures left after the window (%v)", n, err)
	}
	var trusted int64
	if err := sc.Store.DB(sc.Ctx).Table("trusted_logins").Count(&trusted).Error; err != nil || trusted != 2 {
		t.Fatalf("trusted rows before 180 days: %d (%v), want the address and the device", trusted, err)
	}
	sc.now = sc.now.Add(181 * 24 * time.Hour)
	if err := sc.Svc.PruneLoginLimits(sc.Ctx); err != nil {
		t.Fatal(err)
	}
	if err := sc.Store.DB(sc.Ctx).Table("trusted_logins").Count(&trusted).Error; err != nil || trusted != 0 {
		t.Fatalf("trusted rows after 181 days unused: %d (%v)", trusted, err)
	}
	for i := range 50 {
		sc.fail(t, fmt.Sprintf("192.0.2.%d", i/4), "")
	}
	sc.limited(t, "198.51.100.7", device, "device unused for 181 days")
	sc.limited(t, "10.0.0.1", "", "address unused for 181 days")
}
