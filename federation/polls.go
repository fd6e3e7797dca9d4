package federation

import (
	"context"
	"fmt"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Polls over ActivityPub, as Mastodon speaks it:
//   - a thread's first post with a poll is a Question, not a Note: the
//     Note's fields plus oneOf (single choice) or anyOf (multiple), each
//     option a {type: Note, name, replies: {type: Collection, totalItems}},
//     endTime, closed once closed, and toot:votersCount;
//   - a vote is Create{Note} with name = the option's text, inReplyTo =
//     the Question's id and no content, sent to the poll author's inbox,
//     one Note per option chosen;
//   - the author's server sends Update{Question} with the new tallies.

// defaultPollUpdateDelay is how long votes gather before their tallies go
// out as one Update{Question}: a busy poll sends one Update per interval,
// not one per vote. The pending Update is a delivery row, not a timer.
const defaultPollUpdateDelay = 30 * time.Second

// questionContext is jsonLDContext with the term Questions add.
var questionContext = func() []any {
	terms := map[string]any{"votersCount": "toot:votersCount"}
	for k, v := range jsonLDContext[2].(map[string]any) {
		terms[k] = v
	}
	return []any{jsonLDContext[0], jsonLDContext[1], terms}
}()

// questionize turns a first post's Note document into its Question.
func (f *Federation) questionize(m map[string]any, p *models.Poll, opts []models.PollOption) {
	m["type"] = "Question"
	m["@context"] = questionContext
	choices := make([]any, len(opts))
	for i, o := range opts {
		choices[i] = map[string]any{
			"type": "Note", "name": o.Name,
			"replies": map[string]any{"type": "Collection", "totalItems": o.VotesCount},
		}
	}
	if p.Multiple {
		m["anyOf"] = choices
	} else {
		m["oneOf"] = choices
	}
	m["votersCount"] = p.VotersCount
	if p.ClosesAt != nil {
		m["endTime"] = p.ClosesAt.UTC().Format(time.RFC3339)
	}
	if f.svc.PollClosed(p) {
		closed := f.now()
		if p.ClosesAt != nil {
			closed = *p.ClosesAt
		}
		if p.ClosedAt != nil {
			closed = *p.ClosedAt
		}
		m["closed"] = closed.UTC().Format(time.RFC3339)
	}
}

// PollVoted federates a vote (forum.PollHooks): a member's vote in a
// remote poll goes to the poll's author as Notes; any vote in a poll
// written here schedules the Update{Question} carrying the new tallies.
func (o outbox) PollVoted(ctx context.Context, p *models.Poll, voter *models.User, choices []int) error {
	if p.IsRemote() {
		if voter.IsRemote() {
			return nil
		}
		return o.f.sendVotes(ctx, p, voter, choices)
	}
	return o.f.scheduleQuestionUpdate(ctx, p)
}

// sendVotes queues a member's vote Notes to a remote poll's author.
func (f *Federation) sendVotes(ctx context.Context, p *models.Poll, voter *models.User, choices []int) error {
	origin, err := f.svc.RemotePollOrigin(ctx, p)
	if err != nil {
		return err
	}
	ref := f.userRef(voter)
	now := f.now()
	for _, c := range choices {
		if c < 0 || c >= len(origin.Options) {
			continue
		}
		id := fmt.Sprintf("%s#votes/%d/%d", ref.url, p.ID, c)
		note := map[string]any{
			"id": id, "type": "Note", "name": origin.Options[c].Name,
			"attributedTo": ref.url, "inReplyTo": origin.QuestionID,
			"to": []any{origin.Author.APID},
		}
		act := map[string]any{
			"@context": jsonLDContext, "id": id + "/activity", "type": "Create", "actor": ref.url,
			"published": now.UTC().Format(time.RFC3339), "to": []any{origin.Author.APID}, "object": note,
		}
		inbox := origin.Author.Inbox
		if inbox == "" {
			inbox = origin.Author.DeliveryInbox()
		}
		if err := f.enqueue(ctx, ref, act, []string{inbox}); err != nil {
			return err
		}
	}
	return nil
}

// scheduleQuestionUpdate replaces the poll's pending Update{Question}
// (if any) with one carrying the tallies as of now, due when the pending
// one was or after pollUpdateDelay: the row is in the deliveries table,
// so the Update survives restarts and any process may send it.
func (f *Federation) scheduleQuestionUpdate(ctx context.Context, p *models.Poll) error {
	if p.PostID == nil {
		return nil
	}
	post, err := f.store.PostByID(ctx, *p.PostID)
	if err != nil {
		return err
	}
	aud, err := f.audienceOf(ctx, post)
	if err != nil {
		return err
	}
	voters, err := f.store.PollVoterInboxes(ctx, p.ID)
	if err != nil {
		return err
	}
	inboxes := append(append(append([]string(nil), aud.authorInboxes...), aud.catInboxes...), voters...)
	inboxes = distinct(inboxes)
	if len(inboxes) == 0 {
		return nil
	}
	fp, err := f.svc.PostForFederation(ctx, post.ID)
	if err != nil || fp.Gone {
		return ignoreNotFound(err)
	}
	doc, err := f.noteDocument(fp)
	if err != nil {
		return err
	}
	now := f.now()
	due, err := f.store.TakePendingPollUpdates(ctx, p.ID)
	if err != nil {
		return err
	}
	at := now.Add(f.pollUpdateDelay)
	if due != nil && due.Before(at) {
		at = *due
	}
	id := fmt.Sprintf("%s#poll-update-%d", f.postURL(post.ID), now.UnixMicro())
	act := f.wrapActivity("Update", id, aud.author, doc, now)
	body, err := encode(act)
	if err != nil {
		return err
	}
	return f.store.EnqueuePollUpdates(ctx, p.ID, string(body), aud.author.kind, aud.author.id, inboxes, now, at)
}

func distinct(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := in[:0]
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func ignoreNotFound(err error) error {
	if err == forum.ErrNotFound {
		return nil
	}
	return err
}
