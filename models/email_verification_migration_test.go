package models_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/migrations"
	"github.com/hearth/hearth/models/modelstest"
)

// TestMembersBeforeEmailVerificationCountAsVerified: migration 0301 marks
// every local member made before it as verified (nobody asked them), and
// leaves remote authors, who have no address, alone.
func TestMembersBeforeEmailVerificationCountAsVerified(t *testing.T) {
	ctx := context.Background()
	s, db := storeAt(t, "0300_password_resets")
	joined := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	for _, row := range []struct{ name, hash, domain string }{{"old", "x", ""}, {"far", "", "remote.example"}} {
		if err := db.Exec(`INSERT INTO users (username, username_lower, email, email_lower, password_hash, domain, role, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, 'member', ?, ?)`, row.name, row.name, row.name+"@example.com", row.name+"@example.com", row.hash, row.domain, joined, joined).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Migrate(); err != nil {
		t.Fatal(err)
	}
	old, err := s.UserByUsername(ctx, "old")
	if err != nil {
		t.Fatal(err)
	}
	if old.EmailVerifiedAt == nil || !old.EmailVerifiedAt.Equal(joined) || old.PendingEmail != "" {
		t.Errorf("existing member: verified %v pending %q", old.EmailVerifiedAt, old.PendingEmail)
	}
	var far models.User
	if err := db.Where("username = ?", "far").First(&far).Error; err != nil {
		t.Fatal(err)
	}
	if far.EmailVerifiedAt != nil {
		t.Errorf("remote author marked verified: %v", far.EmailVerifiedAt)
	}
}

// storeAt opens an empty test database migrated up to (and including)
// migration id, for tests of what a later migration does to existing rows.
func storeAt(t *testing.T, id string) (*models.Store, *gorm.DB) {
	t.Helper()
	ctx := context.Background()
	s, err := models.Open(ctx, modelstest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	db := s.DB(ctx)
	if err := migrations.RunTo(db, id); err != nil {
		t.Fatal(err)
	}
	return s, db
}
