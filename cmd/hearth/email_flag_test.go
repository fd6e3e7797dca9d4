package main

import (
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/hearth/hearth/config"
)

// TestRequireEmailVerificationDefaultFollowsSMTP: not given, the setting is
// on exactly when --smtp-url is set; the flag or its variable overrides
// that either way.
func TestRequireEmailVerificationDefaultFollowsSMTP(t *testing.T) {
	const smtp = "smtp://u:p@127.0.0.1:2525"
	cases := []struct {
		name string
		args []string
		env  string
		want bool
	}{
		{"no smtp, not given", nil, "", false},
		{"smtp, not given", []string{"--smtp-url", smtp}, "", true},
		{"smtp, flag off", []string{"--smtp-url", smtp, "--require-email-verification=false"}, "", false},
		{"no smtp, flag on", []string{"--require-email-verification"}, "", true},
		{"smtp, variable off", []string{"--smtp-url", smtp}, "false", false},
		{"no smtp, variable on", nil, "true", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env != "" {
				t.Setenv("HEARTH_REQUIRE_EMAIL_VERIFICATION", tc.env)
			}
			var cfg config.Config
			app := &cli.App{Commands: []*cli.Command{{Name: "serve", Flags: serveFlags(), Action: func(c *cli.Context) (err error) {
				cfg, err = loadConfig(c)
				return err
			}}}}
			args := append([]string{"hearth", "serve", "--data-dir", t.TempDir()}, tc.args...)
			if err := app.Run(args); err != nil {
				t.Fatal(err)
			}
			if cfg.RequireEmailVerification != tc.want {
				t.Errorf("RequireEmailVerification = %v, want %v", cfg.RequireEmailVerification, tc.want)
			}
		})
	}
}
