package models

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// ErrUnavailable means the database cannot be reached or cannot take the
// change right now (down, restarting, connections cut, disk full, locked
// past busy_timeout). Nothing about the request is wrong: the same request
// may succeed in a moment, so the web answers 503 with Retry-After rather
// than 500, and forms keep what the member typed.
var ErrUnavailable = errors.New("the database is unavailable")

// unavailableError keeps the driver's error (for the log) while matching
// ErrUnavailable with errors.Is.
type unavailableError struct{ err error }

func (e *unavailableError) Error() string        { return "database unavailable: " + e.err.Error() }
func (e *unavailableError) Unwrap() error        { return e.err }
func (e *unavailableError) Is(target error) bool { return target == ErrUnavailable }

// Unavailable returns err marked as ErrUnavailable when it is one of the
// "database unavailable" failures (see IsUnavailable), and err unchanged
// otherwise. nil stays nil.
func Unavailable(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) || !IsUnavailable(err) {
		return err
	}
	return &unavailableError{err: err}
}

// SQLite result codes (the primary code is the low byte of an extended
// code): busy or locked past busy_timeout, disk full, I/O error, cannot open
// the file.
const (
	sqliteBusy     = 5
	sqliteLocked   = 6
	sqliteIOErr    = 10
	sqliteFull     = 13
	sqliteCantOpen = 14
)

// IsUnavailable reports whether err says the database could not be used,
// as opposed to the request being wrong: the one place that knows which
// driver errors mean that, for both databases.
//
//   - the pool or a connection is gone: driver.ErrBadConn, sql.ErrConnDone,
//     "sql: database is closed";
//   - the network: connection refused or reset, broken pipe, a read cut
//     short (unexpected EOF), a timeout, any net.OpError;
//   - PostgreSQL: a failed connect (pgconn.ConnectError, including a context
//     deadline while connecting), an error pgx says happened before anything
//     was sent, and the SQLSTATE classes 08 (connection exception), 53
//     (insufficient resources: disk full, out of memory, too many
//     connections) and 57P01-57P04 (shutdown, crash, cannot connect now,
//     database dropped);
//   - SQLite: busy or locked beyond busy_timeout, "database or disk is
//     full", I/O errors, cannot open the file.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrUnavailable) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		strings.Contains(err.Error(), "sql: database is closed") {
		return true
	}
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return true
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) || pgconn.SafeToRetry(err) || pgconn.Timeout(err) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		code := pgErr.Code
		return strings.HasPrefix(code, "08") || strings.HasPrefix(code, "53") ||
			code == "57P01" || code == "57P02" || code == "57P03" || code == "57P04"
	}
	var sqliteErr interface{ Code() int }
	if errors.As(err, &sqliteErr) {
		switch sqliteErr.Code() & 0xff {
		case sqliteBusy, sqliteLocked, sqliteIOErr, sqliteFull, sqliteCantOpen:
			return true
		}
	}
	return false
}
