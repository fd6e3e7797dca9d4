package forum_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// BenchmarkVote casts one member's vote in a 5-option poll: the voter row,
// the option's tally, the thread's version, and the poll as the voter
// then sees it, in one transaction.
func BenchmarkVote(b *testing.B) {
	e := forumtest.New(b)
	e.Category("general")
	alice := e.User("alice", models.RoleMember)
	closes := time.Now().Add(time.Hour)
	th, first, err := e.Svc.CreateThread(e.Ctx, alice, forum.NewThread{Category: "general", Title: "Benchmark poll", Body: "Vote",
		Poll: &forum.PollInput{Options: []string{"a", "b", "c", "d", "e"}, ClosesAt: &closes}})
	if err != nil {
		b.Fatal(err)
	}
	polls, err := e.Svc.PollsForPosts(e.Ctx, alice, th, []int64{first.ID})
	if err != nil {
		b.Fatal(err)
	}
	pollID := polls[first.ID].ID
	voters := make([]*models.User, b.N)
	for i := range voters {
		voters[i] = e.User(fmt.Sprintf("voter%d", i), models.RoleMember)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := e.Svc.Vote(e.Ctx, voters[i], pollID, []int{i % 5}); err != nil {
			b.Fatal(err)
		}
	}
}
