package federation

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// TestOutgoingAudience: every activity about a public post, as delivered
// through the real outbox, carries exactly the forum's audience: Public in
// to; the category's followers, the author's followers, the Group and the
// mentioned members in cc; the same for Create, Update and Delete, and on
// the embedded object.
func TestOutgoingAudience(t *testing.T) {
	n := newNetwork()
	a, b := newPeer(t, n, "a.test"), newPeer(t, n, "b.test")
	ctx := context.Background()
	a.env.Category("general")
	alice := a.env.User("alice", models.RoleMember)
	a.env.User("carol", models.RoleMember)
	bob := b.env.User("bob", models.RoleMember)
	must(t, b.fed.FollowRemote(ctx, bob, "http://a.test/c/general"))
	must(t, b.fed.FollowRemote(ctx, bob, "http://a.test/u/alice"))
	drain(t, a, b)

	th, first := a.env.Thread(alice, "general", "Audience", "Hello @carol.")
	reply := a.env.Reply(alice, th.ID, "A reply.")
	_, err := a.env.Svc.EditPost(ctx, alice, first.ID, "Hello again @carol.")
	must(t, err)
	_, err = a.env.Svc.EditPost(ctx, alice, reply.ID, "A reply, edited.")
	must(t, err)
	must(t, a.env.Svc.DeletePost(ctx, alice, reply.ID))
	drain(t, a, b)

	base := []any{"http://a.test/c/general/followers", "http://a.test/u/alice/followers", "http://a.test/c/general"}
	withCarol := append(append([]any(nil), base...), "http://a.test/u/carol")
	sent := sentTo(t, a, "http://b.test/inbox")
	find := func(typ, object string) map[string]any {
		t.Helper()
		for _, act := range sent {
			if act["type"] != typ || act["actor"] != "http://a.test/u/alice" {
				continue
			}
			obj, _ := act["object"].(map[string]any)
			if obj["id"] == object {
				return act
			}
		}
		t.Fatalf("no %s of %s sent to b.test", typ, object)
		return nil
	}
	firstURL, replyURL := fmt.Sprintf("http://a.test/p/%d", first.ID), fmt.Sprintf("http://a.test/p/%d", reply.ID)
	for _, tc := range []struct {
		name, typ, object string
		cc                []any
		embedded          bool // the object carries the audience too
	}{
		{"thread start", "Create", firstURL, withCarol, true},
		{"thread start edited", "Update", firstURL, withCarol, true},
		{"reply", "Create", replyURL, base, true},
		{"reply edited", "Update", replyURL, base, true},
		{"reply deleted", "Delete", replyURL, base, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			act := find(tc.typ, tc.object)
			check := func(where string, doc map[string]any) {
				if fmt.Sprint(doc["to"]) != fmt.Sprint([]any{publicAddress}) {
					t.Errorf("%s to = %v", where, doc["to"])
				}
				if fmt.Sprint(doc["cc"]) != fmt.Sprint(tc.cc) {
					t.Errorf("%s cc = %v, want %v", where, doc["cc"], tc.cc)
				}
			}
			check("activity", act)
			if obj, _ := act["object"].(map[string]any); tc.embedded {
				check("object", obj)
			}
		})
	}
}

// TestAmbassadorsCategoryNeverFederatesAnything: every kind of write in
// the ambassadors' category, through the real hooks, queues nothing for a
// peer that follows its author, and its posts are not served.
func TestAmbassadorsCategoryNeverFederatesAnything(t *testing.T) {
	n := newNetwork()
	a, b := newPeer(t, n, "a.test"), newPeer(t, n, "b.test")
	ctx := context.Background()
	boss := a.env.User("boss", models.RoleAdmin)
	_, err := a.env.Svc.CreateCategory(ctx, boss, forum.CategoryInput{Name: "Ambassadors", Slug: "ambassadors", AmbassadorsOnly: true})
	must(t, err)
	a.env.Category("general")
	amb := a.env.User("amb", models.RoleAmbassador)
	bob := b.env.User("bob", models.RoleMember)
	must(t, b.fed.FollowRemote(ctx, bob, "http://a.test/u/amb"))
	drain(t, a, b)
	th, first := a.env.Thread(amb, "ambassadors", "Private plans", "only for us")
	drain(t, a, b)
	closes := a.env.Svc.Now().Add(time.Hour)

	for _, tc := range []struct {
		name string
		do   func() int64 // returns a post id that must not be served
	}{
		{"thread start", func() int64 { _, p := a.env.Thread(amb, "ambassadors", "Another", "secret"); return p.ID }},
		{"poll", func() int64 {
			_, p, err := a.env.Svc.CreateThread(ctx, amb, forum.NewThread{Category: "ambassadors", Title: "Vote", Body: "which?",
				Poll: &forum.PollInput{Options: []string{"x", "y"}, ClosesAt: &closes}})
			must(t, err)
			return p.ID
		}},
		{"reply", func() int64 { return a.env.Reply(amb, th.ID, "agreed").ID }},
		{"edit", func() int64 {
			_, err := a.env.Svc.EditPost(ctx, amb, first.ID, "only for us, edited")
			must(t, err)
			return first.ID
		}},
		{"hide", func() int64 {
			p := a.env.Reply(amb, th.ID, "to hide")
			must(t, a.env.Svc.SetPostHidden(ctx, boss, p.ID, true, "test"))
			return p.ID
		}},
		{"delete", func() int64 {
			p := a.env.Reply(amb, th.ID, "to delete")
			must(t, a.env.Svc.DeletePost(ctx, amb, p.ID))
			return p.ID
		}},
		{"pin", func() int64 {
			must(t, a.env.Svc.PinThread(ctx, boss, th.ID, "test"))
			return first.ID
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(sentTo(t, a, "http://b.test/inbox"))
			id := tc.do()
			drain(t, a, b)
			if got := len(sentTo(t, a, "http://b.test/inbox")) - before; got != 0 {
				t.Fatalf("queued %d deliveries", got)
			}
			if rec := serve(a.e, fmt.Sprintf("/p/%d", id), acceptAP); rec.Code != http.StatusNotFound {
				t.Errorf("AP GET of the post: %d", rec.Code)
			}
		})
	}
	// The guard is per category: the same member's public post goes out.
	before := len(sentTo(t, a, "http://b.test/inbox"))
	a.env.Thread(amb, "general", "Public news", "hello")
	drain(t, a, b)
	if got := len(sentTo(t, a, "http://b.test/inbox")) - before; got != 1 {
		t.Fatalf("public post: %d deliveries", got)
	}
}
