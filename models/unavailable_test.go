package models_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/hearth/hearth/models"
)

// sqliteError stands in for the SQLite driver's error, which carries the
// (extended) result code behind Code().
type sqliteError struct{ code int }

func (e sqliteError) Error() string { return fmt.Sprintf("sqlite error %d", e.code) }
func (e sqliteError) Code() int     { return e.code }

func TestIsUnavailable(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("create post: %w", err) }
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"bad connection", driver.ErrBadConn, true},
		{"connection done, wrapped", wrap(sql.ErrConnDone), true},
		{"pool closed", errors.New("sql: database is closed"), true},
		{"connection refused", wrap(&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}), true},
		{"connection reset", wrap(syscall.ECONNRESET), true},
		{"broken pipe", syscall.EPIPE, true},
		{"read cut short", wrap(io.ErrUnexpectedEOF), true},
		{"already marked", wrap(models.ErrUnavailable), true},
		{"postgres admin shutdown 57P01", &pgconn.PgError{Code: "57P01"}, true},
		{"postgres crash shutdown 57P02", wrap(&pgconn.PgError{Code: "57P02"}), true},
		{"postgres cannot connect now 57P03", &pgconn.PgError{Code: "57P03"}, true},
		{"postgres disk full 53100", &pgconn.PgError{Code: "53100"}, true},
		{"postgres too many connections 53300", &pgconn.PgError{Code: "53300"}, true},
		{"postgres connection failure 08006", &pgconn.PgError{Code: "08006"}, true},
		{"postgres unique violation 23505", &pgconn.PgError{Code: "23505"}, false},
		{"postgres query canceled 57014", &pgconn.PgError{Code: "57014"}, false},
		{"postgres syntax error 42601", &pgconn.PgError{Code: "42601"}, false},
		{"sqlite busy", sqliteError{5}, true},
		{"sqlite locked", wrap(sqliteError{6}), true},
		{"sqlite busy snapshot (extended)", sqliteError{5 | 2<<8}, true},
		{"sqlite disk full", sqliteError{13}, true},
		{"sqlite I/O error (extended)", sqliteError{10 | 13<<8}, true},
		{"sqlite constraint", sqliteError{19}, false},
		{"sqlite readonly", sqliteError{8}, false},
		{"not found", models.ErrNotFound, false},
		{"gorm record not found", gorm.ErrRecordNotFound, false},
		{"client went away", context.Canceled, false},
		{"any other error", errors.New("title: too long"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := models.IsUnavailable(tt.err); got != tt.want {
				t.Fatalf("IsUnavailable(%v) = %v, want %v", tt.err, got, tt.want)
			}
			marked := models.Unavailable(tt.err)
			if errors.Is(marked, models.ErrUnavailable) != tt.want {
				t.Fatalf("Unavailable(%v) matches ErrUnavailable: %v, want %v", tt.err, !tt.want, tt.want)
			}
			if tt.err != nil && !errors.Is(marked, tt.err) {
				t.Fatalf("Unavailable(%v) lost the driver's error", tt.err)
			}
		})
	}
}

// TestConnectFailuresAreUnavailable: real PostgreSQL connect failures, on
// loopback and without a server: a refused port, and a server that accepts
// but never answers (the connect deadline passes).
func TestConnectFailuresAreUnavailable(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := closed.Addr().String()
	closed.Close()

	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()

	for name, addr := range map[string]string{"refused": refused, "silent": silent.Addr().String()} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			_, err := models.Open(ctx, "postgres://hearth:hearth@"+addr+"/hearth?sslmode=disable&connect_timeout=1")
			if err == nil {
				t.Fatal("Open succeeded against a port with no PostgreSQL")
			}
			if !models.IsUnavailable(err) {
				t.Fatalf("connect failure %v (%T) is not classified unavailable", err, err)
			}
		})
	}
}
