package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
)

// A passkey challenge is taken once, only while live and of its kind, and
// maintenance drops the expired ones.
func TestWebAuthnChallengeLifecycle(t *testing.T) {
	s := modelstest.Open(t)
	ctx := context.Background()
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC) // every clock here is this value
	for _, c := range []models.WebAuthnChallenge{
		{ID: "live", Kind: "login", Data: "{}", ExpiresAt: now.Add(time.Minute)},
		{ID: "old", Kind: "login", Data: "{}", ExpiresAt: now.Add(-time.Minute)},
	} {
		if err := s.CreateWebAuthnChallenge(ctx, &c); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		id, kind string
		ok       bool
	}{
		{"live", "register", false}, // another ceremony's kind
		{"old", "login", false},     // expired
		{"live", "login", true},
		{"live", "login", false}, // taken already
	}
	for _, c := range cases {
		_, err := s.TakeWebAuthnChallenge(ctx, c.id, c.kind, now)
		if c.ok != (err == nil) || (!c.ok && !errors.Is(err, models.ErrNotFound)) {
			t.Fatalf("take %s/%s: %v, want ok=%v", c.id, c.kind, err, c.ok)
		}
	}
	if err := s.DeleteWebAuthnChallengesBefore(ctx, now); err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := s.DB(ctx).Model(&models.WebAuthnChallenge{}).Count(&n).Error; err != nil || n != 0 {
		t.Fatalf("%d challenges left after pruning: %v", n, err)
	}
}
