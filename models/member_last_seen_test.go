package models_test

import (
	"context"
	"testing"
	"time"
)

// TestMemberLastSeenMigrationAndMarkSeen: migration 0361 fills
// users.last_seen_at from the seen days already recorded (the first use on
// the last day), and MarkSeen moves it on a new day only, never back.
func TestMemberLastSeenMigrationAndMarkSeen(t *testing.T) {
	ctx := context.Background()
	s, db := storeAt(t, "0360_member_list")
	joined := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	for _, name := range []string{"seen", "never"} {
		if err := db.Exec(`INSERT INTO users (username, username_lower, email, email_lower, password_hash, role, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'x', 'member', ?, ?)`, name, name, name+"@example.com", name+"@example.com", joined, joined).Error; err != nil {
			t.Fatal(err)
		}
	}
	// Only the id, by a query of its own: a SELECT * of users prepared
	// before s.Migrate adds later migrations' users columns makes
	// PostgreSQL refuse that cached plan afterwards ("cached plan must not
	// change result type").
	var seen struct{ ID int64 }
	if err := db.Raw(`SELECT id FROM users WHERE username = ?`, "seen").Scan(&seen).Error; err != nil {
		t.Fatal(err)
	}
	day1, day2 := joined.Add(2*time.Hour), joined.Add(26*time.Hour)
	for _, at := range []time.Time{day2, day1} {
		if err := db.Exec(`INSERT INTO member_seen_days (user_id, day, first_at) VALUES (?, ?, ?)`, seen.ID, at.Format(time.DateOnly), at).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Migrate(); err != nil {
		t.Fatal(err)
	}
	last := func(name string) *time.Time {
		u, err := s.UserByUsername(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return u.LastSeenAt
	}
	if got := last("seen"); got == nil || !got.Equal(day2) {
		t.Fatalf("backfilled %v, want %v", got, day2)
	}
	if got := last("never"); got != nil {
		t.Fatalf("never seen: %v", got)
	}
	// The same day again does not move it; an earlier day (a row of its
	// own, written late) does not either.
	for _, at := range []time.Time{day2.Add(time.Hour), joined} {
		if err := s.MarkSeen(ctx, seen.ID, at.Format(time.DateOnly), at); err != nil {
			t.Fatal(err)
		}
	}
	if got := last("seen"); !got.Equal(day2) {
		t.Fatalf("moved to %v", got)
	}
	day3 := day2.Add(24 * time.Hour)
	if err := s.MarkSeen(ctx, seen.ID, day3.Format(time.DateOnly), day3); err != nil {
		t.Fatal(err)
	}
	if got := last("seen"); !got.Equal(day3) {
		t.Fatalf("new day: %v", got)
	}
}
