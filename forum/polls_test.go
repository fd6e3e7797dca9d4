package forum_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// pollScene: alice asks a question in a poll that closes in an hour.
type pollScene struct {
	e      *forumtest.Env
	clock  *clock
	alice  *models.User
	bob    *models.User
	thread *models.Thread
	first  *models.Post
	poll   *forum.PollView
}

func newPollScene(t *testing.T, multiple bool) *pollScene {
	t.Helper()
	e := forumtest.New(t)
	c := newClock(e)
	c.set(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	e.Category("general")
	s := &pollScene{e: e, clock: c, alice: e.User("alice", models.RoleMember), bob: e.User("bob", models.RoleMember)}
	closes := c.now.Add(time.Hour)
	var err error
	s.thread, s.first, err = e.Svc.CreateThread(e.Ctx, s.alice, forum.NewThread{
		Category: "general", Title: "Where do we meet?", Body: "Pick a place.",
		Poll: &forum.PollInput{Options: []string{" Park ", "Library", "", "Café"}, Multiple: multiple, ClosesAt: &closes},
	})
	if err != nil {
		t.Fatal(err)
	}
	polls, err := e.Svc.PollsForPosts(e.Ctx, s.alice, s.thread, []int64{s.first.ID})
	if err != nil || polls[s.first.ID] == nil {
		t.Fatalf("poll of the first post: %v %v", polls, err)
	}
	s.poll = polls[s.first.ID]
	return s
}

func (s *pollScene) view(t *testing.T, u *models.User) *forum.PollView {
	t.Helper()
	v, err := s.e.Svc.Poll(s.e.Ctx, u, s.poll.ID)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func tallies(v *forum.PollView) []int {
	out := make([]int, len(v.Options))
	for i, o := range v.Options {
		out[i] = o.Votes
	}
	return out
}

func TestPollVoteAndResults(t *testing.T) {
	s := newPollScene(t, false)
	if got := s.poll.Options; len(got) != 3 || got[0].Name != "Park" || got[2].Name != "Café" {
		t.Fatalf("options %+v", got)
	}
	// Before voting the results are hidden, even from the author.
	if v := s.view(t, s.alice); v.ShowResults || !v.CanVote || v.Voted {
		t.Fatalf("before voting: %+v", v)
	}
	v, err := s.e.Svc.Vote(s.e.Ctx, s.bob, s.poll.ID, []int{1})
	if err != nil {
		t.Fatal(err)
	}
	if !v.Voted || !v.ShowResults || v.CanVote || !v.Options[1].Chosen || v.Voters != 1 || v.Options[1].Percent != 100 {
		t.Fatalf("after voting: %+v", v)
	}
	if _, err := s.e.Svc.Vote(s.e.Ctx, s.alice, s.poll.ID, []int{0}); err != nil {
		t.Fatal(err)
	}
	if got := tallies(s.view(t, s.bob)); got[0] != 1 || got[1] != 1 || got[2] != 0 {
		t.Errorf("tallies %v", got)
	}
	// Anonymous visitors see results once it closes, by the service clock.
	if v := s.view(t, nil); v.ShowResults || v.Votes != 0 || v.Options[0].Votes != 0 {
		t.Errorf("anonymous before close: %+v", v)
	}
	s.clock.add(time.Hour)
	if v := s.view(t, nil); !v.Closed || !v.ShowResults || v.Options[0].Percent != 50 || v.Votes != 2 {
		t.Errorf("anonymous after close: %+v", v)
	}
}

func TestPollBadVotes(t *testing.T) {
	s := newPollScene(t, false)
	carol := s.e.User("carol", models.RoleMember)
	if _, err := s.e.Svc.Vote(s.e.Ctx, s.bob, s.poll.ID, []int{0}); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		voter   *models.User
		choices []int
		check   func(error) bool
	}{
		"twice": {s.bob, []int{1}, func(err error) bool {
			return errors.Is(err, forum.ErrAlreadyVoted) && errors.Is(err, forum.ErrConflict)
		}},
		"out of range":      {carol, []int{3}, pollInvalid("options")},
		"negative":          {carol, []int{-1}, pollInvalid("options")},
		"none":              {carol, nil, pollInvalid("options")},
		"several in single": {carol, []int{0, 1}, pollInvalid("options")},
		"anonymous":         {nil, []int{0}, func(err error) bool { return errors.Is(err, forum.ErrUnauthorized) }},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := s.e.Svc.Vote(s.e.Ctx, tc.voter, s.poll.ID, tc.choices); !tc.check(err) {
				t.Fatalf("got %v", err)
			}
			if got := tallies(s.view(t, s.bob)); got[0] != 1 || got[1] != 0 || got[2] != 0 {
				t.Fatalf("a refused vote changed the tallies: %v", got)
			}
		})
	}
	if _, err := s.e.Svc.Vote(s.e.Ctx, s.bob, 999999, []int{0}); !errors.Is(err, forum.ErrNotFound) {
		t.Errorf("unknown poll: %v", err)
	}
	s.clock.add(time.Hour)
	if _, err := s.e.Svc.Vote(s.e.Ctx, carol, s.poll.ID, []int{1}); !errors.Is(err, forum.ErrPollClosed) {
		t.Errorf("after close: %v", err)
	}
	if v := s.view(t, carol); v.Voters != 1 || v.CanVote {
		t.Errorf("after a refused late vote: %+v", v)
	}
}

func pollInvalid(field string) func(error) bool {
	return func(err error) bool {
		ve, ok := forum.AsValidation(err)
		return ok && ve.Fields[field] != ""
	}
}

func TestPollMultipleChoice(t *testing.T) {
	s := newPollScene(t, true)
	v, err := s.e.Svc.Vote(s.e.Ctx, s.bob, s.poll.ID, []int{0, 2})
	if err != nil {
		t.Fatal(err)
	}
	if v.Voters != 1 || v.Votes != 2 || v.Options[0].Percent != 100 || v.Options[2].Percent != 100 {
		t.Fatalf("multiple: %+v", v)
	}
	if _, err := s.e.Svc.Vote(s.e.Ctx, s.bob, s.poll.ID, []int{1}); !errors.Is(err, forum.ErrAlreadyVoted) {
		t.Errorf("second vote: %v", err)
	}
	if _, err := s.e.Svc.Vote(s.e.Ctx, s.alice, s.poll.ID, []int{1, 1}); !pollInvalid("options")(err) {
		t.Errorf("same option twice: %v", err)
	}
}

// TestPollConcurrentVotes: the same member voting from two tabs at once
// is counted once.
func TestPollConcurrentVotes(t *testing.T) {
	s := newPollScene(t, true)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.e.Svc.Vote(s.e.Ctx, s.bob, s.poll.ID, []int{i % 3})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if !errors.Is(err, forum.ErrAlreadyVoted) {
			t.Errorf("unexpected error %v", err)
		}
	}
	v := s.view(t, s.bob)
	if ok != 1 || v.Voters != 1 || v.Votes != 1 {
		t.Errorf("%d votes accepted, voters %d, votes %d", ok, v.Voters, v.Votes)
	}
}

func TestPollCreateValidation(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	u := e.User("alice", models.RoleMember)
	past := e.Svc.Now().Add(-time.Minute)
	far := e.Svc.Now().Add(2 * 366 * 24 * time.Hour)
	many := make([]string, 21)
	for i := range many {
		many[i] = strings.Repeat("o", i+1)
	}
	cases := map[string]struct {
		poll  forum.PollInput
		field string
	}{
		"one option":   {forum.PollInput{Options: []string{"yes", " "}}, "poll_options"},
		"21 options":   {forum.PollInput{Options: many}, "poll_options"},
		"duplicate":    {forum.PollInput{Options: []string{"Yes", "yes"}}, "poll_options"},
		"long option":  {forum.PollInput{Options: []string{"a", strings.Repeat("x", 201)}}, "poll_options"},
		"closed":       {forum.PollInput{Options: []string{"a", "b"}, ClosesAt: &past}, "poll_closes_at"},
		"too far away": {forum.PollInput{Options: []string{"a", "b"}, ClosesAt: &far}, "poll_closes_at"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := e.Svc.CreateThread(e.Ctx, u, forum.NewThread{Category: "general", Title: "A question", Body: "Vote!", Poll: &tc.poll})
			if !pollInvalid(tc.field)(err) {
				t.Fatalf("want a validation error on %s, got %v", tc.field, err)
			}
		})
	}
	if list, err := e.Svc.ListThreads(e.Ctx, "general", ""); err != nil || len(list.Threads) != 0 {
		t.Errorf("a refused poll left a thread: %v %v", list, err)
	}
}
