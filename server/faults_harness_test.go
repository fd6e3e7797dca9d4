package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
	"github.com/hearth/hearth/server"
)

// faultServer is a test server whose database a test can take away.
type faultServer struct {
	*testServer
	sqlDB *sql.DB
	proxy *tcpProxy // PostgreSQL only: every connection goes through it
}

// newFaultServer serves a fresh database: the test database (PostgreSQL
// when HEARTH_TEST_POSTGRES is set, reached through a proxy the test can
// cut) or, with sqliteOnly, always a SQLite file.
func newFaultServer(t *testing.T, sqliteOnly bool) *faultServer {
	t.Helper()
	fs := &faultServer{}
	dsn := "sqlite://" + filepath.Join(t.TempDir(), "hearth.db")
	if !sqliteOnly {
		dsn = modelstest.DSN(t)
	}
	if strings.HasPrefix(dsn, "postgres") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		fs.proxy = startProxy(t, u.Host)
		u.Host = fs.proxy.addr()
		dsn = u.String()
	}
	store, err := models.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = store.Close() })
	if err := store.Migrate(); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if fs.sqlDB, err = store.DB(context.Background()).DB(); err != nil {
		t.Fatal(err)
	}
	cfg := config.Defaults()
	cfg.URL = "http://forum.test"
	cfg.DataDir = t.TempDir()
	cfg.PostsPerPage = 5
	if err := cfg.Normalize(); err != nil {
		t.Fatal(err)
	}
	svc := forum.New(store, cfg)
	svc.BcryptCost = 4
	env := &forumtest.Env{T: t, Svc: svc, Store: store, Cfg: cfg, Ctx: context.Background()}
	s, err := server.New(cfg, svc, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	fs.testServer = &testServer{Env: env, URL: hs.URL, srv: hs}
	return fs
}

// cut makes the database unreachable: the PostgreSQL proxy stops accepting
// and drops every connection; a SQLite database is closed under the store.
func (fs *faultServer) cut(t *testing.T) {
	t.Helper()
	if fs.proxy != nil {
		fs.proxy.cut()
		return
	}
	if err := fs.sqlDB.Close(); err != nil {
		t.Fatal(err)
	}
}

// fill leaves a SQLite database no room to grow: it is capped at its size
// plus a few pages, and a scratch table takes those. PRAGMA max_page_count
// is per connection, so the pool is first reduced to one.
func (fs *faultServer) fill(t *testing.T) {
	t.Helper()
	fs.sqlDB.SetMaxIdleConns(1)
	fs.sqlDB.SetMaxOpenConns(1)
	var pages int64
	if err := fs.sqlDB.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := fs.sqlDB.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages+20)); err != nil {
		t.Fatal(err)
	}
	if _, err := fs.sqlDB.Exec("CREATE TABLE filler (b BLOB)"); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		_, err := fs.sqlDB.Exec("INSERT INTO filler VALUES (zeroblob(500))")
		if err != nil {
			if !strings.Contains(err.Error(), "full") {
				t.Fatalf("filling the database: %v", err)
			}
			return
		}
		if i > 100000 {
			t.Fatal("the database never filled up: max_page_count had no effect")
		}
	}
}

// unfill gives the database room again.
func (fs *faultServer) unfill(t *testing.T) {
	t.Helper()
	if _, err := fs.sqlDB.Exec("PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
}

// tcpProxy forwards loopback connections to target until cut.
type tcpProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	closed bool
}

func startProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{ln: ln, target: target}
	t.Cleanup(p.cut)
	go p.serve()
	return p
}

func (p *tcpProxy) addr() string { return p.ln.Addr().String() }

func (p *tcpProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		d, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			c.Close()
			d.Close()
			return
		}
		p.conns = append(p.conns, c, d)
		p.mu.Unlock()
		go func() { _, _ = io.Copy(d, c); d.Close() }()
		go func() { _, _ = io.Copy(c, d); c.Close() }()
	}
}

// cut refuses new connections and resets the open ones, as a database
// host that went away would.
func (p *tcpProxy) cut() {
	_ = p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
}
