package models_test

import (
	"runtime"
	"testing"

	"github.com/hearth/hearth/models"
)

// TestSQLitePoolSize: twice the CPUs Go runs on, never under 4.
func TestSQLitePoolSize(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, tc := range []struct{ procs, want int }{{1, 4}, {2, 4}, {3, 6}, {8, 16}} {
		runtime.GOMAXPROCS(tc.procs)
		if got := models.SQLitePoolSize(); got != tc.want {
			t.Errorf("GOMAXPROCS %d: pool %d, want %d", tc.procs, got, tc.want)
		}
	}
}
