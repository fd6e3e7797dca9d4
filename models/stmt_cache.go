package models

import (
	"context"
	"database/sql"
	"strings"
	"sync"

	"gorm.io/gorm"
)

// maxCachedStmts bounds the statement cache. Hearth's SQL is a fixed set
// of strings except for IN lists, whose placeholders grow with the list,
// so the set is finite but not small; past the bound a query simply runs
// unprepared, as it would without a cache.
const maxCachedStmts = 2048

// stmtPool is the SQLite connection pool gorm runs on, with a cache of
// prepared statements (re-parsing SQL was a tenth of a thread page's time).
//
// It replaces gorm's PrepareStmt, which can deadlock the whole process
// (go-gorm/gorm#7465, still open in v1.31.2): gorm holds its cache lock
// while waiting for a statement another goroutine is preparing, and that
// preparation waits for a pool connection. When every connection belongs
// to a transaction whose next statement needs the cache lock, nothing moves
// again. With Hearth's pool of 4 and a dozen workers starting together,
// `hearth serve` stalled at start-up this way (TestDeliverySurvivesKill:
// the first API call timed out; with one connection it hung every time).
//
// So here no goroutine ever waits for another while it could be holding a
// connection: the lock only guards the map, a statement is prepared with
// no lock held (two goroutines may both prepare one; the loser's copy is
// closed), and a transaction that finds no cached statement runs its query
// unprepared on its own connection and leaves the preparing to a
// goroutine that holds nothing while it waits for a connection.
type stmtPool struct {
	db *sql.DB

	max       int // statements cached at most
	mu        sync.Mutex
	stmts     map[string]*sql.Stmt
	preparing map[string]bool // queued for a background prepare
}

func newStmtPool(db *sql.DB) *stmtPool {
	return &stmtPool{db: db, max: maxCachedStmts, stmts: map[string]*sql.Stmt{}, preparing: map[string]bool{}}
}

// GetDBConn lets gorm's DB() reach the pool.
func (p *stmtPool) GetDBConn() (*sql.DB, error) { return p.db, nil }

// Ping is what gorm.Open checks the pool with.
func (p *stmtPool) Ping() error { return p.db.Ping() }

func (p *stmtPool) cached(query string) *sql.Stmt {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stmts[query]
}

// keep caches s for query unless another goroutine cached one first, and
// returns the statement to use: nil when the cache is full (s is closed;
// the caller runs its query unprepared).
func (p *stmtPool) keep(query string, s *sql.Stmt) *sql.Stmt {
	p.mu.Lock()
	kept, ok := p.stmts[query]
	if !ok && len(p.stmts) < p.max {
		p.stmts[query] = s
		kept = s
	}
	p.mu.Unlock()
	if kept != s {
		_ = s.Close()
	}
	return kept
}

// cacheable tells whether query is worth a cached statement: not a
// savepoint command, whose name is new for every nested transaction.
func cacheable(query string) bool {
	return !strings.HasPrefix(query, "SAVEPOINT") && !strings.HasPrefix(query, "RELEASE") &&
		!strings.HasPrefix(query, "ROLLBACK")
}

// stmt returns query's cached statement, preparing it on the pool on a
// miss; nil when it is not to be cached. Only callers outside a
// transaction may use it: preparing takes a connection.
func (p *stmtPool) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s := p.cached(query); s != nil || !cacheable(query) {
		return s, nil
	}
	p.mu.Lock()
	full := len(p.stmts) >= p.max
	p.mu.Unlock()
	if full {
		return nil, nil
	}
	s, err := p.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return p.keep(query, s), nil
}

// prepareLater prepares query on the pool in the background, for a
// transaction that found it uncached: the transaction must not wait for a
// second connection, and the goroutine holds none while it waits for one.
func (p *stmtPool) prepareLater(query string) {
	if !cacheable(query) {
		return
	}
	p.mu.Lock()
	if p.stmts[query] != nil || p.preparing[query] || len(p.stmts)+len(p.preparing) >= p.max {
		p.mu.Unlock()
		return
	}
	p.preparing[query] = true
	p.mu.Unlock()
	go func() {
		s, err := p.db.PrepareContext(context.Background(), query)
		if err == nil {
			p.keep(query, s)
		}
		p.mu.Lock()
		delete(p.preparing, query)
		p.mu.Unlock()
	}()
}

// pending is how many statements wait for a background prepare.
func (p *stmtPool) pending() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.preparing)
}

// PrepareContext prepares a statement the caller owns (gorm's Rows path
// for raw queries does not use it; it is here to satisfy gorm.ConnPool).
func (p *stmtPool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.db.PrepareContext(ctx, query)
}

func (p *stmtPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := p.stmt(ctx, query)
	switch {
	case err != nil:
		return nil, err
	case s == nil:
		return p.db.ExecContext(ctx, query, args...)
	}
	return s.ExecContext(ctx, args...)
}

func (p *stmtPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := p.stmt(ctx, query)
	switch {
	case err != nil:
		return nil, err
	case s == nil:
		return p.db.QueryContext(ctx, query, args...)
	}
	return s.QueryContext(ctx, args...)
}

func (p *stmtPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	s, err := p.stmt(ctx, query)
	if err != nil || s == nil {
		// A *sql.Row carries an error only when database/sql makes it:
		// running the query unprepared reports the same failure.
		return p.db.QueryRowContext(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

// BeginTx starts a transaction whose statements use the cache without ever
// waiting for a connection besides the transaction's own.
func (p *stmtPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	tx, err := p.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &stmtTx{Tx: tx, pool: p}, nil
}

// stmtTx is a transaction on a stmtPool. A cached statement is bound to
// the transaction's connection (database/sql prepares it there if that
// connection has not yet); an uncached one runs unprepared.
type stmtTx struct {
	*sql.Tx
	pool *stmtPool
}

// GetDBConn lets gorm's DB() reach the pool from inside a transaction.
func (t *stmtTx) GetDBConn() (*sql.DB, error) { return t.pool.db, nil }

func (t *stmtTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := t.pool.cached(query); s != nil {
		return t.Tx.StmtContext(ctx, s).ExecContext(ctx, args...)
	}
	t.pool.prepareLater(query)
	return t.Tx.ExecContext(ctx, query, args...)
}

func (t *stmtTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := t.pool.cached(query); s != nil {
		return t.Tx.StmtContext(ctx, s).QueryContext(ctx, args...)
	}
	t.pool.prepareLater(query)
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t *stmtTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := t.pool.cached(query); s != nil {
		return t.Tx.StmtContext(ctx, s).QueryRowContext(ctx, args...)
	}
	t.pool.prepareLater(query)
	return t.Tx.QueryRowContext(ctx, query, args...)
}
