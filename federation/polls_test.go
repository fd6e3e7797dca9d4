package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// pollPeers: alice on A asks a single-choice poll; bob on B follows her,
// so B holds the Question; carol on B votes the way Mastodon does, with
// hand-made vote Notes.
type pollPeers struct {
	a, b       *harness
	alice, bob *models.User
	thread     *models.Thread
	first      *models.Post
	postURL    string
	carolSign  *Signer
	// closes is when alice's poll closes: a day after it was asked, by the
	// clock both instances share (never a calendar date the real one
	// overtakes).
	closes time.Time
}

func newPollPeers(t *testing.T) *pollPeers {
	n := newNetwork()
	s := &pollPeers{a: newPeer(t, n, "a.test"), b: newPeer(t, n, "b.test")}
	ctx := context.Background()
	s.a.fed.pollUpdateDelay = 0
	s.a.env.Category("general")
	s.alice = s.a.env.User("alice", models.RoleMember)
	s.bob = s.b.env.User("bob", models.RoleMember)
	carol := s.b.env.User("carol", models.RoleMember)
	must(t, s.b.fed.FollowRemote(ctx, s.bob, "http://a.test/u/alice"))
	drain(t, s.a, s.b)
	s.closes = s.a.env.Svc.Now().Add(24 * time.Hour).Truncate(time.Second)
	var err error
	s.thread, s.first, err = s.a.env.Svc.CreateThread(ctx, s.alice, forum.NewThread{
		Category: "general", Title: "Pick a colour", Body: "Which one?",
		Poll: &forum.PollInput{Options: []string{"Red", "Green", "Blue"}, ClosesAt: &s.closes},
	})
	must(t, err)
	drain(t, s.a, s.b)
	s.postURL = fmt.Sprintf("http://a.test/p/%d", s.first.ID)
	s.carolSign, err = s.b.fed.signerFor(ctx, s.b.fed.userRef(carol))
	must(t, err)
	return s
}

// mastodonVote is a vote as Mastodon sends it.
func mastodonVote(id, actor, question, option string) map[string]any {
	return map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams",
		"id":       id + "/activity", "type": "Create", "actor": actor, "to": "http://a.test/u/alice",
		"object": map[string]any{
			"id": id, "type": "Note", "name": option, "inReplyTo": question,
			"attributedTo": actor, "to": "http://a.test/u/alice",
		},
	}
}

func (s *pollPeers) sendToAlice(t *testing.T, act map[string]any) {
	t.Helper()
	body, err := json.Marshal(act)
	must(t, err)
	if code := signedPost(t, s.b.fed.client, s.carolSign, "http://a.test/u/alice/inbox", body); code != http.StatusAccepted {
		t.Fatalf("inbox answered %d", code)
	}
	drain(t, s.a, s.b)
}

func optionVotes(t *testing.T, h *harness, pollID int64) []int {
	t.Helper()
	opts, err := h.env.Store.PollOptions(context.Background(), pollID)
	must(t, err)
	out := make([]int, len(opts))
	for i, o := range opts {
		out[i] = o.VotesCount
	}
	return out
}

func TestPollAcrossInstances(t *testing.T) {
	s := newPollPeers(t)
	ctx := context.Background()

	// B received the Question and keeps it as a poll bob can vote in.
	create := receivedOnce(t, s.a, s.b, s.postURL+"#create", "http://a.test/u/alice")
	if q, _ := create["object"].(map[string]any); q["type"] != "Question" || q["oneOf"] == nil {
		t.Fatalf("Create carried %v", create["object"])
	}
	bPoll, err := s.b.env.Svc.RemotePollByAPID(ctx, s.postURL)
	if err != nil {
		t.Fatalf("B did not keep the poll: %v", err)
	}
	aPoll, err := s.a.env.Store.PollByPostID(ctx, s.first.ID)
	must(t, err)

	// Bob votes on B: B sends the vote Note to alice, A counts it, and
	// A's Update{Question} brings B's copy the tallies.
	if _, err := s.b.env.Svc.Vote(ctx, s.bob, bPoll.ID, []int{1}); err != nil {
		t.Fatal(err)
	}
	drain(t, s.a, s.b)
	if got := optionVotes(t, s.a, aPoll.ID); got[1] != 1 {
		t.Fatalf("A's tallies after bob's vote: %v", got)
	}

	// Carol votes as Mastodon would; her second vote in a single-choice
	// poll is refused.
	carol := "http://b.test/u/carol"
	s.sendToAlice(t, mastodonVote("http://b.test/u/carol#votes/1", carol, s.postURL, "Red"))
	s.sendToAlice(t, mastodonVote("http://b.test/u/carol#votes/2", carol, s.postURL, "Blue"))
	// A vote naming no option, and one in reply to a post without a poll,
	// change nothing.
	s.sendToAlice(t, mastodonVote("http://b.test/u/carol#votes/3", carol, s.postURL, "Purple"))

	want := []int{1, 1, 0}
	if got := optionVotes(t, s.a, aPoll.ID); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("A's tallies %v, want %v", got, want)
	}
	if p, _ := s.a.env.Store.PollByID(ctx, aPoll.ID); p.VotersCount != 2 {
		t.Errorf("A counts %d voters, want 2", p.VotersCount)
	}
	// Votes are not replies.
	if th, _ := s.a.env.Store.ThreadByID(ctx, s.thread.ID); th.PostCount != 1 {
		t.Errorf("votes became posts: post_count %d", th.PostCount)
	}
	// B's copy converged through Update{Question}.
	if got := optionVotes(t, s.b, bPoll.ID); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("B's tallies %v, want %v", got, want)
	}
	if p, _ := s.b.env.Store.PollByID(ctx, bPoll.ID); p.VotersCount != 2 {
		t.Errorf("B counts %d voters, want 2", p.VotersCount)
	}
	v, err := s.b.env.Svc.Poll(ctx, s.bob, bPoll.ID)
	must(t, err)
	if !v.Voted || !v.ShowResults || v.CanVote {
		t.Errorf("bob's view on B: %+v", v)
	}
	// Bob cannot vote again on B either.
	if _, err := s.b.env.Svc.Vote(ctx, s.bob, bPoll.ID, []int{0}); err != forum.ErrAlreadyVoted {
		t.Errorf("second vote on B: %v", err)
	}

	// The Question as A serves it; endTime is the one date the golden file
	// cannot hold.
	q := s.a.activity(fmt.Sprintf("/p/%d", s.first.ID), http.StatusOK)
	if want := s.closes.UTC().Format(time.RFC3339); q["endTime"] != want {
		t.Errorf("endTime %v, want %s", q["endTime"], want)
	}
	golden(t, "question", q)
}

// TestPollUpdatesCoalesce: votes in quick succession leave one queued
// Update{Question} per inbox, carrying the latest tallies.
func TestPollUpdatesCoalesce(t *testing.T) {
	s := newPollPeers(t)
	ctx := context.Background()
	s.a.fed.pollUpdateDelay = time.Minute
	poll, err := s.a.env.Store.PollByPostID(ctx, s.first.ID)
	must(t, err)
	for i, name := range []string{"dora", "eve", "fay"} {
		u := s.a.env.User(name, models.RoleMember)
		if _, err := s.a.env.Svc.Vote(ctx, u, poll.ID, []int{i % 2}); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := s.a.env.Store.DeliveriesTo(ctx, "http://b.test/inbox")
	must(t, err)
	var updates []map[string]any
	for _, r := range rows {
		var act map[string]any
		must(t, json.Unmarshal([]byte(r.ActivityJSON), &act))
		if act["type"] == "Update" && r.State == models.QueuePending {
			updates = append(updates, act)
		}
	}
	if len(updates) != 1 {
		t.Fatalf("%d pending Updates, want 1", len(updates))
	}
	q, _ := updates[0]["object"].(map[string]any)
	if q["votersCount"] != float64(3) {
		t.Errorf("the Update carries votersCount %v, want 3", q["votersCount"])
	}
	// Nothing is sent before the interval; then it goes.
	drain(t, s.a, s.b)
	if bPoll, _ := s.b.env.Svc.RemotePollByAPID(ctx, s.postURL); bPoll.VotersCount != 0 {
		t.Errorf("the Update went before its time")
	}
	later := s.a.env.Svc.Now().Add(2 * time.Minute)
	s.a.fed.now = func() time.Time { return later }
	drain(t, s.a, s.b)
	if bPoll, _ := s.b.env.Svc.RemotePollByAPID(ctx, s.postURL); bPoll.VotersCount != 3 {
		t.Errorf("B has %d voters after the Update, want 3", bPoll.VotersCount)
	}
}

// TestRemoteQuestionReply: a Mastodon user answers alice's thread with a
// poll of their own. A shows it under that reply, a member's vote goes to
// the poll's author as a vote Note, and the author's Update refreshes it.
func TestRemoteQuestionReply(t *testing.T) {
	s := newPollPeers(t)
	ctx := context.Background()
	carol := "http://b.test/u/carol"
	qid := "http://b.test/users/carol/statuses/9"
	asked := s.a.env.Svc.Now()
	stamp := func(d time.Duration) string { return asked.Add(d).UTC().Format(time.RFC3339) }
	question := func(red, green int, closed bool) map[string]any {
		q := map[string]any{
			"id": qid, "type": "Question", "attributedTo": carol, "inReplyTo": s.postURL,
			"content": "<p>Or rather?</p>", "published": stamp(-time.Hour),
			"endTime": stamp(48 * time.Hour), "votersCount": red + green,
			"anyOf": []any{
				map[string]any{"type": "Note", "name": "Red", "replies": map[string]any{"type": "Collection", "totalItems": red}},
				map[string]any{"type": "Note", "name": "Teal", "replies": map[string]any{"type": "Collection", "totalItems": green}},
			},
		}
		if closed {
			q["closed"] = stamp(0)
		}
		return q
	}
	s.sendToAlice(t, activityOf(qid+"/activity", "Create", carol, question(2, 0, false)))

	// A malformed Question (no options) is refused whole: no reply, no poll.
	bad := question(0, 0, false)
	delete(bad, "anyOf")
	bad["id"] = qid + "0"
	s.sendToAlice(t, activityOf(qid+"0/activity", "Create", carol, bad))
	if _, err := s.a.env.Svc.RemotePollByAPID(ctx, qid+"0"); err == nil {
		t.Error("a Question without options was kept")
	}

	page, err := s.a.env.Svc.ThreadPage(ctx, nil, s.thread.ID, 1)
	must(t, err)
	if len(page.Posts) != 2 || page.Posts[1].APID == nil || *page.Posts[1].APID != qid {
		t.Fatalf("the Question is not a reply on A: %+v", page.Posts)
	}
	dora := s.a.env.User("dora", models.RoleMember)
	polls, err := s.a.env.Svc.PollsForPosts(ctx, dora, page.Thread, []int64{page.Posts[1].ID})
	must(t, err)
	pv := polls[page.Posts[1].ID]
	if pv == nil || !pv.Remote || !pv.Multiple || !pv.CanVote || len(pv.Options) != 2 || pv.Options[1].Name != "Teal" {
		t.Fatalf("remote poll on A: %+v", pv)
	}
	if _, err := s.a.env.Svc.Vote(ctx, dora, pv.ID, []int{0, 1}); err != nil {
		t.Fatal(err)
	}
	// Two vote Notes, one per option, to carol's own inbox.
	rows, err := s.a.env.Store.DeliveriesTo(ctx, "http://b.test/u/carol/inbox")
	must(t, err)
	var names []string
	for _, r := range rows {
		var act map[string]any
		must(t, json.Unmarshal([]byte(r.ActivityJSON), &act))
		note, _ := act["object"].(map[string]any)
		if act["type"] != "Create" || act["actor"] != "http://a.test/u/dora" || note["inReplyTo"] != qid || note["content"] != nil {
			t.Errorf("vote activity %v", act)
		}
		names = append(names, fmt.Sprint(note["name"]))
	}
	if fmt.Sprint(names) != "[Red Teal]" {
		t.Errorf("votes sent: %v", names)
	}
	// The author's Update is the truth: tallies and closed state.
	s.sendToAlice(t, activityOf(qid+"#updates/1", "Update", carol, question(3, 1, true)))
	v, err := s.a.env.Svc.Poll(ctx, nil, pv.ID)
	must(t, err)
	if !v.Closed || !v.ShowResults || v.Options[0].Votes != 3 || v.Options[1].Votes != 1 || v.Voters != 4 {
		t.Errorf("after the Update: %+v", v)
	}
	// Nobody but the author may update it.
	bob := "http://b.test/u/bob"
	bobSign, err := s.b.fed.signerFor(ctx, s.b.fed.userRef(s.bob))
	must(t, err)
	forged := question(0, 99, false)
	forged["attributedTo"] = bob
	body, _ := json.Marshal(activityOf("http://b.test/u/bob#forged", "Update", bob, forged))
	signedPost(t, s.b.fed.client, bobSign, "http://a.test/u/alice/inbox", body)
	drain(t, s.a, s.b)
	if v, _ := s.a.env.Svc.Poll(ctx, nil, pv.ID); v.Options[1].Votes != 1 {
		t.Errorf("another actor changed the poll: %+v", v.Options)
	}
}

// TestRemoteVotesAnyOf: in a multiple-choice poll a remote actor sends one
// Note per option; each option counts once, the actor once.
func TestRemoteVotesAnyOf(t *testing.T) {
	s := newPollPeers(t)
	ctx := context.Background()
	_, first, err := s.a.env.Svc.CreateThread(ctx, s.alice, forum.NewThread{
		Category: "general", Title: "Pick colours", Body: "Any you like",
		Poll: &forum.PollInput{Options: []string{"Red", "Green", "Blue"}, Multiple: true},
	})
	must(t, err)
	drain(t, s.a, s.b)
	question := fmt.Sprintf("http://a.test/p/%d", first.ID)
	if doc := s.a.activity(fmt.Sprintf("/p/%d", first.ID), http.StatusOK); doc["anyOf"] == nil || doc["oneOf"] != nil || doc["endTime"] != nil {
		t.Errorf("multiple-choice Question: %v", doc)
	}
	carol := "http://b.test/u/carol"
	s.sendToAlice(t, mastodonVote("http://b.test/u/carol#votes/10", carol, question, "Red"))
	s.sendToAlice(t, mastodonVote("http://b.test/u/carol#votes/11", carol, question, "Blue"))
	s.sendToAlice(t, mastodonVote("http://b.test/u/carol#votes/12", carol, question, "Red"))
	poll, err := s.a.env.Store.PollByPostID(ctx, first.ID)
	must(t, err)
	if got := optionVotes(t, s.a, poll.ID); fmt.Sprint(got) != "[1 0 1]" || poll.VotersCount != 1 {
		t.Errorf("tallies %v voters %d, want [1 0 1] and 1", got, poll.VotersCount)
	}
	bPoll, err := s.b.env.Svc.RemotePollByAPID(ctx, question)
	must(t, err)
	if got := optionVotes(t, s.b, bPoll.ID); fmt.Sprint(got) != "[1 0 1]" || bPoll.VotersCount != 1 || !bPoll.Multiple {
		t.Errorf("B's copy %v voters %d multiple %v", got, bPoll.VotersCount, bPoll.Multiple)
	}
}

// FuzzParseQuestion: whatever a peer sends, a parsed Question has as many
// tallies as options and at least one option.
func FuzzParseQuestion(f *testing.F) {
	f.Add([]byte(`{"oneOf":[{"type":"Note","name":"a","replies":{"type":"Collection","totalItems":2}}],"endTime":"2026-01-01T00:00:00Z","closed":true}`))
	f.Add([]byte(`{"anyOf":[{"name":"x"},{"name":"y"}],"votersCount":-3,"closed":"2026-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"oneOf":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		q, err := parseQuestion("https://x/q/1", b)
		if err == nil && (len(q.Options) == 0 || len(q.Options) != len(q.Votes)) {
			t.Fatalf("parsed %q into %+v", b, q)
		}
	})
}
