package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
)

// pgTool finds a PostgreSQL client program: on PATH, or where Debian puts
// the server's (CI has PostgreSQL 15's).
func pgTool(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1]
	}
	return ""
}

// TestPostgresBackupRestoreServesSamePages: for PostgreSQL, `hearth admin
// backup` prints the pg_dump/pg_restore commands; and a pg_dump of a forum
// restored by pg_restore serves the same pages and actors. Without
// HEARTH_TEST_POSTGRES only the printed commands are checked (the restore
// runs in CI's PostgreSQL step, where the tools must be present).
func TestPostgresBackupRestoreServesSamePages(t *testing.T) {
	ctx := context.Background()
	var out bytes.Buffer
	cfg := config.Config{DB: "postgres://hearth:secret@db.example/hearth", DataDir: "/var/lib/hearth"}
	if err := runBackup(ctx, &out, cfg, "hearth.dump"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"pg_dump --format=custom", "pg_restore --no-owner", "/var/lib/hearth", "hearth.dump"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("backup on PostgreSQL does not print %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "secret") {
		t.Errorf("backup printed the database password:\n%s", out.String())
	}
	if !modelstest.IsPostgres() {
		t.Log("HEARTH_TEST_POSTGRES is not set: the pg_dump/pg_restore round trip runs in the PostgreSQL run")
		return
	}
	dump, restore := pgTool("pg_dump"), pgTool("pg_restore")
	if dump == "" || restore == "" {
		t.Fatal("pg_dump and pg_restore are needed with HEARTH_TEST_POSTGRES (apt-get install postgresql-client)")
	}
	dsn := modelstest.DSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	schema := q.Get("search_path")
	q.Del("search_path")
	u.RawQuery = q.Encode()
	libpq := u.String()

	a, vf := appOn(t, dsn)
	svc := a.svc
	if _, err := svc.Seed(ctx, forum.SeedOptions{Users: 3, Threads: 3, PostsPerThread: 3}); err != nil {
		t.Fatal(err)
	}
	admin, err := svc.CreateUser(ctx, forum.SignUpInput{Username: "keeper", Email: "keeper@example.com", Password: "password123"}, models.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	th, _, err := svc.CreateThread(ctx, admin, forum.NewThread{Category: "general", Title: "Dumped and restored", Body: "Still here.",
		Poll: &forum.PollInput{Options: []string{"yes", "no"}}})
	if err != nil {
		t.Fatal(err)
	}
	pages := [][2]string{{fmt.Sprintf("/t/%d", th.ID), "text/html"}, {"/c/general", "text/html"}, {"/u/keeper", apAccept}, {"/c/general", apAccept}}
	before := map[[2]string]string{}
	for _, p := range pages {
		res := vf.do(nil, http.MethodGet, p[0], p[1], "", "")
		if res.status != http.StatusOK {
			t.Fatalf("GET %s: %d", p[0], res.status)
		}
		before[p] = res.body
	}
	_ = svc.Store().Close()

	file := filepath.Join(t.TempDir(), "hearth.dump")
	run := func(bin string, args ...string) {
		t.Helper()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = append(os.Environ(), "PGCONNECT_TIMEOUT=10")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
		}
	}
	run(dump, "--format=custom", "--no-owner", "--schema="+schema, "--file="+file, libpq)
	// The original moves aside; the restore recreates the schema from the
	// dump alone (what a restore into a fresh database does).
	admin2, err := models.Open(ctx, libpq)
	if err != nil {
		t.Fatal(err)
	}
	defer admin2.Close()
	if err := admin2.DB(ctx).Exec("ALTER SCHEMA " + schema + " RENAME TO " + schema + "_orig").Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin2.DB(ctx).Exec("DROP SCHEMA IF EXISTS " + schema + "_orig CASCADE").Error })
	run(restore, "--no-owner", "--exit-on-error", "--dbname="+libpq, file)

	ra, rvf := appOn(t, dsn)
	defer ra.svc.Store().Close()
	for _, p := range pages {
		res := rvf.do(nil, http.MethodGet, p[0], p[1], "", "")
		if res.status != http.StatusOK {
			t.Fatalf("restored GET %s: %d", p[0], res.status)
		}
		if res.body != before[p] {
			t.Errorf("GET %s (%s) differs after pg_dump/pg_restore:\n%s", p[0], p[1], firstDifference(before[p], res.body))
		}
	}
	// The restored sequences continue past the restored ids.
	if _, _, err := ra.svc.CreateThread(ctx, admin, forum.NewThread{Category: "general", Title: "After the restore", Body: "New ids."}); err != nil {
		t.Fatalf("a new thread on the restored forum: %v", err)
	}
}

func firstDifference(a, b string) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			lo := max(i-80, 0)
			return fmt.Sprintf("before: …%s…\nafter:  …%s…", a[lo:min(i+80, len(a))], b[lo:min(i+80, len(b))])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(a), len(b))
}
