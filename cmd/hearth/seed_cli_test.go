package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
)

var seedMembersLine = regexp.MustCompile(`(?m)^members: (.+)$`)

// TestDevSeedPrintsLogins: `dev seed` prints the usernames it made and the
// demo password, and, while nobody has signed up, that the first sign-up
// still becomes the administrator; once a person has an account it stops
// saying so. The printed names are real accounts.
func TestDevSeedPrintsLogins(t *testing.T) {
	dir := t.TempDir()
	r := mustRun(t, nil, "dev", "seed", "--data-dir", dir, "--users", "3", "--threads", "2", "--posts-per-thread", "2", "--category", "Long reads")
	m := seedMembersLine.FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("no members line:\n%s", r)
	}
	names := strings.Split(m[1], ", ")
	if len(names) != 3 {
		t.Fatalf("members line %q: want 3 usernames", m[1])
	}
	if !strings.Contains(r.stdout, "password of every seeded member: "+forum.SeedPassword) {
		t.Errorf("no password line:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "the first account to sign up becomes the administrator") {
		t.Errorf("seeding an empty forum must say the first sign-up is still the administrator:\n%s", r.stdout)
	}
	for _, name := range names {
		if tok := mustRun(t, nil, "admin", "create-token", "--data-dir", dir, "--username", name); !tokenRe.MatchString(tok.stdout) {
			t.Errorf("printed member %q has no account: %s", name, tok)
		}
	}

	mustRun(t, nil, "admin", "create-user", "--data-dir", dir, "--username", "founder",
		"--email", "founder@example.com", "--password", "password123", "--role", "admin")
	r = mustRun(t, nil, "dev", "seed", "--data-dir", dir, "--users", "1", "--threads", "1", "--posts-per-thread", "1")
	if strings.Contains(r.stdout, "becomes the administrator") {
		t.Errorf("after a person signed up, seed still promises the administrator role:\n%s", r.stdout)
	}
}

func TestPrintSeedResultListsAtMost20Names(t *testing.T) {
	res := &forum.SeedResult{Users: 25, Threads: 1, Posts: 1, Elapsed: time.Second}
	for i := range 25 {
		res.Usernames = append(res.Usernames, fmt.Sprintf("m%d", i))
	}
	var b bytes.Buffer
	printSeedResult(&b, res, 1)
	m := seedMembersLine.FindStringSubmatch(b.String())
	if m == nil || !strings.HasPrefix(m[1], "m0, m1, ") || !strings.HasSuffix(m[1], "m19 and 5 more") {
		t.Errorf("members line: %q", b.String())
	}
}
