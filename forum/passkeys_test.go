package forum_test

import (
	"testing"

	"github.com/hearth/hearth/models"
)

// addStoredPasskey gives the member a passkey row as registration would.
func addStoredPasskey(t *testing.T, sc *tfaScene, credID string) {
	t.Helper()
	if err := sc.Store.AddPasskey(sc.Ctx, &models.Passkey{UserID: sc.u.ID, CredentialID: credID, PublicKey: []byte{1}, CreatedAt: sc.now}); err != nil {
		t.Fatal(err)
	}
}

func twoFactorMark(t *testing.T, sc *tfaScene) bool {
	t.Helper()
	u, err := sc.Store.UserByID(sc.Ctx, sc.u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return u.TwoFactor
}

// Turning the app off leaves two-factor on while a passkey is left.
func TestTOTPOffKeepsTwoFactorWithAPasskey(t *testing.T) {
	sc := newTFAScene(t)
	addStoredPasskey(t, sc, "cred-a")
	sc.now = sc.now.Add(60e9)
	if err := sc.Svc.DisableTwoFactor(sc.Ctx, sc.u, "password123", sc.code(0), "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if !twoFactorMark(t, sc) || !sc.u.TwoFactor {
		t.Fatal("turning the app off turned the passkey's second factor off too")
	}
	if on, err := sc.Svc.TOTPOn(sc.Ctx, sc.u); err != nil || on {
		t.Fatalf("TOTPOn after disabling: %v %v", on, err)
	}
	// With only a passkey, the app can be enrolled again.
	if _, err := sc.Svc.StartTwoFactor(sc.Ctx, sc.u); err != nil {
		t.Fatalf("enrolling the app beside a passkey: %v", err)
	}
}

// An administrator's reset removes passkeys too: both factors lost.
func TestResetTwoFactorRemovesPasskeys(t *testing.T) {
	sc := newTFAScene(t)
	addStoredPasskey(t, sc, "cred-b")
	if _, err := sc.Svc.ResetTwoFactor(sc.Ctx, nil, sc.u.Username); err != nil {
		t.Fatal(err)
	}
	if keys, err := sc.Store.PasskeysFor(sc.Ctx, sc.u.ID); err != nil || len(keys) != 0 {
		t.Fatalf("passkeys after reset: %d %v", len(keys), err)
	}
	if twoFactorMark(t, sc) {
		t.Fatal("two-factor still on after the reset")
	}
}
