package federation

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// TestPrivateCategoryNeverFederates: the ambassadors' category has no
// actor and no WebFinger, its posts answer 404 to ActivityPub fetches, and
// a post there by a member followed from B queues nothing for B.
func TestPrivateCategoryNeverFederates(t *testing.T) {
	n := newNetwork()
	a, b := newPeer(t, n, "a.test"), newPeer(t, n, "b.test")
	ctx := context.Background()
	boss := a.env.User("boss", models.RoleAdmin)
	if _, err := a.env.Svc.CreateCategory(ctx, boss, forum.CategoryInput{Name: "Ambassadors", Slug: "ambassadors", AmbassadorsOnly: true}); err != nil {
		t.Fatal(err)
	}
	a.env.Category("general")
	amb := a.env.User("amb", models.RoleAmbassador)
	bob := b.env.User("bob", models.RoleMember)
	must(t, b.fed.FollowRemote(ctx, bob, "http://a.test/u/amb"))
	drain(t, a, b)
	if err := b.fed.FollowRemote(ctx, bob, "http://a.test/c/ambassadors"); err == nil {
		t.Fatal("followed the private category")
	}
	before := len(sentTo(t, a, "http://b.test/inbox"))

	th, first := a.env.Thread(amb, "ambassadors", "Private plans", "only for us")
	reply := a.env.Reply(amb, th.ID, "agreed")
	_, err := a.env.Svc.EditPost(ctx, amb, reply.ID, "agreed, edited")
	must(t, err)
	must(t, a.env.Svc.DeletePost(ctx, amb, reply.ID))
	drain(t, a, b)
	if got := len(sentTo(t, a, "http://b.test/inbox")) - before; got != 0 {
		t.Fatalf("the private category queued %d deliveries", got)
	}
	// A public post by the same member still goes out: the guard is per category.
	a.env.Thread(amb, "general", "Public news", "hello")
	drain(t, a, b)
	if got := len(sentTo(t, a, "http://b.test/inbox")) - before; got != 1 {
		t.Fatalf("public post: %d deliveries", got)
	}

	for _, path := range []string{"/c/ambassadors", fmt.Sprintf("/p/%d", first.ID), fmt.Sprintf("/t/%d", th.ID)} {
		if rec := serve(a.e, path, acceptAP); rec.Code != http.StatusNotFound {
			t.Errorf("AP GET %s: %d", path, rec.Code)
		}
	}
	if rec := serve(a.e, "/.well-known/webfinger?resource=acct:ambassadors@a.test", ""); rec.Code != http.StatusNotFound {
		t.Errorf("WebFinger: %d", rec.Code)
	}
}
