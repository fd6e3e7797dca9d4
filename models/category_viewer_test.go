package models_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
)

// TestCategoryViewerState: the one statement behind a member's category
// page returns the category's followers (not another category's or a
// member's), the member's own row on the category, their rows on the
// listed threads only, and every category they muted; another member's
// rows never come along.
func TestCategoryViewerState(t *testing.T) {
	s := modelstest.Open(t)
	ctx := context.Background()
	const me, other, cat, otherCat, mutedCat = 7, 8, 3, 4, 5
	for _, f := range []models.Follower{
		{LocalActorType: models.ActorTypeCategory, LocalActorID: cat, RemoteActorID: 1},
		{LocalActorType: models.ActorTypeCategory, LocalActorID: cat, RemoteActorID: 2},
		{LocalActorType: models.ActorTypeCategory, LocalActorID: otherCat, RemoteActorID: 3},
		{LocalActorType: models.ActorTypeUser, LocalActorID: cat, RemoteActorID: 4},
	} {
		if err := s.DB(ctx).Create(&f).Error; err != nil {
			t.Fatal(err)
		}
	}
	lv := func(user int64, kind string, target int64, level string, read int) models.NotificationLevel {
		return models.NotificationLevel{UserID: user, TargetKind: kind, TargetID: target, Level: level, LastRead: read}
	}
	for _, r := range []models.NotificationLevel{
		lv(me, models.TargetCategory, cat, models.LevelWatching, 0),
		lv(me, models.TargetCategory, mutedCat, models.LevelMuted, 0),
		lv(me, models.TargetCategory, otherCat, models.LevelTracking, 0),
		lv(me, models.TargetThread, 10, models.LevelNone, 4),
		lv(me, models.TargetThread, 11, models.LevelMuted, 2),
		lv(me, models.TargetThread, 99, models.LevelWatching, 9), // not listed
		lv(other, models.TargetThread, 12, models.LevelWatching, 5),
		lv(other, models.TargetCategory, otherCat, models.LevelMuted, 0),
	} {
		if err := s.DB(ctx).Create(&r).Error; err != nil {
			t.Fatal(err)
		}
	}
	type want struct {
		followers int
		level     string // "" for no row
		marks     map[int64]int
		muted     []int64
	}
	for _, tc := range []struct {
		name      string
		user, cat int64
		threads   []int64
		want      want
	}{
		{"member with a level, marks and a mute", me, cat, []int64{10, 11, 12, 13}, want{2, models.LevelWatching, map[int64]int{10: 4, 11: 2}, []int64{mutedCat}}},
		{"no threads listed", me, cat, nil, want{2, models.LevelWatching, map[int64]int{}, []int64{mutedCat}}},
		{"the muted category itself", me, mutedCat, []int64{10}, want{0, models.LevelMuted, map[int64]int{10: 4}, []int64{mutedCat}}},
		{"another member", other, cat, []int64{10, 11, 12}, want{2, "", map[int64]int{12: 5}, []int64{otherCat}}},
		{"nobody's rows", 55, otherCat, []int64{10}, want{1, "", map[int64]int{}, nil}},
	} {
		v, err := s.CategoryViewerState(ctx, tc.user, tc.cat, tc.threads)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := want{followers: v.Followers, marks: map[int64]int{}}
		if v.Level != nil {
			got.level = v.Level.Level
		}
		for id, m := range v.Marks {
			got.marks[id] = m.LastRead
		}
		for id := range v.Muted {
			got.muted = append(got.muted, id)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// TestCategoryViewerStatePlan: each arm of the category page's one
// statement reads an index, never the whole table: followers by
// idx_followers_pair, the member's rows by idx_notification_levels_target.
// A member who has read thousands of threads has thousands of rows, and a
// rewrite that put the member and the kinds inside one OR can lose the
// index. On PostgreSQL the tables are tiny, so sequential scans are
// switched off to ask whether an index can serve, not what is cheapest.
func TestCategoryViewerStatePlan(t *testing.T) {
	s := modelstest.Open(t)
	ctx := context.Background()
	var sql string
	var vars []any
	cb := s.DB(ctx).Callback().Row()
	if err := cb.After("*").Register("test:plan", func(tx *gorm.DB) {
		sql, vars = tx.Statement.SQL.String(), tx.Statement.Vars
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CategoryViewerState(ctx, 7, 3, []int64{10, 11, 12}); err != nil {
		t.Fatal(err)
	}
	if err := cb.Remove("test:plan"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sql, "notification_levels") {
		t.Fatalf("no statement captured: %q", sql)
	}
	plan := queryPlan(t, s, sql, vars, "enable_seqscan")
	all := strings.Join(plan, "\n")
	// The member's category rows and their thread rows: two arms, each
	// on the member's part of idx_notification_levels_target.
	for index, arms := range map[string]int{"idx_followers_pair": 1, "idx_notification_levels_target": 2} {
		if n := strings.Count(all, index); n < arms {
			t.Errorf("plan uses %s %d times, want %d:\n%s", index, n, arms, all)
		}
	}
	for _, line := range plan {
		if strings.Contains(line, "Seq Scan") || (strings.HasPrefix(line, "SCAN ") && !strings.Contains(line, "USING")) {
			t.Errorf("a table scan: %s\n%s", line, all)
		}
	}
}
