package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// sqliteApp is the whole process on a SQLite forum in dataDir.
func sqliteApp(t *testing.T, dataDir string) (*app, *visFixture, config.Config) {
	t.Helper()
	cfg := config.Defaults()
	cfg.URL = "http://forum.test"
	cfg.DataDir = dataDir
	cfg.DB = ""
	if err := cfg.Normalize(); err != nil {
		t.Fatal(err)
	}
	a, err := buildApp(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	a.svc.BcryptCost = 4
	return a, &visFixture{svc: a.svc, handler: a.srv.Handler()}, cfg
}

func tableCount(t *testing.T, s *models.Store, table string) int64 {
	t.Helper()
	var n int64
	if err := s.DB(context.Background()).Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBackupWhileWritingThenRestore: `hearth admin backup` taken while a
// member keeps posting is consistent (every thread's post count matches
// its posts), carries the data directory's files and the instance's keys
// and secrets, and `hearth admin restore` brings it back, then refuses to
// restore over it.
func TestBackupWhileWritingThenRestore(t *testing.T) {
	ctx := context.Background()
	a, vf, cfg := sqliteApp(t, filepath.Join(t.TempDir(), "data"))
	svc := a.svc
	if _, err := svc.Seed(ctx, forum.SeedOptions{Users: 3, Threads: 4, PostsPerThread: 3}); err != nil {
		t.Fatal(err)
	}
	admin, err := svc.CreateUser(ctx, forum.SignUpInput{Username: "keeper", Email: "keeper@example.com", Password: "password123"}, models.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	// Actor keys and instance secrets exist once used.
	if res := vf.do(nil, http.MethodGet, "/u/keeper", apAccept, "", ""); res.status != http.StatusOK {
		t.Fatalf("actor: %d", res.status)
	}
	vf.login(t, "keeper")
	files := map[string][]byte{"avatars/1-abc.png": []byte("\x89PNG fake avatar"), "media/ab/cd/photo.jpg": bytes.Repeat([]byte("jpeg"), 5000)}
	for name, body := range files {
		p := filepath.Join(cfg.DataDir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, body, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	th, _, err := svc.CreateThread(ctx, admin, forum.NewThread{Category: "general", Title: "Busy thread", Body: "Replies keep coming."})
	if err != nil {
		t.Fatal(err)
	}
	// A writer posts (at most 300 replies) while the backup runs.
	var posted atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 300; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := svc.Reply(ctx, admin, th.ID, forum.NewReply{Body: fmt.Sprintf("reply %d", i)}); err != nil {
				t.Errorf("reply during the backup: %v", err)
				return
			}
			posted.Add(1)
		}
	}()
	for posted.Load() < 5 {
		time.Sleep(time.Millisecond)
	}
	out := filepath.Join(t.TempDir(), "forum.tar.gz")
	var msg bytes.Buffer
	backupErr := runBackup(ctx, &msg, cfg, out)
	during := posted.Load()
	close(stop)
	wg.Wait()
	if backupErr != nil {
		t.Fatalf("backup: %v", backupErr)
	}
	if posted.Load() == during && during == 300 {
		t.Fatal("the writer finished before the backup: it did not run while writing")
	}
	secrets, keys := tableCount(t, svc.Store(), "instance_secrets"), tableCount(t, svc.Store(), "actor_keys")
	if secrets == 0 || keys == 0 {
		t.Fatalf("no secrets (%d) or keys (%d) to carry over", secrets, keys)
	}
	_ = svc.Store().Close()
	if _, err := os.Stat(out); err != nil || !strings.Contains(msg.String(), "hearth admin restore") {
		t.Fatalf("backup file: %v; output: %s", err, msg.String())
	}

	rcfg := cfg
	rcfg.DataDir = filepath.Join(t.TempDir(), "restored")
	rcfg.DB = "sqlite://" + filepath.Join(rcfg.DataDir, "hearth.db")
	if err := runRestore(io.Discard, rcfg, out); err != nil {
		t.Fatalf("restore: %v", err)
	}
	for name, body := range files {
		got, err := os.ReadFile(filepath.Join(rcfg.DataDir, filepath.FromSlash(name)))
		if err != nil || !bytes.Equal(got, body) {
			t.Errorf("restored %s: %v (%d bytes, want %d)", name, err, len(got), len(body))
		}
	}
	ra, rvf, _ := sqliteApp(t, rcfg.DataDir)
	defer ra.svc.Store().Close()
	rs := ra.svc.Store()
	var check string
	if err := rs.DB(ctx).Raw("PRAGMA integrity_check").Scan(&check).Error; err != nil || check != "ok" {
		t.Fatalf("restored database: %q %v", check, err)
	}
	var torn int64
	if err := rs.DB(ctx).Raw(`SELECT COUNT(*) FROM threads t WHERE t.post_count <> (SELECT COUNT(*) FROM posts p WHERE p.thread_id = t.id)`).Scan(&torn).Error; err != nil || torn != 0 {
		t.Fatalf("threads whose post count disagrees with their posts in the backup: %d (%v)", torn, err)
	}
	replies := tableCount(t, rs, "posts")
	if replies < 12+1+5 {
		t.Errorf("restored %d posts; the backup began after at least %d", replies, 12+1+5)
	}
	if got := tableCount(t, rs, "instance_secrets"); got != secrets {
		t.Errorf("instance secrets: %d restored, %d backed up", got, secrets)
	}
	if got := tableCount(t, rs, "actor_keys"); got != keys {
		t.Errorf("actor keys: %d restored, %d backed up", got, keys)
	}
	if res := rvf.do(nil, http.MethodGet, fmt.Sprintf("/t/%d", th.ID), "text/html", "", ""); res.status != http.StatusOK || !strings.Contains(res.body, "Busy thread") {
		t.Errorf("the restored forum's thread page: %d", res.status)
	}

	// Refusals: a restore over a forum, a damaged or cut-short backup.
	if err := runRestore(io.Discard, rcfg, out); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("restore over the restored forum: %v, want a refusal", err)
	}
	if err := runBackup(ctx, io.Discard, cfg, out); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("backup over an existing file: %v, want a refusal", err)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, want string
		archive    []byte
	}{
		{"a file changed after the backup", "does not match its checksum", rewriteArchive(t, raw, "data/avatars/1-abc.png", false)},
		{"cut short before its manifest", "no manifest", rewriteArchive(t, raw, "manifest.json", true)},
		{"not a backup", "not a hearth backup", []byte("hello")},
	} {
		bad := filepath.Join(t.TempDir(), "bad.tar.gz")
		if err := os.WriteFile(bad, tc.archive, 0o600); err != nil {
			t.Fatal(err)
		}
		target := cfg
		target.DataDir = filepath.Join(t.TempDir(), "target")
		target.DB = "sqlite://" + filepath.Join(target.DataDir, "hearth.db")
		err := runRestore(io.Discard, target, bad)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
		if entries, _ := os.ReadDir(target.DataDir); len(entries) > 0 {
			t.Errorf("%s: the failed restore left %d entries in the data directory", tc.name, len(entries))
		}
	}
}

// rewriteArchive copies a backup, flipping one byte of the named entry or
// dropping it (and everything after it).
func rewriteArchive(t *testing.T, raw []byte, name string, drop bool) []byte {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var buf bytes.Buffer
	gw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gw)
	found := false
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		if h.Name == name {
			found = true
			if drop {
				break
			}
			body[len(body)/2] ^= 0xff
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		_, _ = tw.Write(body)
	}
	if !found {
		t.Fatalf("the backup has no %s", name)
	}
	_ = tw.Close()
	_ = gw.Close()
	return buf.Bytes()
}
