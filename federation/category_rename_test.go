package federation

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

func ptr(s string) *string { return &s }

// TestCategoryRenameKeepsGroupAndFollowers: renaming a category keeps its
// Group's id (the first slug's URL), so a fediverse follower stays one:
// they get Update{Group} with the new name, later posts still reach them,
// WebFinger answers the old and the new name with the same id, and Undo
// and Follow sent to the id keep working.
func TestCategoryRenameKeepsGroupAndFollowers(t *testing.T) {
	n := newNetwork()
	a, b := newPeer(t, n, "a.test"), newPeer(t, n, "b.test")
	cat := a.env.Category("general")
	admin := a.env.User("boss", models.RoleAdmin)
	author := a.env.User("alice", models.RoleMember)
	bob := b.env.User("bob", models.RoleMember)
	ctx := context.Background()
	const groupID = "http://a.test/c/general"

	must(t, b.fed.FollowRemote(ctx, bob, groupID))
	drain(t, a, b)

	_, err := a.env.Svc.UpdateCategory(ctx, admin, "general", forum.CategoryEdit{Name: ptr("Chat room"), Slug: ptr("chat")})
	must(t, err)
	drain(t, a, b)

	// B was told: an Update of the same Group id, with the new names.
	jobs, err := a.env.Store.DeliveriesTo(ctx, "http://b.test/inbox")
	must(t, err)
	var update map[string]any
	for _, j := range jobs {
		var act map[string]any
		must(t, json.Unmarshal([]byte(j.ActivityJSON), &act))
		if act["type"] == "Update" {
			update = act
		}
	}
	obj, _ := update["object"].(map[string]any)
	if update == nil || update["actor"] != groupID || obj["id"] != groupID || obj["type"] != "Group" ||
		obj["preferredUsername"] != "chat" || obj["name"] != "Chat room" || obj["url"] != "http://a.test/c/chat" {
		t.Fatalf("Update{Group} sent to B: %v", update)
	}
	remote, err := b.env.Store.RemoteActorByAPID(ctx, groupID)
	must(t, err)
	if remote.PreferredUsername != "chat" || remote.Name != "Chat room" {
		t.Errorf("B's copy of the Group after the Update: %q %q", remote.PreferredUsername, remote.Name)
	}

	// The id still answers with the Group; the new slug's URL leads to it.
	doc := a.activity("/c/general", http.StatusOK)
	if doc["id"] != groupID || doc["preferredUsername"] != "chat" || doc["inbox"] != groupID+"/inbox" {
		t.Errorf("Group at the old URL: %v", doc)
	}
	if rec := a.get("/c/chat", acceptAP); rec.Code != http.StatusFound || rec.Header().Get("Location") != groupID {
		t.Errorf("GET /c/chat as ActivityPub: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if f := a.activity("/c/general/followers", http.StatusOK); f["totalItems"] != float64(1) {
		t.Errorf("followers after the rename: %v", f)
	}
	for _, name := range []string{"general", "chat"} {
		rec := a.get("/.well-known/webfinger?resource=acct:"+name+"@a.test", "")
		var jrd struct {
			Subject string
			Links   []struct{ Rel, Href string }
		}
		must(t, json.Unmarshal(rec.Body.Bytes(), &jrd))
		if rec.Code != http.StatusOK || jrd.Subject != "acct:chat@a.test" || len(jrd.Links) == 0 || jrd.Links[0].Href != groupID {
			t.Errorf("WebFinger %s: %d %+v", name, rec.Code, jrd)
		}
	}

	// A new thread still goes out to the follower, from the same actor.
	before := len(jobs)
	a.env.Thread(author, "chat", "After the rename", "still here")
	drain(t, a, b)
	jobs, err = a.env.Store.DeliveriesTo(ctx, "http://b.test/inbox")
	must(t, err)
	announced := false
	for _, j := range jobs[before:] {
		var act map[string]any
		must(t, json.Unmarshal([]byte(j.ActivityJSON), &act))
		if act["type"] == "Announce" && act["actor"] == groupID && j.State == models.QueueDone {
			announced = true
		}
	}
	if !announced {
		t.Fatalf("no Announce from %s reached B after the rename: %+v", groupID, jobs[before:])
	}

	// Undo and a new Follow, both naming the id, still work.
	must(t, b.fed.UnfollowRemote(ctx, bob, groupID))
	drain(t, a, b)
	if n, _ := a.env.Store.CountFollowers(ctx, models.ActorTypeCategory, cat.ID); n != 0 {
		t.Fatalf("after Undo: %d followers", n)
	}
	must(t, b.fed.FollowRemote(ctx, bob, groupID))
	drain(t, a, b)
	if n, _ := a.env.Store.CountFollowers(ctx, models.ActorTypeCategory, cat.ID); n != 1 {
		t.Fatalf("after a new Follow of the old id: %d followers", n)
	}
}
