package forum

import (
	"context"
	"testing"

	"github.com/hearth/hearth/models"
)

type relayCount struct {
	noHooks
	n int
}

func (r *relayCount) RemoteAccepted(context.Context, *models.Category, *models.Post, []byte) error {
	r.n++
	return nil
}

// The private-category guard never hands the relay an activity in the
// ambassadors' category, and passes every other on.
func TestPrivateGuardDropsRelayInPrivateCategory(t *testing.T) {
	rec := &relayCount{}
	g := privateGuard{inner: rec}
	ctx := context.Background()
	if err := g.RemoteAccepted(ctx, &models.Category{AmbassadorsOnly: true}, &models.Post{}, []byte("x")); err != nil || rec.n != 0 {
		t.Fatalf("private: %v, relayed %d", err, rec.n)
	}
	if err := g.RemoteAccepted(ctx, &models.Category{}, &models.Post{}, []byte("x")); err != nil || rec.n != 1 {
		t.Fatalf("public: %v, relayed %d", err, rec.n)
	}
}
