package federation

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// TestInboxBatchKeepsEachActorsOrder: one worker's claimed batch holds
// every actor's Like of a post followed by its Undo, interleaved with the
// other actors' activities. On PostgreSQL a worker processes different
// actors' activities at once; each actor's must still apply in order, or
// an Undo that overtook its Like would leave the Like counted.
func TestInboxBatchKeepsEachActorsOrder(t *testing.T) {
	ib := newInboxBench(t)
	ctx := context.Background()
	post := ib.posts[0]
	const actors = 12
	enqueue := func(actor int, act map[string]any) {
		body, err := json.Marshal(act)
		must(t, err)
		_, err = ib.store.EnqueueInbox(ctx, &models.InboxActivity{ActivityID: act["id"].(string), Signer: ib.actors[actor], Body: string(body)})
		must(t, err)
	}
	likes := make([]map[string]any, actors)
	for i := range actors {
		a := ib.actors[i]
		likes[i] = activityOf(a+"#likes/order", "Like", a, post)
		enqueue(i, likes[i])
	}
	for i := range actors {
		if i%3 == 0 {
			continue // these keep their Like
		}
		a := ib.actors[i]
		enqueue(i, activityOf(a+"#likes/order/undo", "Undo", a, likes[i]))
	}
	n, err := ib.fed.processInbox(ctx)
	must(t, err)
	if n != actors+actors*2/3 {
		t.Fatalf("claimed %d activities in one batch, want all %d", n, actors+actors*2/3)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(post, "http://a.test/p/"), 10, 64)
	must(t, err)
	var p models.Post
	must(t, ib.store.DB(ctx).First(&p, id).Error)
	if p.LikeCount != actors/3 {
		t.Fatalf("like_count %d, want %d (only the actors who did not undo)", p.LikeCount, actors/3)
	}
	var failed int64
	must(t, ib.store.DB(ctx).Model(&models.InboxActivity{}).Where("state <> ?", models.QueueDone).Count(&failed).Error)
	if failed != 0 {
		t.Fatalf("%d activities not done", failed)
	}
}
