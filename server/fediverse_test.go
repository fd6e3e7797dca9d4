package server_test

import (
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

func TestCategoryAndProfileShowFediverseHandle(t *testing.T) {
	ts := newTestServer(t)
	cat := ts.Category("help")
	ts.User("Alice", models.RoleMember)
	b := ts.browser()
	if r := b.get("/c/help"); !strings.Contains(r.Body, "@help@forum.test") || !strings.Contains(r.Body, "0 followers") {
		t.Fatalf("category page lacks handle or follower count")
	}
	if _, err := ts.Store.AddFollower(ts.Ctx, &models.Follower{
		LocalActorType: models.ActorTypeCategory, LocalActorID: cat.ID, RemoteActorID: 42,
		FollowActivityID: "https://mastodon.example/follows/1",
	}); err != nil {
		t.Fatal(err)
	}
	member := ts.browser()
	member.signup("reader")
	if r := member.get("/c/help"); !strings.Contains(r.Body, "1 follower on") {
		t.Fatalf("follower count not shown after a follow")
	}
	if r := b.get("/u/Alice"); !strings.Contains(r.Body, "@alice@forum.test") {
		t.Fatalf("profile lacks the member's handle")
	}
}
