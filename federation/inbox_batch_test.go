package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/hearth/hearth/models"
)

// TestInboxConcurrentDeliveries: activities arriving at once from a peer
// whose key is not known yet (one key fetch serves them all) are each
// answered 202 once stored (they share commits), and an activity delivered
// twice at the same moment is stored once.
func TestInboxConcurrentDeliveries(t *testing.T) {
	n := newNetwork()
	a := newPeer(t, n, "a.test")
	a.env.Category("general")
	eve := &fakeRemote{signer: eveSigner(t)}
	n.add(t, "remote.test", eve)
	const distinct = 20

	var wg sync.WaitGroup
	codes := make([]int, 2*distinct)
	for i := range 2 * distinct {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("http://remote.test/activities/%d", i%distinct)
			body, _ := json.Marshal(followActivity(id, "http://remote.test/users/eve", "http://a.test/c/general"))
			codes[i] = signedPost(t, a.fed.client, eve.signer, "http://a.test/inbox", body)
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusAccepted {
			t.Fatalf("request %d: %d", i, c)
		}
	}
	var stored int64
	must(t, a.env.Store.DB(context.Background()).Model(&models.InboxActivity{}).Count(&stored).Error)
	if stored != distinct {
		t.Fatalf("stored %d activities, want %d", stored, distinct)
	}
}
