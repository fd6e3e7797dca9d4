package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
)

// TestAdminReset2FA: an admin turns off the second factor of a member
// who lost it; the member can log in with the password again, the audit
// log has the entry and the member a notification. Unknown names and
// members without 2FA fail with one clear line.
func TestAdminReset2FA(t *testing.T) {
	dsn := modelstest.DSN(t)
	mustRun(t, nil, "admin", "create-user", "--db", dsn, "--username", "root_admin",
		"--email", "r@example.com", "--password", "password123", "--role", "admin")
	mustRun(t, nil, "admin", "create-user", "--db", dsn, "--username", "alice",
		"--email", "a@example.com", "--password", "password123")

	ctx := context.Background()
	store, err := models.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	cfg := config.Defaults()
	cfg.URL, cfg.DB = "http://forum.test", dsn
	svc := forum.New(store, cfg)
	now := time.Now().UTC().Truncate(time.Second)
	svc.SetClock(func() time.Time { return now })
	alice, err := svc.UserByUsername(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	en, err := svc.StartTwoFactor(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := forum.TOTPCode(en.Secret, now)
	if _, err := svc.EnableTwoFactor(ctx, alice, code, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, "alice", "password123", "127.0.0.1"); err == nil {
		t.Fatal("password alone worked with 2FA on")
	}

	r := mustRun(t, nil, "admin", "reset-2fa", "--db", dsn, "--username", "alice")
	if !strings.Contains(r.stdout, "two-factor login is off for alice") {
		t.Errorf("reset-2fa output: %q", r.stdout)
	}
	if _, err := svc.Authenticate(ctx, "alice", "password123", "127.0.0.1"); err != nil {
		t.Fatalf("password after reset: %v", err)
	}
	admin, _ := svc.UserByUsername(ctx, "root_admin")
	page, err := svc.Audit(ctx, admin, forum.AuditFilter{Action: "user.reset_2fa"}, 10)
	if err != nil || len(page.Entries) != 1 || page.Entries[0].TargetID != alice.ID {
		t.Fatalf("audit: %+v %v", page, err)
	}
	n, err := svc.Notifications(ctx, alice, "", 10)
	if err != nil || len(n.Items) != 1 || n.Items[0].Kind != forum.NotifySecondFactorReset {
		t.Fatalf("notification: %+v %v", n, err)
	}

	for _, tc := range []struct{ name, want string }{
		{"alice", "does not have two-factor login on"},
		{"nobody", "nobody"},
	} {
		r := run(t, nil, "admin", "reset-2fa", "--db", dsn, "--username", tc.name)
		if r.code == 0 || r.stdout != "" || len(nonEmptyLines(r.stderr)) != 1 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("reset-2fa %s: want one line with %q:\n%s", tc.name, tc.want, r)
		}
	}
}

// TestRequire2FAForStaffFlag: the flag and HEARTH_REQUIRE_2FA_FOR_STAFF
// reach the Config; off by default.
func TestRequire2FAForStaffFlag(t *testing.T) {
	for _, tc := range []struct {
		name, env string
		args      []string
		want      bool
	}{
		{name: "default"},
		{name: "flag", args: []string{"--require-2fa-for-staff"}, want: true},
		{name: "env", env: "true", want: true},
		{name: "flag wins over env", env: "true", args: []string{"--require-2fa-for-staff=false"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env != "" {
				t.Setenv("HEARTH_REQUIRE_2FA_FOR_STAFF", tc.env)
			}
			cfg, err := serveConfig(t, tc.args...)
			if err != nil || cfg.RequireTwoFactorForStaff != tc.want {
				t.Fatalf("got %v %v, want %v", cfg.RequireTwoFactorForStaff, err, tc.want)
			}
		})
	}
}
