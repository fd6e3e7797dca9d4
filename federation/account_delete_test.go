package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// TestAccountDeletedSendsDeletePerson: an erased member's Delete{Person}
// goes to their followers' servers and to every inbox they were sent to
// before, signed under their old actor id, once; a server that never knew
// them gets nothing. Their erased posts' Deletes go out too.
func TestAccountDeletedSendsDeletePerson(t *testing.T) {
	n := newNetwork()
	a, b := newPeer(t, n, "a.test"), newPeer(t, n, "b.test")
	// One clock for both instances: B checks the Date A signs with, and
	// the grace period moves A's clock a week on.
	now := a.env.Svc.Now().Truncate(time.Second)
	a.env.Svc.SetClock(func() time.Time { return now })
	b.env.Svc.SetClock(func() time.Time { return now })
	a.env.Category("general")
	alice := a.env.User("alice", models.RoleMember)
	carol := a.env.User("carol", models.RoleMember)
	bob := b.env.User("bob", models.RoleMember)
	ctx := context.Background()
	must(t, b.fed.FollowRemote(ctx, bob, "http://a.test/u/alice"))
	drain(t, a, b)
	_, first := a.env.Thread(alice, "general", "Soon gone", "text to erase")
	a.env.Thread(carol, "general", "Carol stays", "carol's text")
	drain(t, a, b)
	// A server alice once wrote to (a reply to someone there, say), and
	// one that only ever heard from carol.
	must(t, a.env.Store.EnqueueDeliveries(ctx, `{}`, models.ActorTypeUser, alice.ID, []string{"http://c.test/inbox"}, now))
	must(t, a.env.Store.EnqueueDeliveries(ctx, `{}`, models.ActorTypeUser, carol.ID, []string{"http://d.test/inbox"}, now))

	at, err := a.env.Svc.ScheduleAccountDeletion(ctx, alice, forum.DeleteAccountInput{Password: "password123", Posts: models.DeletePostsErase, Addr: "127.0.0.1"})
	must(t, err)
	now = at.Add(time.Minute)
	erased, err := a.env.Svc.RunAccountDeletions(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil || erased != 1 {
		t.Fatalf("erased %d, %v", erased, err)
	}
	const person = "http://a.test/u/alice"
	deletes := func(inbox string) (people, notes int) {
		rows, err := a.env.Store.DeliveriesTo(ctx, inbox)
		must(t, err)
		for _, r := range rows {
			var act map[string]any
			if r.ActivityJSON == "{}" {
				continue
			}
			must(t, json.Unmarshal([]byte(r.ActivityJSON), &act))
			if act["type"] != "Delete" {
				continue
			}
			if act["object"] == person {
				people++
				if act["actor"] != person || act["id"] != person+"#delete" {
					t.Errorf("Delete{Person} = %v", act)
				}
			} else {
				notes++
			}
		}
		return
	}
	for _, c := range []struct {
		inbox         string
		people, notes int
	}{
		{"http://b.test/inbox", 1, 1}, // a follower's server: the Person and the Note
		{"http://c.test/inbox", 1, 0}, // a server alice wrote to
		{"http://d.test/inbox", 0, 0}, // only carol's
	} {
		if p, nn := deletes(c.inbox); p != c.people || nn != c.notes {
			t.Errorf("%s: %d Delete{Person}, %d Delete{Note}; want %d, %d", c.inbox, p, nn, c.people, c.notes)
		}
	}
	// B receives it signed by alice's old actor id, though A now knows
	// her as a tombstone.
	if err := a.env.Store.DB(ctx).Exec("DELETE FROM deliveries WHERE inbox_url IN (?, ?)", "http://c.test/inbox", "http://d.test/inbox").Error; err != nil {
		t.Fatal(err)
	}
	drain(t, a, b)
	receivedOnce(t, a, b, person+"#delete", person)
	_ = first
}

// TestErasedAccountIsNoActor: the tombstone left by an erased account is
// not served as a Person.
func TestErasedAccountIsNoActor(t *testing.T) {
	h := newHarness(t)
	now := h.env.Svc.Now().Truncate(time.Second)
	h.env.Svc.SetClock(func() time.Time { return now })
	alice := h.env.User("alice", models.RoleMember)
	ctx := context.Background()
	at, err := h.env.Svc.ScheduleAccountDeletion(ctx, alice, forum.DeleteAccountInput{Password: "password123", Posts: models.DeletePostsKeep, Addr: "127.0.0.1"})
	must(t, err)
	now = at
	_, err = h.env.Svc.RunAccountDeletions(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	must(t, err)
	for _, path := range []string{"/u/alice", fmt.Sprintf("/u/deleted-%d", alice.ID)} {
		if rec := h.get(path, activityJSON); rec.Code != 404 {
			t.Errorf("%s: %d, want 404", path, rec.Code)
		}
	}
}
