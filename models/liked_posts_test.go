package models_test

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
)

// TestLikedPostIDs: the likes lookup of a thread page answers which of the
// page's posts the viewer liked, not another member's likes nor posts off
// the page, for pages of 1, 3 and 150 posts. On PostgreSQL it is also the
// same statement, with two parameters, whatever the page's length: one
// prepared statement per connection, not one per length with a parameter
// per post (gorm's IN expansion; see models/id_array.go).
func TestLikedPostIDs(t *testing.T) {
	s := modelstest.Open(t)
	ctx := context.Background()
	const me, other = 7, 8
	for _, l := range []models.Like{{PostID: 2, UserID: me}, {PostID: 3, UserID: other}, {PostID: 150, UserID: me}, {PostID: 900, UserID: me}} {
		if err := s.DB(ctx).Create(&l).Error; err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	type stmt struct {
		sql  string
		vars int
	}
	var seen []stmt
	cb := s.DB(ctx).Callback().Query()
	if err := cb.After("*").Register("test:liked", func(tx *gorm.DB) {
		if strings.Contains(tx.Statement.SQL.String(), "likes") {
			mu.Lock()
			seen = append(seen, stmt{tx.Statement.SQL.String(), len(tx.Statement.Vars)})
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cb.Remove("test:liked") })
	page := func(from, to int64) []int64 {
		var ids []int64
		for id := from; id <= to; id++ {
			ids = append(ids, id)
		}
		return ids
	}
	for _, tc := range []struct {
		name string
		ids  []int64
		want map[int64]bool
	}{
		{"one post, liked", []int64{2}, map[int64]bool{2: true}},
		{"three posts, one liked by someone else", []int64{1, 2, 3}, map[int64]bool{2: true}},
		{"150 posts", page(1, 150), map[int64]bool{2: true, 150: true}},
		{"none liked", []int64{4, 5}, map[int64]bool{}},
	} {
		got, err := s.LikedPostIDs(ctx, me, tc.ids)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: liked %v, want %v", tc.name, got, tc.want)
		}
	}
	if len(seen) != 4 {
		t.Fatalf("%d likes statements for 4 lookups: %v", len(seen), seen)
	}
	if !modelstest.IsPostgres() {
		return
	}
	for _, st := range seen[1:] {
		if st != seen[0] {
			t.Errorf("PostgreSQL: the statement changes with the page's length:\n%v\n%v", seen[0], st)
		}
	}
	if seen[0].vars != 2 {
		t.Errorf("PostgreSQL: %d parameters, want 2 (the member and one array): %s", seen[0].vars, seen[0].sql)
	}
}
