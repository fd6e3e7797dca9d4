package models_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hearth/hearth/models/modelstest"
)

// TestPostgresSessionsAndCoveringIndexes: on PostgreSQL, Hearth's sessions
// run without JIT and the posts indexes the analytics read carry the post
// id (migration 0190), so a day's posts are read from the index alone; on
// SQLite the same indexes exist (the rowid is in every entry already).
func TestPostgresSessionsAndCoveringIndexes(t *testing.T) {
	s := modelstest.Open(t)
	ctx := context.Background()
	db := s.DB(ctx)
	if !modelstest.IsPostgres() {
		for _, idx := range []string{"idx_posts_created", "idx_posts_user"} {
			var n int64
			if err := db.Raw("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ?", idx).Scan(&n).Error; err != nil || n != 1 {
				t.Fatalf("index %s: %d (%v)", idx, n, err)
			}
		}
		return
	}
	var jit string
	if err := db.Raw("SHOW jit").Scan(&jit).Error; err != nil || jit != "off" {
		t.Fatalf("jit = %q (%v), want off", jit, err)
	}
	for idx, want := range map[string]string{
		"idx_posts_created": "(created_at, user_id, thread_id, number, deleted_at) INCLUDE (id)",
		"idx_posts_user":    "(user_id, created_at) INCLUDE (id)",
	} {
		var def string
		if err := db.Raw("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ?", idx).Scan(&def).Error; err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(def, want) {
			t.Errorf("%s is %q, want it to end with %q", idx, def, want)
		}
	}
}
