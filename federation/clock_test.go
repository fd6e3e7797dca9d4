package federation

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/hearth/hearth/models"
)

// TestOneClock: pinning the forum service's clock pins everything an
// instance dates: federation's own clock, the Date its signatures carry and
// the timestamps the store writes. A test that pins one of them and not the
// others would pass or fail by the calendar.
func TestOneClock(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	u := h.env.User("alice", models.RoleMember)
	pinned := h.env.Svc.Now().Add(90 * 24 * time.Hour).Truncate(time.Second)
	h.env.Svc.SetClock(func() time.Time { return pinned })

	if got := h.fed.now(); !got.Equal(pinned) {
		t.Errorf("federation's clock %v, want the service's %v", got, pinned)
	}
	signer, err := h.fed.InstanceSigner(ctx)
	must(t, err)
	req, err := http.NewRequest(http.MethodGet, "http://b.test/actor", nil)
	must(t, err)
	must(t, signer.Sign(req, nil))
	if got, want := req.Header.Get("Date"), pinned.Format(http.TimeFormat); got != want {
		t.Errorf("signed Date %q, want %q", got, want)
	}
	must(t, h.env.Store.UpdateUserFields(ctx, u.ID, map[string]any{"bio": "dated by the store"}))
	back, err := h.env.Store.UserByID(ctx, u.ID)
	must(t, err)
	if !back.UpdatedAt.Equal(pinned) {
		t.Errorf("the store stamped updated_at %v, want %v", back.UpdatedAt, pinned)
	}
}
