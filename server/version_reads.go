package server

import (
	"context"
	"errors"
	"sync"

	"github.com/hearth/hearth/forum"
)

// versionReads lets logged-out requests for the same page share one read of
// its version from the database, without ever using a read that began
// before the request arrived. A cache hit costs little but that read (on
// SQLite the driver parses the SQL again on every execution), so a popular
// page read by many at once paid for the same query over and over.
//
// Per key there is at most one read running and one waiting to start.
// A request joins the waiting read if there is one; otherwise it starts a
// read at once, or, when one is running, becomes the waiting read and
// starts when the running one ends. A waiting read has not begun when
// anyone joins it, so it sees every write committed before each of its
// requests arrived: exactly what a read of their own would have seen, in
// every process, which is what keeps the cache exact with several
// processes. Nothing is kept once a read has answered.
type versionReads struct {
	mu   sync.Mutex
	keys map[string]*versionKey
}

type versionKey struct{ running, waiting *versionRead }

type versionRead struct {
	done   chan struct{}
	v      *forum.PageVersion
	err    error
	joined int // requests sharing this read besides the one that runs it
}

var errVersionRead = errors.New("page version read did not finish")

func newVersionReads() *versionReads { return &versionReads{keys: map[string]*versionKey{}} }

// read returns key's version as of some moment after the call began,
// calling fn itself or sharing a call another request starts later.
func (r *versionReads) read(ctx context.Context, key string, fn func(context.Context) (*forum.PageVersion, error)) (*forum.PageVersion, error) {
	r.mu.Lock()
	k := r.keys[key]
	if k == nil {
		k = &versionKey{}
		r.keys[key] = k
	}
	if w := k.waiting; w != nil {
		w.joined++
		r.mu.Unlock()
		select {
		case <-w.done:
			return w.v, w.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	rd := &versionRead{done: make(chan struct{}), err: errVersionRead}
	if k.running == nil {
		k.running = rd
		r.mu.Unlock()
	} else {
		k.waiting = rd
		prev := k.running
		r.mu.Unlock()
		// Not abandoned when ctx ends: others may have joined. The running
		// read is short and its end makes this one the running one.
		<-prev.done
	}
	defer r.finish(key, k, rd)
	// Detached from this request's cancellation: the answer is shared.
	rd.v, rd.err = fn(context.WithoutCancel(ctx))
	return rd.v, rd.err
}

// finish hands the key to the waiting read, if any, and wakes everyone
// who shared rd. It runs even if fn panicked, so a key never stays busy.
func (r *versionReads) finish(key string, k *versionKey, rd *versionRead) {
	r.mu.Lock()
	k.running, k.waiting = k.waiting, nil
	if k.running == nil {
		delete(r.keys, key)
	}
	r.mu.Unlock()
	close(rd.done)
}
