package models_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
)

// TestActorKeyOrCreateRace: however many callers race to create an actor's
// key, they all get the one stored key.
func TestActorKeyOrCreateRace(t *testing.T) {
	s := modelstest.Open(t)
	ctx := context.Background()
	var made atomic.Int64
	gen := func() (string, string, error) {
		n := made.Add(1)
		return fmt.Sprintf("private-%d", n), fmt.Sprintf("public-%d", n), nil
	}
	const callers = 8
	keys := make([]*models.ActorKey, callers)
	errs := make([]error, callers)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range callers {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			keys[i], errs[i] = s.ActorKeyOrCreate(ctx, models.ActorTypeCategory, 7, gen)
		}()
	}
	start.Done()
	done.Wait()
	for i := range callers {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if keys[i].PrivateKeyPEM != keys[0].PrivateKeyPEM || keys[i].PublicKeyPEM != keys[0].PublicKeyPEM {
			t.Fatalf("caller %d got another key: %+v vs %+v", i, keys[i], keys[0])
		}
	}
	stored, err := s.ActorKey(ctx, models.ActorTypeCategory, 7)
	if err != nil || stored.PublicKeyPEM != keys[0].PublicKeyPEM {
		t.Fatalf("stored %+v, %v", stored, err)
	}
	// Once stored, the key is read, never made again.
	before := made.Load()
	if _, err := s.ActorKeyOrCreate(ctx, models.ActorTypeCategory, 7, gen); err != nil || made.Load() != before {
		t.Fatalf("generated again (%v)", err)
	}
	// Keys are per actor.
	other, err := s.ActorKeyOrCreate(ctx, models.ActorTypeUser, 7, gen)
	if err != nil || other.PublicKeyPEM == keys[0].PublicKeyPEM {
		t.Fatalf("user 7 shares category 7's key (%v)", err)
	}
	if _, err := s.ActorKey(ctx, models.ActorTypeInstance, 0); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("missing key: %v", err)
	}
	// A failing generator stores nothing.
	boom := errors.New("no entropy")
	if _, err := s.ActorKeyOrCreate(ctx, models.ActorTypeInstance, 0, func() (string, string, error) { return "", "", boom }); !errors.Is(err, boom) {
		t.Fatalf("generator error lost: %v", err)
	}
	if _, err := s.ActorKey(ctx, models.ActorTypeInstance, 0); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("failed creation left a row: %v", err)
	}
}
