package models_test

import (
	"context"
	"errors"
	"testing"

	"github.com/hearth/hearth/models/modelstest"
)

// TestSiteSettingsVersionCanceled: a request whose client went away (its
// context canceled before the query's statement was prepared) gets an
// error back. Through gorm's prepared-statement cache, .Row() turned that
// failed prepare into an empty sql.Row whose Scan panicked: every page
// logged a recovered panic when wrk closed its connections
// (.ci/load.sh).
func TestSiteSettingsVersionCanceled(t *testing.T) {
	s := modelstest.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.SiteSettingsVersion(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled: %v", err)
	}
	if v, err := s.SiteSettingsVersion(context.Background()); err != nil || v < 0 {
		t.Fatalf("after: %d %v", v, err)
	}
}
