package federation

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hearth/hearth/clock"
	"github.com/hearth/hearth/forum"
)

// Inbound polls: votes in polls written here (a Note with a name and no
// content, in reply to the Question), and Questions from elsewhere, kept
// as cached polls whose tallies their author's Update{Question} refreshes.

// questionDoc is the part of a Question Hearth reads.
type questionDoc struct {
	OneOf       []questionOption `json:"oneOf"`
	AnyOf       []questionOption `json:"anyOf"`
	EndTime     string           `json:"endTime"`
	Closed      json.RawMessage  `json:"closed"`
	VotersCount int              `json:"votersCount"`
	// The question itself: HTML content (or a contentMap of it), a
	// summary that is a content warning, and on some servers only a name.
	Content    string            `json:"content"`
	ContentMap map[string]string `json:"contentMap"`
	Name       string            `json:"name"`
	Summary    string            `json:"summary"`
}

type questionOption struct {
	Name    string `json:"name"`
	Replies struct {
		TotalItems int `json:"totalItems"`
	} `json:"replies"`
}

// questionHTML is the question's text as HTML (not yet sanitised: the
// forum does that): content, else the contentMap's entry (the first
// language in order, so a redelivery reads the same one), else the name
// as text.
func (d *questionDoc) questionHTML() string {
	if strings.TrimSpace(d.Content) != "" {
		return d.Content
	}
	langs := make([]string, 0, len(d.ContentMap))
	for l, c := range d.ContentMap {
		if strings.TrimSpace(c) != "" {
			langs = append(langs, l)
		}
	}
	if len(langs) > 0 {
		slices.Sort(langs)
		return d.ContentMap[langs[0]]
	}
	if name := strings.TrimSpace(d.Name); name != "" {
		return "<p>" + html.EscapeString(name) + "</p>"
	}
	return ""
}

// parseQuestion reads a Question's poll; id is the Question's id.
func parseQuestion(id string, raw json.RawMessage) (forum.RemoteQuestion, error) {
	var d questionDoc
	if err := json.Unmarshal(raw, &d); err != nil {
		return forum.RemoteQuestion{}, err
	}
	q := forum.RemoteQuestion{APID: id, Voters: d.VotersCount, HTML: d.questionHTML(), Summary: d.Summary}
	opts := d.OneOf
	if len(d.AnyOf) > 0 {
		opts, q.Multiple = d.AnyOf, true
	}
	if len(opts) == 0 {
		return q, errors.New("a Question without oneOf or anyOf")
	}
	for _, o := range opts {
		q.Options = append(q.Options, o.Name)
		q.Votes = append(q.Votes, o.Replies.TotalItems)
	}
	if t, err := time.Parse(time.RFC3339, d.EndTime); err == nil {
		t = t.UTC()
		q.EndTime = &t
	}
	// closed is a time (Mastodon) or, from some servers, true.
	var closedAt string
	var closed bool
	if json.Unmarshal(d.Closed, &closedAt) == nil {
		if t, err := time.Parse(time.RFC3339, closedAt); err == nil {
			t = t.UTC()
			q.Closed = &t
		}
	} else if json.Unmarshal(d.Closed, &closed) == nil && closed {
		t := clock.Now().UTC()
		if q.EndTime != nil {
			t = *q.EndTime
		}
		q.Closed = &t
	}
	if !q.Multiple && q.Voters == 0 {
		for _, v := range q.Votes {
			q.Voters += v
		}
	}
	return q, nil
}

// createForPoll handles a Create that is a vote or a Question; handled is
// false for everything else, which onCreate goes on with.
func (f *Federation) createForPoll(ctx context.Context, act *activity, note *noteDoc) (handled bool, err error) {
	switch {
	case note.typ() == "Note" && note.Name != "" && strings.TrimSpace(note.Content) == "" && note.inReplyTo() != "":
		return true, f.onVote(ctx, act, note)
	case note.typ() == "Question":
		return true, f.onQuestion(ctx, act, note)
	}
	return false, nil
}

// onVote counts a remote actor's vote in a poll written here. Refusals
// (already voted, closed, no such option or poll) are final: processed.
func (f *Federation) onVote(ctx context.Context, act *activity, note *noteDoc) error {
	if note.attributedTo() != act.Actor {
		return errIgnore
	}
	rest, ok := strings.CutPrefix(stripFragment(note.inReplyTo()), f.base+"/p/")
	if !ok {
		return nil // a vote in another server's poll
	}
	postID, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		return nil
	}
	a, err := f.remoteActor(ctx, act.Actor, false)
	if err != nil {
		return err
	}
	user, err := f.svc.RemoteUser(ctx, a)
	if err != nil {
		return err
	}
	err = f.svc.VoteFromRemote(ctx, user, postID, note.Name)
	if errors.Is(err, forum.ErrConflict) {
		f.log.Info("inbox: vote refused", "actor", act.Actor, "post", postID, "reason", err)
		return nil
	}
	return refusedIsDone(err)
}

// onQuestion keeps a remote poll: as a reply post with its poll when it
// answers a thread here, else (a poll by someone a member follows) as a
// poll members can vote in through the API.
func (f *Federation) onQuestion(ctx context.Context, act *activity, note *noteDoc) error {
	if note.attributedTo() != act.Actor || hostOf(note.ID) != hostOf(act.Actor) {
		return errIgnore
	}
	q, err := parseQuestion(note.ID, act.Object)
	if err != nil {
		return errIgnore
	}
	author, err := f.remoteActor(ctx, act.Actor, false)
	if err != nil {
		return err
	}
	var postID, threadID int64
	if note.inReplyTo() != "" {
		tid, parentID, err := f.resolveParent(ctx, note.inReplyTo())
		if err != nil {
			return err
		}
		if tid != 0 {
			user, err := f.svc.RemoteUser(ctx, author)
			if err != nil {
				return err
			}
			f.syncAvatar(ctx, user)
			post, err := f.svc.ReplyFromRemote(ctx, user, tid, parentID, note.remote(f.base))
			if err != nil {
				return refusedIsDone(err)
			}
			if post == nil {
				return nil // held for approval: the question shows once approved
			}
			postID, threadID = post.ID, tid
		}
	}
	if postID == 0 {
		followed, err := f.store.FollowedLocally(ctx, author.ID)
		if err != nil || !followed {
			return err // nobody here asked for this actor's posts
		}
		// A standalone poll's page is public: only a public Question
		// may have one (a followers-only poll would leak to anyone).
		if public, _ := followedNoteAudience(act.Object, author); !public {
			return nil
		}
	}
	_, err = f.svc.StoreRemotePoll(ctx, author, q, postID, threadID)
	return refusedIsDone(err)
}

// onUpdateQuestion refreshes a stored remote poll's tallies.
func (f *Federation) onUpdateQuestion(ctx context.Context, act *activity, note *noteDoc) error {
	if note.attributedTo() != act.Actor {
		return errIgnore
	}
	q, err := parseQuestion(note.ID, act.Object)
	if err != nil {
		return errIgnore
	}
	author, err := f.store.RemoteActorByAPID(ctx, act.Actor)
	if err != nil {
		return nil // never stored anything of theirs
	}
	return refusedIsDone(f.svc.RefreshRemotePoll(ctx, author, q))
}
