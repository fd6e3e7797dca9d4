package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
)

// migrateFixture is a SQLite forum with federation state: seeded members
// and threads, a remote follower of a category, deliveries queued to it,
// actor keys, a poll, a flag and a warning, and a signed-in member.
type migrateFixture struct {
	dsn      string
	admin    *models.User
	catSlug  string
	threadID int64
	member   *visitor
	// counted are the tables the test compares after the copy.
	counts map[string]int64
	// pages are what the source answered, by path and Accept.
	pages map[[2]string]answer
}

const apAccept = "application/activity+json"

// migratePages are compared between the SQLite original and the
// PostgreSQL copy: actors (same ids, same keys), pages, a poll.
func migratePages(f *migrateFixture) [][2]string {
	return [][2]string{
		{"/c/" + f.catSlug, apAccept},
		{"/u/" + f.admin.Username, apAccept},
		{"/c/" + f.catSlug + "/followers", apAccept},
		{fmt.Sprintf("/t/%d", f.threadID), "text/html"},
		{"/c/" + f.catSlug, "text/html"},
	}
}

func appOn(t *testing.T, dsn string) (*app, *visFixture) {
	t.Helper()
	cfg := config.Defaults()
	cfg.URL = "http://forum.test"
	cfg.DataDir = t.TempDir()
	cfg.DB = dsn
	if err := cfg.Normalize(); err != nil {
		t.Fatal(err)
	}
	a, err := buildApp(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	a.svc.BcryptCost = 4
	return a, &visFixture{svc: a.svc, handler: a.srv.Handler()}
}

func newMigrateFixture(t *testing.T) *migrateFixture {
	t.Helper()
	ctx := context.Background()
	f := &migrateFixture{dsn: "sqlite://" + filepath.Join(t.TempDir(), "hearth.db"), catSlug: "general",
		counts: map[string]int64{}, pages: map[[2]string]answer{}}
	a, vf := appOn(t, f.dsn)
	defer a.svc.Store().Close()
	svc, store := a.svc, a.svc.Store()
	if _, err := svc.Seed(ctx, forum.SeedOptions{Users: 6, Threads: 8, PostsPerThread: 4}); err != nil {
		t.Fatal(err)
	}
	var err error
	if f.admin, err = svc.CreateUser(ctx, forum.SignUpInput{Username: "keeper", Email: "keeper@example.com", Password: "password123"}, models.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	memberUser, err := svc.CreateUser(ctx, forum.SignUpInput{Username: "stayer", Email: "stayer@example.com", Password: "password123"}, models.RoleMember)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := store.CategoryBySlug(ctx, f.catSlug)
	if err != nil {
		t.Fatal(err)
	}
	remote, err := store.UpsertRemoteActor(ctx, &models.RemoteActor{APID: "https://remote.example/users/mia",
		Inbox: "https://remote.example/users/mia/inbox", PublicKeyPEM: "-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----\n",
		KeyID: "https://remote.example/users/mia#main-key", PreferredUsername: "mia", Domain: "remote.example"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.AddFollower(ctx, &models.Follower{LocalActorType: models.ActorTypeCategory, LocalActorID: cat.ID,
		RemoteActorID: remote.ID, FollowActivityID: "https://remote.example/follows/1"}); err != nil {
		t.Fatal(err)
	}
	// A thread with a poll, federated to the follower: its deliveries stay
	// queued (no worker runs here) and must be queued on the copy too.
	th, first, err := svc.CreateThread(ctx, f.admin, forum.NewThread{Category: f.catSlug, Title: "Moving day",
		Body: "We move to PostgreSQL.", Poll: &forum.PollInput{Options: []string{"ready", "not yet"}}})
	if err != nil {
		t.Fatal(err)
	}
	f.threadID = th.ID
	if _, err := svc.FlagPost(ctx, memberUser, first.ID, forum.FlagReasons[0], "testing the move"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Warn(ctx, f.admin, memberUser.Username, 0, "a warning that must survive"); err != nil {
		t.Fatal(err)
	}
	f.member = vf.login(t, "stayer")
	for _, p := range migratePages(f) {
		res := vf.do(nil, http.MethodGet, p[0], p[1], "", "")
		if res.status != http.StatusOK {
			t.Fatalf("source GET %s (%s): %d", p[0], p[1], res.status)
		}
		f.pages[p] = res
	}
	for _, table := range []string{"users", "posts", "threads", "followers", "remote_actors", "deliveries", "actor_keys",
		"polls", "poll_options", "flags", "warnings", "sessions", "instance_secrets"} {
		var n int64
		if err := store.DB(ctx).Table(table).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n == 0 && table != "instance_secrets" {
			t.Fatalf("the fixture has no %s; the test would prove nothing about them", table)
		}
		f.counts[table] = n
	}
	return f
}

// TestMigrateDBToPostgres: `hearth admin migrate-db` moves a SQLite forum
// with federation state into PostgreSQL, and the copy serves the same
// actors (ids, keys), followers, queued deliveries, pages and sessions;
// a second copy into the now-filled database is refused. The copy itself
// needs PostgreSQL (HEARTH_TEST_POSTGRES, set in CI's PostgreSQL step);
// without it the test checks what migrate-db refuses before connecting.
func TestMigrateDBToPostgres(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ from, to, want string }{
		{"postgres://h@127.0.0.1:1/x", "postgres://h@127.0.0.1:1/y", "is not SQLite"},
		{"sqlite://" + filepath.Join(t.TempDir(), "x.db"), "sqlite:///tmp/y.db", "--to must be a PostgreSQL DSN"},
		{"sqlite://" + filepath.Join(t.TempDir(), "missing.db"), "postgres://h@127.0.0.1:1/y", "no database at"},
	} {
		err := migrateDB(ctx, io.Discard, tc.from, tc.to, false)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("migrateDB(%s, %s) = %v, want %q", tc.from, tc.to, err, tc.want)
		}
	}
	if !modelstest.IsPostgres() {
		t.Log("HEARTH_TEST_POSTGRES is not set: the copy is tested in the PostgreSQL run")
		return
	}
	f := newMigrateFixture(t)
	target := modelstest.DSN(t)
	var out bytes.Buffer
	if err := migrateDB(ctx, &out, f.dsn, target, true); err != nil {
		t.Fatalf("migrate-db: %v\n%s", err, out.String())
	}
	for _, want := range []string{"followers", "deliveries", "actor_keys", "HEARTH_DB", "every count and checksum matches"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("migrate-db's output lacks %q:\n%s", want, out.String())
		}
	}

	a, vf := appOn(t, target)
	defer a.svc.Store().Close()
	if a.svc.Store().Dialect() != "postgres" {
		t.Fatalf("copy served from %s", a.svc.Store().Dialect())
	}
	for table, want := range f.counts {
		var n int64
		if err := a.svc.Store().DB(ctx).Table(table).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("%s: %d rows on PostgreSQL, %d on SQLite", table, n, want)
		}
	}
	queued, err := a.svc.Store().DeliveriesTo(ctx, "https://remote.example/users/mia/inbox")
	if err != nil || len(queued) == 0 {
		t.Fatalf("queued deliveries to the follower on the copy: %d (%v)", len(queued), err)
	}
	for _, p := range migratePages(f) {
		got := vf.do(nil, http.MethodGet, p[0], p[1], "", "")
		was := f.pages[p]
		if got.status != http.StatusOK {
			t.Fatalf("copy GET %s (%s): %d", p[0], p[1], got.status)
		}
		if p[1] == apAccept {
			var g, w map[string]any
			if json.Unmarshal([]byte(got.body), &g) != nil || json.Unmarshal([]byte(was.body), &w) != nil {
				t.Fatalf("GET %s: not JSON", p[0])
			}
			gj, _ := json.Marshal(g)
			wj, _ := json.Marshal(w)
			if !bytes.Equal(gj, wj) {
				t.Errorf("GET %s (ActivityPub) differs after the move:\nSQLite:     %s\nPostgreSQL: %s", p[0], wj, gj)
			}
			continue
		}
		for _, want := range []string{"Moving day", "not yet"} {
			if strings.Contains(was.body, want) && !strings.Contains(got.body, want) {
				t.Errorf("GET %s on the copy lacks %q", p[0], want)
			}
		}
	}
	var actor map[string]any
	_ = json.Unmarshal([]byte(f.pages[[2]string{"/c/" + f.catSlug, apAccept}].body), &actor)
	if pk, _ := actor["publicKey"].(map[string]any); pk == nil || !strings.Contains(fmt.Sprint(pk["publicKeyPem"]), "PUBLIC KEY") {
		t.Fatalf("the category actor has no key to compare: %v", actor["publicKey"])
	}
	// The member's session came along (--with-sessions).
	if res := vf.do(f.member, http.MethodGet, "/settings", "text/html", "", ""); res.status != http.StatusOK {
		t.Errorf("signed-in member on the copy: GET /settings = %d, want 200", res.status)
	}
	// New rows get ids past the copied ones (sequences were moved).
	if _, _, err := a.svc.CreateThread(ctx, f.admin, forum.NewThread{Category: f.catSlug, Title: "First on PostgreSQL", Body: "New ids."}); err != nil {
		t.Fatalf("a new thread on the copy: %v", err)
	}

	err = migrateDB(ctx, io.Discard, f.dsn, target, false)
	if err == nil || !strings.Contains(err.Error(), "is not empty") {
		t.Fatalf("a second migrate-db into the same database: %v, want a refusal", err)
	}

	// A table the source has and the target's migrations do not make stops
	// the copy before anything is committed, instead of being left behind.
	src, err := models.Open(ctx, f.dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := src.DB(ctx).Exec("CREATE TABLE plugin_notes (id INTEGER PRIMARY KEY, body TEXT)").Error; err != nil {
		t.Fatal(err)
	}
	_ = src.Close()
	err = migrateDB(ctx, io.Discard, f.dsn, modelstest.DSN(t), false)
	if err == nil || !strings.Contains(err.Error(), "plugin_notes exists in the source but not in the target") {
		t.Fatalf("a source table the target lacks: %v, want a refusal naming it", err)
	}
}
