package forum_test

import (
	"testing"
	"time"

	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// TestNewMembersCount: a day's new members are the local members who
// joined in [start, end): remote authors and members who joined just
// before or exactly at the end are not counted.
func TestNewMembersCount(t *testing.T) {
	env := forumtest.New(t)
	day := time.Date(2030, 3, 12, 0, 0, 0, 0, time.UTC)
	for _, j := range []struct {
		name string
		at   time.Time
	}{
		{"first", day}, {"late", day.Add(24*time.Hour - time.Second)},
		{"before", day.Add(-time.Second)}, {"next", day.Add(24 * time.Hour)},
	} {
		setJoined(t, env, env.User(j.name, models.RoleMember), j.at)
	}
	setJoined(t, env, env.RemoteUser("far", "remote.example"), day.Add(time.Hour))
	n, err := env.Store.NewLocalMembersBetween(env.Ctx, day, day.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("new local members: %d, want 2", n)
	}
}
