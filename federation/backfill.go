package federation

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/hearth/hearth/models"
)

// Backfill: replies in a thread's fediverse conversations that never
// reached Hearth (their authors' servers deliver to followers and to the
// people mentioned, not to every server in the conversation) are fetched
// by paging the conversation's collection: the remote `context` (FEP-7888;
// Mastodon 4.5 serves it from contexts_controller.rb, NodeBB and Discourse
// per topic) or, lacking one, the first post's `replies`. Every request is
// signed and goes through the SSRF-safe client; pages, items and time are
// bounded; each item passes the same admission as a delivered reply
// (blocks, sandbox, watched words, silenced instances). A backfill runs
// when a moderator asks ("Fetch missed replies") and when a remote
// conversation first joins a thread (forum.RecordRemoteContext).

// backfillLimits bound one thread's backfill; tests shrink them.
type backfillLimits struct {
	sources int           // remote collections paged per thread
	pages   int           // pages fetched per collection
	items   int           // items looked at per thread
	timeout time.Duration // for the whole thread
}

var defaultBackfillLimits = backfillLimits{sources: 4, pages: 10, items: 200, timeout: 2 * time.Minute}

const (
	backfillLease = 5 * time.Minute // more than the timeout: one worker at a time
	backfillBatch = 2
)

// processBackfills claims queued backfills and runs each; it returns how
// many it claimed.
func (f *Federation) processBackfills(ctx context.Context) (int, error) {
	rows, err := f.store.ClaimBackfills(ctx, f.now(), backfillLease, backfillBatch)
	if err != nil {
		return 0, err
	}
	for i := range rows {
		r := &rows[i]
		imported, err := f.backfillThread(ctx, r.ThreadID)
		state, msg := models.QueueDone, ""
		if err != nil {
			msg = err.Error()
			state = models.QueueFailed
			if ctx.Err() != nil {
				state = models.QueuePending // stopped with the process: another picks it up
			}
		}
		f.log.Info("federation: backfill", "thread", r.ThreadID, "imported", imported, "error", msg)
		if err := f.store.FinishBackfill(context.WithoutCancel(ctx), r, state, imported, msg); err != nil {
			return i, err
		}
	}
	return len(rows), nil
}

// backfill is one thread's run: its bounds and what it did.
type backfill struct {
	threadID int64
	items    int
	imported int
}

// backfillThread pages the thread's remote collections and imports the
// replies Hearth lacks. Only the store's errors end it early; a source
// that cannot be fetched is logged and skipped.
func (f *Federation) backfillThread(ctx context.Context, threadID int64) (int, error) {
	lim := f.backfillLimits
	ctx, cancel := context.WithTimeout(ctx, lim.timeout)
	defer cancel()
	sources, err := f.backfillSources(ctx, threadID)
	if err != nil {
		return 0, err
	}
	b := &backfill{threadID: threadID}
	for i, src := range sources {
		if i == lim.sources {
			break
		}
		if err := f.pageCollection(ctx, b, src); err != nil {
			return b.imported, err
		}
	}
	return b.imported, nil
}

// backfillSources are the collections listing the thread's remote
// conversation: the contexts recorded for it, and the context (else the
// replies collection) of its first post when that came from elsewhere.
func (f *Federation) backfillSources(ctx context.Context, threadID int64) ([]string, error) {
	sources, err := f.svc.RemoteContextsOfThread(ctx, threadID, f.backfillLimits.sources)
	if err != nil {
		return nil, err
	}
	t, err := f.store.ThreadByID(ctx, threadID)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if t.DeletedAt != nil {
		return nil, nil
	}
	first, err := f.store.PostByID(ctx, t.FirstPostID)
	if err != nil || first.APID == nil {
		return sources, nil
	}
	body, err := f.signedGet(ctx, *first.APID)
	if err != nil {
		f.log.Info("federation: backfill could not fetch the first post", "thread", threadID, "error", err)
		return sources, nil
	}
	var doc struct {
		ID      string          `json:"id"`
		Context json.RawMessage `json:"context"`
		Replies json.RawMessage `json:"replies"`
	}
	if json.Unmarshal(body, &doc) != nil || doc.ID != *first.APID {
		return sources, nil
	}
	for _, c := range []string{stripFragment(firstID(doc.Context)), stripFragment(firstID(doc.Replies))} {
		if c != "" && hostOf(c) == hostOf(doc.ID) {
			return append(sources, c), nil
		}
	}
	return sources, nil
}

// collectionDoc is the part of a Collection or one of its pages that
// paging reads.
type collectionDoc struct {
	ID           string            `json:"id"`
	First        json.RawMessage   `json:"first"`
	Next         json.RawMessage   `json:"next"`
	Items        []json.RawMessage `json:"items"`
	OrderedItems []json.RawMessage `json:"orderedItems"`
}

// pageCollection walks src (a Collection or OrderedCollection, its pages
// embedded or linked) and imports its items. Every page must be on src's
// host: a collection speaks only for its own server.
func (f *Federation) pageCollection(ctx context.Context, b *backfill, src string) error {
	host := hostOf(src)
	next, raw := src, json.RawMessage(nil)
	for pages := 0; pages <= f.backfillLimits.pages && b.items < f.backfillLimits.items; pages++ {
		if raw == nil {
			if next == "" || hostOf(next) != host {
				return nil
			}
			body, err := f.signedGet(ctx, next)
			if err != nil {
				f.log.Info("federation: backfill could not fetch a page", "thread", b.threadID, "page", next, "error", err)
				return nil
			}
			raw = body
		}
		var items []json.RawMessage
		var ok bool
		items, raw, next, ok = readCollection(raw, pages == 0)
		if !ok {
			return nil
		}
		for _, it := range items {
			if b.items == f.backfillLimits.items {
				return nil
			}
			if err := f.backfillItem(ctx, b, host, it); err != nil {
				return err
			}
		}
	}
	return nil
}

// readCollection reads a fetched collection (top, when it is the first
// document of the walk) or one of its pages: its items, then where to go
// next, an embedded page (nextRaw) or a link (nextID). A collection
// without items of its own leads to its first page. ok is false for what
// is not a JSON object.
func readCollection(body json.RawMessage, top bool) (items []json.RawMessage, nextRaw json.RawMessage, nextID string, ok bool) {
	var doc collectionDoc
	if json.Unmarshal(body, &doc) != nil {
		return nil, nil, "", false
	}
	items = append(doc.OrderedItems, doc.Items...)
	link := doc.Next
	if len(items) == 0 && top && len(doc.First) > 0 {
		link = doc.First
	}
	if len(link) > 0 && link[0] == '{' {
		return items, link, "", true
	}
	return items, nil, idOf(link), true
}

// backfillItem imports one item of a collection: a Note (embedded, or
// fetched by its id) or an activity carrying one (FEP-f228's activities
// form). A Note embedded by its own server is taken as is; any other is
// fetched from its id, which it must claim.
func (f *Federation) backfillItem(ctx context.Context, b *backfill, host string, raw json.RawMessage) error {
	var env struct {
		Type   json.RawMessage `json:"type"`
		Object json.RawMessage `json:"object"`
	}
	if len(raw) > 0 && raw[0] == '{' && json.Unmarshal(raw, &env) == nil && firstString(env.Type) == "Create" && len(env.Object) > 0 {
		raw = env.Object
	}
	id := stripFragment(idOf(raw))
	if id == "" || hostOf(id) == hostOf(f.base) {
		return nil // Hearth's own posts are here already
	}
	if p, err := f.storedPost(ctx, id); err != nil || p != nil {
		return err
	}
	b.items++
	var note *noteDoc
	if raw[0] == '{' && hostOf(id) == host {
		if n, err := parseNote(raw); err == nil && n.ID == id && n.AttributedTo != nil {
			note = n
		}
	}
	if note == nil {
		body, err := f.signedGet(ctx, id)
		if err != nil {
			f.log.Info("federation: backfill could not fetch an item", "thread", b.threadID, "item", id, "error", err)
			return nil
		}
		if note, err = parseNote(body); err != nil || note.ID != id {
			return nil
		}
	}
	author := note.attributedTo()
	if note.typ() != "Note" || note.inReplyTo() == "" || author == "" || hostOf(author) != hostOf(note.ID) || !note.public() {
		return nil
	}
	if refused, err := f.svc.InboundRefused(ctx, hostOf(author), author, author); err != nil || refused {
		return err
	}
	pl, err := f.placeReply(ctx, note)
	if err != nil || pl.empty() {
		return err
	}
	post, err := f.storeReply(ctx, author, note, pl, nil)
	if err != nil {
		return err
	}
	if post != nil {
		b.imported++
	}
	return nil
}
