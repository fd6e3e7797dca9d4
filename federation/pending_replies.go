package federation

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hearth/hearth/models"
)

// Pending replies: a reply whose parent could not be fetched (its server
// timed out or answered 5xx) waits in pending_replies. The workers retry
// it with backoff, and at once when a post with the awaited id is stored
// (delivered or fetched for another reply); it is threaded as soon as its
// chain reaches a Hearth thread. The table is bounded per host and in all,
// and rows expire: whatever is given up is logged, never dropped silently.

// Bounds of the pending replies.
const (
	pendingPerHost   = 200  // rows from one server
	pendingTotal     = 5000 // rows in all
	pendingExpiry    = 48 * time.Hour
	pendingRetryBase = time.Minute // first retry; later ones double
	pendingRetryMax  = time.Hour
	pendingLease     = 2 * time.Minute
	pendingBatch     = 16
	pendingPoll      = 5 * time.Second // how often the pending worker looks
)

// pendingLimits are the bounds in force; tests shrink them.
type pendingLimits struct {
	perHost, total int64
}

// addPending keeps note (the Create's object, by its verified author
// actor) until waitingFor can be fetched or arrives. A full table logs
// and drops the reply.
func (f *Federation) addPending(ctx context.Context, actor string, object json.RawMessage, note *noteDoc, waitingFor string) error {
	host := hostOf(note.ID)
	fromHost, total, err := f.store.CountPendingReplies(ctx, host)
	if err != nil {
		return err
	}
	if fromHost >= f.pending.perHost || total >= f.pending.total {
		f.log.Warn("inbox: pending replies full; reply dropped", "note", note.ID, "host", host,
			"from_host", fromHost, "total", total, "waiting_for", waitingFor)
		return nil
	}
	now := f.now()
	inserted, err := f.store.AddPendingReply(ctx, &models.PendingReply{
		NoteID: note.ID, Actor: actor, Host: host, WaitingFor: waitingFor, Note: string(object),
		NextAttemptAt: now.Add(pendingRetryBase), ExpiresAt: now.Add(pendingExpiry),
	})
	if err == nil && inserted {
		f.log.Info("inbox: reply pending until its parent can be fetched", "note", note.ID, "waiting_for", waitingFor)
	}
	return err
}

// runPending retries pending replies and runs queued backfills until ctx
// ends: both are slow, rare work that fetches from other servers, kept
// off the inbox workers.
func (f *Federation) runPending(ctx context.Context) {
	for ctx.Err() == nil {
		n, err := f.processPending(ctx)
		if err != nil && ctx.Err() == nil {
			f.log.Error("federation worker", "queue", "pending_replies", "error", err)
		}
		m, berr := f.processBackfills(ctx)
		if berr != nil && ctx.Err() == nil {
			f.log.Error("federation worker", "queue", "backfill_requests", "error", berr)
		}
		if n+m > 0 && err == nil && berr == nil {
			continue
		}
		select {
		case <-ctx.Done():
		case <-time.After(pendingPoll):
		}
	}
}

// processPending drops expired pending replies (logging each), then
// claims due ones and tries to place each again. It returns how many it
// claimed.
func (f *Federation) processPending(ctx context.Context) (int, error) {
	now := f.now()
	expired, err := f.store.ExpiredPendingReplies(ctx, now, pendingBatch)
	if err != nil {
		return 0, err
	}
	for _, r := range expired {
		f.log.Warn("inbox: pending reply expired; its parent never came", "note", r.NoteID, "host", r.Host,
			"waiting_for", r.WaitingFor, "attempts", r.Attempts)
		if err := f.store.DeletePendingReply(ctx, r.ID); err != nil {
			return 0, err
		}
	}
	rows, err := f.store.ClaimPendingReplies(ctx, now, pendingLease, pendingBatch)
	if err != nil {
		return 0, err
	}
	for i := range rows {
		if err := f.retryPending(ctx, &rows[i]); err != nil {
			return i, err
		}
	}
	return len(rows), nil
}

// retryPending tries to place one claimed pending reply: threaded (or
// found to belong nowhere) deletes it, still unplaceable reschedules it.
func (f *Federation) retryPending(ctx context.Context, r *models.PendingReply) error {
	note, err := parseNote(json.RawMessage(r.Note))
	if err != nil {
		f.log.Warn("inbox: pending reply unreadable; dropped", "note", r.NoteID, "error", err)
		return f.store.DeletePendingReply(ctx, r.ID)
	}
	// Its author or their instance may have been blocked while it waited.
	if refused, err := f.svc.InboundRefused(ctx, hostOf(r.Actor), r.Actor, r.Actor); err != nil {
		return err
	} else if refused {
		f.log.Info("inbox: pending reply's author is blocked now; dropped", "note", r.NoteID)
		return f.store.DeletePendingReply(ctx, r.ID)
	}
	pl, err := f.placeReply(ctx, note)
	if err != nil {
		return err
	}
	switch {
	case !pl.empty():
		if _, err := f.storeReply(ctx, r.Actor, note, pl, nil); err != nil {
			return err
		}
		f.log.Info("inbox: pending reply threaded", "note", r.NoteID, "attempts", r.Attempts)
	case pl.waitingFor != "":
		delay := min(pendingRetryMax, pendingRetryBase<<min(r.Attempts, 10))
		return f.store.RetryPendingReply(ctx, r, pl.waitingFor, f.now().Add(delay), "waiting for "+pl.waitingFor)
	default:
		f.log.Info("inbox: pending reply belongs to no thread here; dropped", "note", r.NoteID)
	}
	return f.store.DeletePendingReply(ctx, r.ID)
}
