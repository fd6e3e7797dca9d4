// Package models holds Hearth's gorm models and the queries on them. It has
// no business rules: those live in forum/. Transactions travel in the
// context, so services compose (see Store.WithTx).
package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/hearth/hearth/clock"
	"github.com/hearth/hearth/models/migrations"
)

// ErrNotFound is returned by lookups that found nothing.
var ErrNotFound = errors.New("not found")

// Store is the database handle shared by every service.
type Store struct {
	db *gorm.DB
}

type txKey struct{}

// Open connects to a sqlite:// or postgres:// DSN and checks the connection.
// It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	var dialector gorm.Dialector
	isSQLite := strings.HasPrefix(dsn, "sqlite://")
	if isSQLite {
		path := strings.TrimPrefix(dsn, "sqlite://")
		if path == "" {
			return nil, errors.New("sqlite:// DSN needs a file path, like sqlite://./data/hearth.db")
		}
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create database directory %s: %w", dir, err)
			}
		}
		// WAL lets readers run while one writer writes; immediate
		// transactions take the write lock up front so two writers queue on
		// busy_timeout instead of failing with SQLITE_BUSY half-way.
		q := url.Values{}
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Add("_pragma", "foreign_keys(1)")
		// No memory map: pages are read into SQLite's own cache (2 MB a
		// connection, the default cache_size) through the kernel's page
		// cache. A 256 MB map put every page a process had read into its
		// resident memory, so RSS grew with the file (30 MB of a 63 MB
		// file on the .ci/load.sh forum) and said nothing about what the
		// process needs; side by side on that forum, member pages cost the
		// same CPU without it (4.07-4.70 ms a request with the map,
		// 4.22-4.32 without, three runs each) and peak memory under load
		// was no higher (97-102 MB against 102-109 MB).
		q.Add("_pragma", "mmap_size(0)")
		q.Set("_txlock", "immediate")
		sqlDB, err := sql.Open(sqlite.DriverName, path+"?"+q.Encode())
		if err != nil {
			return nil, err
		}
		// No statement cache on SQLite: the glebarez driver prepares
		// every statement again on each run anyway (so a cache saves
		// nothing measurable), gorm's PrepareStmt can deadlock a
		// transaction against a statement being prepared
		// (go-gorm/gorm#7465; TestTransactionsNeverWaitForAStatementBeingPrepared),
		// and a cache of our own served stale reads after a commit
		// (TestUnverifiedMemberCannotPostUntilVerified, 1 run in 6-10).
		dialector = &sqlite.Dialector{Conn: sqlDB}
	} else {
		dialector = postgres.Open(withoutJIT(dsn))
	}
	db, err := gorm.Open(dialector, &gorm.Config{
		Logger:                                   logger.Default.LogMode(logger.Silent),
		DisableForeignKeyConstraintWhenMigrating: true,
		NowFunc:                                  func() time.Time { return storeTime(clock.Now()) },
		TranslateError:                           true,
		// No PrepareStmt (see above for SQLite). On PostgreSQL pgx already
		// keeps a prepared-statement cache per connection, inside
		// transactions too, while gorm's cache hands database/sql a
		// statement that, once first prepared inside a transaction, every
		// later transaction prepares and deallocates again: three round
		// trips per query instead of one (a third of inbox processing time;
		// docs/BENCHMARKS.md, PostgreSQL inbox).
	})
	if err != nil {
		return nil, err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if isSQLite {
		n := SQLitePoolSize()
		sqlDB.SetMaxOpenConns(n)
		sqlDB.SetMaxIdleConns(n)
	} else {
		// As many idle as open: a connection closed after a burst must be
		// opened again for the next one (a server process, and password
		// authentication), which showed as 100 ms+ waits in inbox bursts.
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(20)
	}
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	return &Store{db: db}, nil
}

// SQLitePoolSize is the built-in SQLite pool: twice the CPUs Go runs on,
// at least 4. The pure-Go driver's queries are CPU work, so connections
// beyond what the CPUs can run only wait, and each open one holds its own
// schema, statements and page cache. On the 2-core load machine
// (.ci/load.sh forum, member pages, wrk 16 connections, two alternating
// runs) 4 connections served 802-861 requests at 4.5-5.0 ms CPU each
// against 8 connections' 748-764 at 4.8-5.0 ms, with peak resident memory
// 89-93 MB against 100-104 MB.
func SQLitePoolSize() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

// withoutJIT turns PostgreSQL's JIT compilation off for Hearth's sessions
// unless the DSN sets jit itself. PostgreSQL compiles any query its planner
// costs above jit_above_cost; Hearth's analytics queries (a day of posts)
// pass it, and compiling took half a second of a 3.8 s rollup query on the
// 1M-post forum (docs/BENCHMARKS.md) for queries that run once. A DSN that
// is not a URL is left as it is.
func withoutJIT(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return dsn
	}
	q := u.Query()
	if q.Has("jit") {
		return dsn
	}
	q.Set("jit", "off")
	u.RawQuery = q.Encode()
	return u.String()
}

// Migrate applies pending schema migrations.
func (s *Store) Migrate() error { return migrations.Run(s.db) }

// storeTime is how the store keeps a time: UTC, to the microsecond that
// PostgreSQL holds, so a value read back equals the one written.
func storeTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// SetClock replaces the clock gorm stamps created_at and updated_at with.
// forum.Service.SetClock calls it, so a test that pins or moves the
// service's time moves every stored timestamp with it. Call it before the
// store is shared with running workers.
func (s *Store) SetClock(now func() time.Time) {
	s.db.Config.NowFunc = func() time.Time { return storeTime(now()) }
}

// SetMaxConns caps the connections the pool keeps open, and keeps as
// many idle (see Open: reopening after a burst costs more than holding).
func (s *Store) SetMaxConns(n int) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	sqlDB.SetMaxOpenConns(n)
	sqlDB.SetMaxIdleConns(n)
	return nil
}

// MaxConns is the pool's cap on open connections.
func (s *Store) MaxConns() int {
	sqlDB, err := s.db.DB()
	if err != nil {
		return 0
	}
	return sqlDB.Stats().MaxOpenConnections
}

// PoolStats is the connection pool's counters: connections in use, and
// how often and how long callers waited for one.
func (s *Store) PoolStats() sql.DBStats {
	sqlDB, err := s.db.DB()
	if err != nil {
		return sql.DBStats{}
	}
	return sqlDB.Stats()
}

// Close releases the connection pool.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.db.Dialector.Name() }

// Ping checks the database answers, for /healthz.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return Unavailable(sqlDB.PingContext(ctx))
}

// DB returns the transaction travelling in ctx, or the pool bound to ctx.
func (s *Store) DB(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx
	}
	return s.db.WithContext(ctx)
}

// WithTx runs fn in a transaction carried by the context it receives. Nested
// calls join the outer transaction, so services can call each other freely.
func (s *Store) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return fn(ctx)
	}
	// A failed begin or commit is the database's fault, not the request's:
	// mark it so the web answers 503 and forms keep their text.
	return Unavailable(s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(context.WithValue(ctx, txKey{}, tx))
	}))
}

// notFound turns gorm's record-not-found into ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

// IsUniqueViolation reports whether err is a unique-constraint failure, on
// either database.
func IsUniqueViolation(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}
