package main

import (
	"context"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
)

// TestDBMaxConnsFlag: --db-max-conns reaches the Config, caps the pool
// openService opens, and 0 keeps the built-in pool; a value out of range
// is refused naming the flag.
func TestDBMaxConnsFlag(t *testing.T) {
	builtIn := models.SQLitePoolSize()
	if modelstest.IsPostgres() {
		builtIn = 20
	}
	for _, tc := range []struct {
		name string
		args []string
		want int // pool cap; 0 for a refused value
		err  string
	}{
		{name: "default", want: builtIn},
		{name: "set", args: []string{"--db-max-conns", "3"}, want: 3},
		{name: "negative", args: []string{"--db-max-conns", "-1"}, err: "--db-max-conns"},
		{name: "too many", args: []string{"--db-max-conns", "5000"}, err: "HEARTH_DB_MAX_CONNS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := serveConfig(t, append([]string{"--db", modelstest.DSN(t)}, tc.args...)...)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("want an error naming %s, got %v", tc.err, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			svc, err := openService(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer svc.Store().Close()
			if got := svc.Store().MaxConns(); got != tc.want {
				t.Fatalf("pool cap %d, want %d", got, tc.want)
			}
		})
	}
}
