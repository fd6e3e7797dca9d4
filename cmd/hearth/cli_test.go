package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
)

// hearthBin is the binary built once by TestMain; every test runs it as a
// subprocess, as operators and scripts do.
var hearthBin string

// buildFlags and shiftEnv carry a clock-shifted test run (-tags clockshift,
// clockshift_test.go) into the binary, so it keeps the tests' time.
var buildFlags, shiftEnv []string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hearth-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "temp dir:", err)
		os.Exit(1)
	}
	hearthBin = filepath.Join(dir, "hearth")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	build := exec.CommandContext(ctx, "go", append(append([]string{"build"}, buildFlags...), "-o", hearthBin, ".")...)
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	err = build.Run()
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "go build:", err)
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// childEnv is the test process's environment without any HEARTH_* variable
// (so an operator's shell cannot leak into the tests) plus extra.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HEARTH_") {
			env = append(env, kv)
		}
	}
	return append(append(env, shiftEnv...), extra...)
}

// hearthCmd prepares the binary in a scratch working directory, so a default
// ./data never lands in the source tree.
func hearthCmd(t *testing.T, ctx context.Context, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(ctx, hearthBin, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = childEnv(env...)
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// run runs hearth to completion within 30 s.
func run(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := hearthCmd(t, ctx, env, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("hearth %s: timed out after 30s\n%s", strings.Join(args, " "), r)
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("hearth %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// mustRun runs hearth and fails the test unless it exits 0.
func mustRun(t *testing.T, env []string, args ...string) result {
	t.Helper()
	r := run(t, env, args...)
	if r.code != 0 {
		t.Fatalf("hearth %s failed:\n%s", strings.Join(args, " "), r)
	}
	return r
}

// nonEmptyLines splits s into its non-blank lines.
func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// freeAddr returns a 127.0.0.1 address that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

func TestVersion(t *testing.T) {
	r := mustRun(t, nil, "version")
	if r.stdout != "hearth "+Version+"\n" {
		t.Errorf("hearth version printed %q, want %q", r.stdout, "hearth "+Version+"\n")
	}
	if !regexp.MustCompile(`^hearth \S+\n$`).MatchString(r.stdout) {
		t.Errorf("hearth version output %q is not `hearth <version>`", r.stdout)
	}
}

// interfaceFlags are the stable settings (docs/CONFIG.md, docs/API.md "Conventions").
var interfaceFlags = []struct{ flag, env string }{
	{"--addr", "HEARTH_ADDR"},
	{"--url", "HEARTH_URL"},
	{"--data-dir", "HEARTH_DATA_DIR"},
	{"--db", "HEARTH_DB"},
	{"--federation-allow-private", "HEARTH_FEDERATION_ALLOW_PRIVATE"},
	{"--smtp-url", "HEARTH_SMTP_URL"},
	{"--posts-per-page", "HEARTH_POSTS_PER_PAGE"},
	// Not among the oldest names: the sandbox's settings (forum/sandbox.go).
	{"--sandbox-posts", "HEARTH_SANDBOX_POSTS"},
	{"--sandbox-days", "HEARTH_SANDBOX_DAYS"},
	{"--sandbox-likes", "HEARTH_SANDBOX_LIKES"},
}

func TestHelpNamesEveryFlagAndEnv(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := mustRun(t, nil, args...)
			lines := strings.Split(r.stdout, "\n")
			var missing []string
			for _, f := range interfaceFlags {
				flagRe := regexp.MustCompile(regexp.QuoteMeta(f.flag) + `(\s|,|$)`)
				found := false
				for _, l := range lines {
					if flagRe.MatchString(l) && strings.Contains(l, "$"+f.env) {
						found = true
						break
					}
				}
				if !found {
					missing = append(missing, f.flag+" $"+f.env)
				}
			}
			if len(missing) > 0 {
				t.Errorf("no line of `hearth %s` names %s:\n%s", strings.Join(args, " "), strings.Join(missing, ", "), r.stdout)
			}
		})
	}
}

// TestBadConfiguration: bad settings exit non-zero with one line on stderr
// that names the setting to fix.
func TestBadConfiguration(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyAddr := busy.Addr().String()

	tests := []struct {
		name  string
		env   []string
		args  []string
		names string // the setting the message must name
	}{
		{"malformed url", nil, []string{"--url", "not a url"}, "--url"},
		{"url with path", nil, []string{"--url", "http://127.0.0.1:9/forum"}, "--url"},
		{"malformed url from env", []string{"HEARTH_URL=ftp://127.0.0.1"}, nil, "HEARTH_URL"},
		{"unreachable database", nil, []string{"--db", "postgres://nobody:secret@127.0.0.1:1/x?connect_timeout=2"}, "--db"},
		{"unreachable database, password parameter", nil, []string{"--db", "postgres://nobody@127.0.0.1:1/x?password=secret&connect_timeout=2"}, "--db"},
		{"unparsable database dsn", []string{"HEARTH_DB=postgres://nobody:secret%zz@127.0.0.1:1/x"}, nil, "HEARTH_DB"},
		{"unknown database scheme", nil, []string{"--db", "mysql://nobody:secret@127.0.0.1:1/x"}, "--db"},
		{"port in use", nil, []string{"--addr", busyAddr}, "--addr"},
		{"metrics port in use", nil, []string{"--metrics-addr", busyAddr}, "--metrics-addr"},
		{"malformed metrics address", []string{"HEARTH_METRICS_ADDR=9464"}, nil, "HEARTH_METRICS_ADDR"},
		{"posts per page", []string{"HEARTH_POSTS_PER_PAGE=0"}, nil, "HEARTH_POSTS_PER_PAGE"},
		{"sandbox posts", []string{"HEARTH_SANDBOX_POSTS=-1"}, nil, "HEARTH_SANDBOX_POSTS"},
		{"smtp url", nil, []string{"--smtp-url", "mail.example:25"}, "--smtp-url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Later flags win, so a case's own --addr replaces the free one.
			args := append([]string{"serve", "--data-dir", t.TempDir(), "--addr", freeAddr(t)}, tt.args...)
			start := time.Now()
			r := run(t, tt.env, args...)
			if r.code == 0 {
				t.Fatalf("want non-zero exit:\n%s", r)
			}
			if lines := nonEmptyLines(r.stderr); len(lines) != 1 {
				t.Errorf("want exactly one line on stderr, got %d:\n%s", len(lines), r.stderr)
			}
			if !strings.Contains(r.stderr, tt.names) {
				t.Errorf("stderr does not name %s:\n%s", tt.names, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout should be empty:\n%s", r.stdout)
			}
			if strings.Contains(r.stdout+r.stderr, "secret") {
				t.Errorf("the database password leaked:\n%s", r)
			}
			if d := time.Since(start); d > 15*time.Second {
				t.Errorf("failing took %v; bad configuration should fail fast", d)
			}
		})
	}
}

// TestEnvAndFlagPrecedence: every setting is read from HEARTH_*, and a flag
// wins over its variable.
func TestEnvAndFlagPrecedence(t *testing.T) {
	dir := t.TempDir()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	// serve reads --url and --posts-per-page; with a busy --addr it stops
	// once the configuration passed, so the error it ends with says which
	// settings it accepted.
	env := []string{"HEARTH_URL=bad-url", "HEARTH_POSTS_PER_PAGE=0", "HEARTH_DATA_DIR=" + dir, "HEARTH_ADDR=" + busy.Addr().String()}
	r := run(t, env, "serve", "--posts-per-page", "50")
	if r.code == 0 || !strings.Contains(r.stderr, "HEARTH_URL") {
		t.Fatalf("HEARTH_URL=bad-url should fail naming HEARTH_URL:\n%s", r)
	}
	r = run(t, env, "serve", "--url", "http://127.0.0.1:9")
	if r.code == 0 || !strings.Contains(r.stderr, "HEARTH_POSTS_PER_PAGE") {
		t.Fatalf("HEARTH_POSTS_PER_PAGE=0 should fail naming it:\n%s", r)
	}
	r = run(t, env, "serve", "--url", "http://127.0.0.1:9", "--posts-per-page", "50")
	if r.code == 0 || !strings.Contains(r.stderr, "--addr") || strings.Contains(r.stderr, "HEARTH_URL") || strings.Contains(r.stderr, "POSTS_PER_PAGE") {
		t.Fatalf("the flags should win over HEARTH_URL and HEARTH_POSTS_PER_PAGE, leaving only the busy HEARTH_ADDR to fail:\n%s", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "hearth.db")); err != nil {
		t.Fatalf("HEARTH_DATA_DIR was not used: %v", err)
	}

	// --data-dir beats HEARTH_DATA_DIR; HEARTH_DB beats the derived default.
	other := t.TempDir()
	mustRun(t, []string{"HEARTH_DATA_DIR=" + dir}, "migrate", "--data-dir", other)
	if _, err := os.Stat(filepath.Join(other, "hearth.db")); err != nil {
		t.Fatalf("--data-dir did not win over HEARTH_DATA_DIR: %v", err)
	}
	dbPath := filepath.Join(t.TempDir(), "custom.db")
	mustRun(t, []string{"HEARTH_DB=sqlite://" + dbPath}, "migrate", "--data-dir", other)
	if _, err := os.Stat(dbPath); err != nil {
		t.Fatalf("HEARTH_DB was not used: %v", err)
	}
	// A command ignores the variables of settings it does not read.
	mustRun(t, []string{"HEARTH_URL=bad-url", "HEARTH_POSTS_PER_PAGE=0"}, "migrate", "--data-dir", other)
}

func TestMigrateCreatesDatabaseAndIsIdempotent(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "data")
	for i := 0; i < 2; i++ {
		r := mustRun(t, nil, "migrate", "--data-dir", dir)
		if !strings.Contains(r.stdout, "migrations applied") {
			t.Errorf("run %d: stdout %q does not report the migration", i+1, r.stdout)
		}
		if fi, err := os.Stat(filepath.Join(dir, "hearth.db")); err != nil || fi.Size() == 0 {
			t.Fatalf("run %d: %s/hearth.db missing or empty: %v", i+1, dir, err)
		}
	}
}

// tokenRe is what create-token must print: the token, one line, nothing else.
var tokenRe = regexp.MustCompile(`^hth_[A-Za-z0-9_-]+\n$`)

func TestAdminCommands(t *testing.T) {
	dir := t.TempDir()
	r := mustRun(t, nil, "admin", "create-user", "--data-dir", dir, "--username", "alice",
		"--email", "a@example.com", "--password", "password123", "--role", "admin")
	if !strings.Contains(r.stdout, "alice") {
		t.Errorf("create-user output does not name alice: %q", r.stdout)
	}

	r = run(t, nil, "admin", "create-user", "--data-dir", dir, "--username", "ALICE",
		"--email", "other@example.com", "--password", "password123")
	if r.code == 0 {
		t.Fatalf("a duplicate username (case-insensitive) must fail:\n%s", r)
	}
	if lines := nonEmptyLines(r.stderr); len(lines) != 1 || !strings.Contains(r.stderr, "username") {
		t.Errorf("want one stderr line mentioning the username:\n%s", r.stderr)
	}

	r = run(t, nil, "admin", "create-user", "--data-dir", dir, "--username", "bob",
		"--email", "b@example.com", "--password", "short", "--role", "member")
	if r.code == 0 || !strings.Contains(r.stderr, "password") {
		t.Errorf("a short password must fail naming the password:\n%s", r)
	}

	r = mustRun(t, nil, "admin", "create-token", "--data-dir", dir, "--username", "alice", "--name", "ci")
	if !tokenRe.MatchString(r.stdout) {
		t.Errorf("create-token stdout must be only the token line, got %q", r.stdout)
	}
	r2 := mustRun(t, nil, "admin", "create-token", "--data-dir", dir, "--username", "alice")
	if !tokenRe.MatchString(r2.stdout) || r2.stdout == r.stdout {
		t.Errorf("second token %q is malformed or repeats the first", r2.stdout)
	}

	r = run(t, nil, "admin", "create-token", "--data-dir", dir, "--username", "nobody")
	if r.code == 0 || r.stdout != "" || !strings.Contains(r.stderr, "nobody") {
		t.Errorf("a token for an unknown member must fail with nothing on stdout:\n%s", r)
	}
}

func TestDevSeed(t *testing.T) {
	dir := t.TempDir()
	r := mustRun(t, nil, "dev", "seed", "--data-dir", dir, "--users", "5", "--threads", "3", "--posts-per-thread", "10")
	for _, want := range []string{"5 users", "3 threads", "30 posts"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("seed output %q does not report %q", r.stdout, want)
		}
	}
}

// resetLinkRe is what reset-password must print: the link on --url, one
// line, nothing else.
var resetLinkRe = regexp.MustCompile(`^https://forum\.example/password/reset/([A-Za-z0-9_-]{40,})\n$`)

func TestAdminResetPassword(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, nil, "admin", "create-user", "--data-dir", dir, "--username", "alice",
		"--email", "a@example.com", "--password", "password123")
	first := mustRun(t, nil, "admin", "reset-password", "--data-dir", dir, "--url", "https://forum.example", "--username", "alice")
	second := mustRun(t, nil, "admin", "reset-password", "--data-dir", dir, "--url", "https://forum.example", "--username", "alice")
	m1, m2 := resetLinkRe.FindStringSubmatch(first.stdout), resetLinkRe.FindStringSubmatch(second.stdout)
	if m1 == nil || m2 == nil || m1[1] == m2[1] {
		t.Fatalf("want two different links, got %q and %q", first.stdout, second.stdout)
	}
	r := run(t, nil, "admin", "reset-password", "--data-dir", dir, "--username", "nobody")
	if r.code == 0 || !strings.Contains(r.stderr, `no member named "nobody"`) {
		t.Errorf("an unknown member must fail naming them:\n%s", r)
	}
	// The links are live in the database: only the newer one works, once.
	cfg := config.Defaults()
	cfg.DataDir, cfg.URL = dir, "https://forum.example"
	if err := cfg.Normalize(); err != nil {
		t.Fatal(err)
	}
	svc, err := openService(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Store().Close()
	ctx := context.Background()
	if err := svc.CheckPasswordReset(ctx, m1[1]); !errors.Is(err, forum.ErrResetLinkInvalid) {
		t.Errorf("the older link still works: %v", err)
	}
	if _, err := svc.ResetPassword(ctx, m2[1], "amber-lantern-71", "amber-lantern-71"); err != nil {
		t.Fatalf("the printed link does not work: %v", err)
	}
	if err := svc.CheckPasswordReset(ctx, m2[1]); !errors.Is(err, forum.ErrResetLinkInvalid) {
		t.Errorf("the link works twice: %v", err)
	}
}
