package main

import (
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
)

// serveConfig runs loadConfig as `hearth serve ARGS` would, without serving.
func serveConfig(t *testing.T, args ...string) (config.Config, error) {
	t.Helper()
	var cfg config.Config
	var loadErr error
	app := &cli.App{Name: "hearth", Commands: []*cli.Command{{
		Name: "serve", Flags: serveFlags(),
		Action: func(c *cli.Context) error { cfg, loadErr = loadConfig(c); return nil },
	}}}
	if err := app.Run(append([]string{"hearth", "serve", "--data-dir", t.TempDir()}, args...)); err != nil {
		return cfg, err
	}
	return cfg, loadErr
}

// TestNeedsResponseAfterFlag: --needs-response-after and
// HEARTH_NEEDS_RESPONSE_AFTER reach the Config; 0s stays 0 (list at once)
// rather than meaning "the default", the default is forum's, and a
// negative or malformed value is refused naming the flag.
func TestNeedsResponseAfterFlag(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  string // HEARTH_NEEDS_RESPONSE_AFTER, "" for unset
		args []string
		want time.Duration
		err  string
	}{
		{name: "default", want: forum.DefaultNeedsResponseWait},
		{name: "flag 0s", args: []string{"--needs-response-after", "0s"}, want: 0},
		{name: "flag 2h", args: []string{"--needs-response-after=2h"}, want: 2 * time.Hour},
		{name: "env 0s", env: "0s", want: 0},
		{name: "env 45m", env: "45m", want: 45 * time.Minute},
		{name: "flag wins over env", env: "3h", args: []string{"--needs-response-after", "10m"}, want: 10 * time.Minute},
		{name: "negative", args: []string{"--needs-response-after", "-1m"}, err: "--needs-response-after"},
		{name: "not a duration", args: []string{"--needs-response-after", "soon"}, err: "needs-response-after"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env != "" {
				t.Setenv("HEARTH_NEEDS_RESPONSE_AFTER", tc.env)
			}
			cfg, err := serveConfig(t, tc.args...)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("want an error naming %s, got %v", tc.err, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.NeedsResponseAfter == nil || *cfg.NeedsResponseAfter != tc.want {
				t.Fatalf("NeedsResponseAfter = %v, want %s", cfg.NeedsResponseAfter, tc.want)
			}
		})
	}
}
