package federation

import (
	"context"
	"encoding/json"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/hearth/hearth/models"
)

// TestInstanceBlockSuspend: a suspend block on a domain refuses its signed
// activities with 403 before storing, and drops deliveries to it without
// sending anything.
func TestInstanceBlockSuspend(t *testing.T) {
	n := newNetwork()
	a := newPeer(t, n, "a.test")
	a.env.Category("general")
	eve := &fakeRemote{signer: eveSigner(t)}
	n.add(t, "remote.test", eve)
	var calls atomic.Int32
	n.add(t, "peer.remote.test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusAccepted)
	}))
	ctx := context.Background()
	admin := a.env.User("boss", models.RoleAdmin)
	if _, err := a.env.Svc.BlockInstance(ctx, admin, "remote.test", models.BlockSuspend, "spam"); err != nil {
		t.Fatal(err)
	}

	id := "http://remote.test/activities/blocked"
	body, _ := json.Marshal(followActivity(id, "http://remote.test/users/eve", "http://a.test/c/general"))
	if code := signedPostWith(t, a.fed.client, eve.signer, "http://a.test/c/general/inbox", body, nil, nil); code != http.StatusForbidden {
		t.Fatalf("inbound from suspended instance: %d", code)
	}
	if _, err := a.env.Store.InboxByActivityID(ctx, id); err == nil {
		t.Fatal("activity from a suspended instance was stored")
	}

	// The block covers subdomains: peer.remote.test gets nothing.
	inbox := "http://peer.remote.test/inbox"
	act := map[string]any{"id": "http://a.test/actor#y", "type": "Update", "actor": "http://a.test/actor"}
	must(t, a.fed.enqueue(ctx, a.fed.instanceRef(), act, []string{inbox}))
	if _, err := a.fed.deliverDue(ctx); err != nil {
		t.Fatal(err)
	}
	jobs, _ := a.env.Store.DeliveriesTo(ctx, inbox)
	if len(jobs) != 1 || jobs[0].State != models.QueueFailed || calls.Load() != 0 {
		t.Fatalf("delivery to suspended instance: %+v, %d calls", jobs, calls.Load())
	}

	// Lifted, the same peer is accepted again.
	must(t, a.env.Svc.UnblockInstance(ctx, admin, "remote.test", ""))
	id2 := "http://remote.test/activities/after"
	body, _ = json.Marshal(followActivity(id2, "http://remote.test/users/eve", "http://a.test/c/general"))
	if code := signedPostWith(t, a.fed.client, eve.signer, "http://a.test/c/general/inbox", body, nil, nil); code != http.StatusAccepted {
		t.Fatalf("after unblock: %d", code)
	}
}
