package federation

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Missing ancestors. A reply may answer a Note Hearth never received (a
// remote reply to a remote reply, from a server nobody here follows). Its
// inReplyTo chain is fetched, signed and through the SSRF-safe client, up
// to maxAncestors Notes, until a post stored here is reached; the Notes on
// the way are then imported as replies, oldest first, so the reply quotes
// and links its real parent. A fetch that fails for now (timeout, 5xx)
// leaves the reply pending (pending_replies.go), never dropped unnoticed.

// maxAncestors bounds how far up a reply chain Hearth fetches: a long
// remote-only conversation costs at most this many signed GETs per reply.
const maxAncestors = 8

// chain is what walking up a reply's inReplyTo found.
type chain struct {
	parent *models.Post // the stored post the walk reached, if any
	// ancestors are the Notes fetched on the way, nearest to the reply
	// first.
	ancestors []*noteDoc
	// waitingFor is an ancestor whose fetch failed for now: the reply
	// can be placed once it is fetched or delivered.
	waitingFor string
}

// walkAncestors follows note's inReplyTo through stored posts and fetched
// Notes. It never returns an error for what a remote server did (a missing
// or malformed Note ends the walk); only the store's errors are returned.
func (f *Federation) walkAncestors(ctx context.Context, note *noteDoc) (chain, error) {
	var c chain
	id := note.inReplyTo()
	seen := map[string]bool{note.ID: true}
	for {
		id = stripFragment(id)
		if id == "" || seen[id] {
			return c, nil // a Note that answers nothing, or a loop
		}
		seen[id] = true
		p, err := f.storedPost(ctx, id)
		if err != nil || p != nil {
			c.parent = p
			return c, err
		}
		if hostOf(id) == hostOf(f.base) {
			return c, nil // a Hearth id that is no post (deleted thread, bad id)
		}
		if len(c.ancestors) == maxAncestors {
			f.log.Info("inbox: reply chain deeper than the bound; not followed", "note", note.ID, "at", id, "bound", maxAncestors)
			return chain{}, nil
		}
		body, err := f.signedGet(ctx, id)
		if err != nil {
			if fetchIsFinal(err) {
				f.log.Info("inbox: an ancestor is gone; reply not placed by it", "note", note.ID, "ancestor", id, "error", err)
				return c, nil
			}
			c.waitingFor = id
			return c, nil
		}
		doc, err := parseNote(body)
		if err != nil || doc.ID != id {
			// A document must claim the id it came from.
			f.log.Info("inbox: a fetched ancestor is not the Note asked for", "note", note.ID, "ancestor", id)
			return chain{}, nil
		}
		c.ancestors = append(c.ancestors, doc)
		id = doc.inReplyTo()
	}
}

// storedPost is the post stored for id, a Hearth post's URL or a remote
// Note's id; nil when there is none, or when the Hearth post reached is in
// a deleted thread. A local post is read with its thread in one statement.
func (f *Federation) storedPost(ctx context.Context, id string) (*models.Post, error) {
	if rest, ok := strings.CutPrefix(id, f.base+"/p/"); ok {
		pid, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			return nil, nil
		}
		p, t, _, err := f.store.PostThreadCategory(ctx, pid)
		if errors.Is(err, models.ErrNotFound) || err == nil && t.DeletedAt != nil {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		return p, nil
	}
	p, err := f.svc.RemotePost(ctx, id)
	if errors.Is(err, forum.ErrNotFound) {
		return nil, nil
	}
	return p, err
}

// importAncestors stores the fetched ancestors of a reply, oldest first,
// each under the one before (the first under pl.parent, or at the end of
// pl.threadID), and returns the post the reply itself answers: the
// nearest ancestor stored, else pl.parent. An ancestor that is not a
// public Note written on its own server, whose author is blocked here, or
// whose author cannot be fetched, is skipped: the Notes below it answer the nearest one stored.
func (f *Federation) importAncestors(ctx context.Context, pl placement) (*models.Post, error) {
	parent := pl.parent
	for i := len(pl.ancestors) - 1; i >= 0; i-- {
		doc := pl.ancestors[i]
		author := doc.attributedTo()
		if doc.typ() != "Note" || author == "" || hostOf(author) != hostOf(doc.ID) || !doc.public() {
			f.log.Info("inbox: ancestor not imported", "ancestor", doc.ID, "type", doc.typ())
			continue
		}
		// The ancestor never came through the inbox's block check: its
		// author's instance or account may be blocked here.
		if refused, err := f.svc.InboundRefused(ctx, hostOf(author), author, author); err != nil {
			return nil, err
		} else if refused {
			f.log.Info("inbox: ancestor from a blocked author not imported", "ancestor", doc.ID)
			continue
		}
		user, err := f.remoteUser(ctx, author)
		if err != nil {
			f.log.Info("inbox: ancestor's author could not be fetched", "ancestor", doc.ID, "error", err)
			continue
		}
		var post *models.Post
		if parent != nil {
			post, err = f.svc.ReplyFromRemoteTo(ctx, user, parent, doc.remote(f.base))
		} else {
			post, err = f.svc.ReplyFromRemote(ctx, user, pl.threadID, 0, doc.remote(f.base))
		}
		if err := refusedIsDone(err); err != nil {
			return nil, err
		}
		if post == nil {
			continue // held or refused: the next answers the nearest stored
		}
		parent = post
		if err := f.recordContext(ctx, doc, post.ThreadID); err != nil {
			return nil, err
		}
	}
	return parent, nil
}

// public reports whether the Note is addressed to everyone (to or cc).
// Only public Notes are imported on a reply's behalf: a fetched ancestor
// meant for a few people must not become a post in a public thread.
func (n *noteDoc) public() bool {
	for _, raw := range []json.RawMessage{n.To, n.Cc} {
		var list []string
		if json.Unmarshal(raw, &list) != nil {
			var one string
			if json.Unmarshal(raw, &one) != nil {
				continue
			}
			list = []string{one}
		}
		for _, a := range list {
			if a == publicAddress || a == "as:Public" || a == "Public" {
				return true
			}
		}
	}
	return false
}
