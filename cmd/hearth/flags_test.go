package main

import (
	"regexp"
	"strings"
	"testing"
)

// serverOnlyFlags are read by `hearth serve` alone.
var serverOnlyFlags = []string{"addr", "smtp-url", "federation-allow-private", "federation-retry-base",
	"trusted-proxies", "posts-per-page", "sandbox-posts", "sandbox-days", "sandbox-likes", "require-2fa-for-staff",
	"require-email-verification"}

// TestCommandHelpListsOnlyItsFlags: `hearth CMD --help` lists the flags that
// command reads and none of the server's it does not.
func TestCommandHelpListsOnlyItsFlags(t *testing.T) {
	store := []string{"data-dir", "db"}
	tests := []struct {
		args    []string
		want    []string
		notWant []string
	}{
		{[]string{"serve"}, append(append([]string{"url"}, store...), serverOnlyFlags...), nil},
		{[]string{"migrate"}, store, append([]string{"url"}, serverOnlyFlags...)},
		{[]string{"dev", "seed"}, append([]string{"url", "users", "threads", "posts-per-thread", "category"}, store...), serverOnlyFlags},
		{[]string{"admin", "create-user"}, append([]string{"username", "email", "password", "role"}, store...), append([]string{"url"}, serverOnlyFlags...)},
		{[]string{"admin", "create-token"}, append([]string{"username", "name"}, store...), append([]string{"url"}, serverOnlyFlags...)},
		{[]string{"admin", "reset-2fa"}, append([]string{"username"}, store...), append([]string{"url"}, serverOnlyFlags...)},
		{[]string{"admin", "reset-password"}, append([]string{"username", "url"}, store...), serverOnlyFlags},
		{[]string{"admin", "rollup"}, append([]string{"from", "to"}, store...), append([]string{"url"}, serverOnlyFlags...)},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			help := mustRun(t, nil, append(tt.args, "--help")...).stdout
			for _, f := range tt.want {
				if !listsFlag(help, f) {
					t.Errorf("`hearth %s --help` does not list --%s:\n%s", strings.Join(tt.args, " "), f, help)
				}
			}
			for _, f := range tt.notWant {
				if listsFlag(help, f) {
					t.Errorf("`hearth %s --help` lists --%s, which that command does not read:\n%s", strings.Join(tt.args, " "), f, help)
				}
			}
		})
	}
}

func listsFlag(help, name string) bool {
	return regexp.MustCompile(`(?m)^\s+--` + regexp.QuoteMeta(name) + `(\s|,|$)`).MatchString(help)
}
