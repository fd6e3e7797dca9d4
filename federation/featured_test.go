package federation

import (
	"context"
	"net/http"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// TestFeaturedDeclaredWhereItExists: a category's Group carries featured
// and declares the term; a member's Person (members pin nothing) and a
// Note neither carry nor declare it.
func TestFeaturedDeclaredWhereItExists(t *testing.T) {
	h := newHarness(t)
	s := h.scene()
	for _, tc := range []struct {
		path     string
		featured string // "" when the document must not have one
	}{
		{"/c/general", "http://forum.test/c/general/featured"},
		{"/u/alice", ""},
		{postPath(s.first), ""},
		{"/actor", ""},
	} {
		doc := h.activity(tc.path, http.StatusOK)
		declared := contextDeclares(doc["@context"], "featured")
		if tc.featured == "" {
			if _, ok := doc["featured"]; ok || declared {
				t.Errorf("%s: featured %v, declared %v", tc.path, doc["featured"], declared)
			}
			continue
		}
		if doc["featured"] != tc.featured || !declared {
			t.Errorf("%s: featured %v, declared %v", tc.path, doc["featured"], declared)
		}
	}
}

// TestFeaturedCollection: the Group's featured lists its pinned threads'
// first posts, embedded, and nothing unpinned, deleted or private.
func TestFeaturedCollection(t *testing.T) {
	h := newHarness(t)
	s := h.scene()
	ctx := context.Background()
	boss := h.env.User("chief", models.RoleAdmin)
	other, otherFirst := h.env.Thread(s.alice, "general", "Pinned too", "second pin")
	gone, goneFirst := h.env.Thread(s.alice, "general", "Pinned then deleted", "bye")
	hidden, hiddenFirst := h.env.Thread(s.alice, "general", "Pinned then hidden", "shh")
	h.env.Thread(s.alice, "general", "Not pinned", "plain")
	for _, id := range []int64{s.thread.ID, other.ID, gone.ID, hidden.ID} {
		must(t, h.env.Svc.PinThread(ctx, boss, id, "test"))
	}
	must(t, h.env.Svc.DeletePost(ctx, boss, goneFirst.ID))
	must(t, h.env.Svc.SetPostHidden(ctx, boss, hiddenFirst.ID, true, "test"))

	coll := h.activity("/c/general/featured", http.StatusOK)
	items, _ := coll["orderedItems"].([]any)
	if coll["id"] != "http://forum.test/c/general/featured" || coll["type"] != "OrderedCollection" || coll["totalItems"] != float64(2) || len(items) != 2 {
		t.Fatalf("featured: %v", coll)
	}
	want := map[string]bool{"http://forum.test" + postPath(s.first): true, "http://forum.test" + postPath(otherFirst): true}
	for _, it := range items {
		note, _ := it.(map[string]any)
		if !want[str(note["id"])] || note["type"] != "Note" || note["attributedTo"] != "http://forum.test/u/alice" {
			t.Errorf("featured item %v", note)
		}
		if _, ok := note["@context"]; ok {
			t.Error("an embedded item repeats @context")
		}
		delete(want, str(note["id"]))
	}

	// The ambassadors' category has no featured, pinned threads or not.
	_, err := h.env.Svc.CreateCategory(ctx, boss, forum.CategoryInput{Name: "Ambassadors", Slug: "ambassadors", AmbassadorsOnly: true})
	must(t, err)
	amb := h.env.User("amb", models.RoleAmbassador)
	secret, _ := h.env.Thread(amb, "ambassadors", "Secret", "only us")
	must(t, h.env.Svc.PinThread(ctx, boss, secret.ID, "test"))
	for _, path := range []string{"/c/ambassadors/featured", "/c/nosuch/featured"} {
		if rec := h.get(path, acceptAP); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d %s", path, rec.Code, rec.Body)
		}
	}
}
