package federation

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
)

// TestRepliesCollection walks a post's replies the way Mastodon does: the
// first page embedded in the Note, then next links on the collection's URL,
// until a page has no next. Every direct reply shows once, in order; a
// reply to a reply and a deleted reply do not.
func TestRepliesCollection(t *testing.T) {
	h := newHarness(t)
	env, ctx := h.env, h.env.Ctx
	s := h.scene() // first has two direct replies: reply (explicit) and plain (implicit)
	want := []string{"http://forum.test" + postPath(s.reply), "http://forum.test" + postPath(s.plain)}
	for i := 0; i < forum.RepliesPageSize+3; i++ {
		p := env.Reply(s.bob, s.thread.ID, "Reply number "+strconv.Itoa(i))
		want = append(want, "http://forum.test"+postPath(p))
	}
	nested, err := env.Svc.Reply(ctx, s.alice, s.thread.ID, forum.NewReply{Body: "To Bob only.", ReplyTo: s.reply.ID})
	must(t, err)
	gone := env.Reply(s.bob, s.thread.ID, "Soon gone.")
	must(t, env.Svc.DeletePost(ctx, s.bob, gone.ID))

	note := h.activity(postPath(s.first), http.StatusOK)
	coll, _ := note["replies"].(map[string]any)
	repliesURL := "http://forum.test" + postPath(s.first) + "/replies"
	if coll["id"] != repliesURL || coll["type"] != "Collection" {
		t.Fatalf("replies %v", note["replies"])
	}
	page, _ := coll["first"].(map[string]any)
	var got []string
	for pages := 1; ; pages++ {
		if page["type"] != "CollectionPage" || page["partOf"] != repliesURL {
			t.Fatalf("page %d: %v", pages, page)
		}
		items, _ := page["items"].([]any)
		for _, it := range items {
			got = append(got, it.(string))
		}
		next, _ := page["next"].(string)
		if next == "" {
			break
		}
		if pages > 5 {
			t.Fatal("next links do not end")
		}
		page = h.activity(strings.TrimPrefix(next, "http://forum.test"), http.StatusOK)
		if page["id"] != next {
			t.Errorf("page id %v, fetched %s", page["id"], next)
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("replies\n got %v\nwant %v", got, want)
	}

	// The collection itself is its own document, with the same first page.
	doc := h.activity(postPath(s.first)+"/replies", http.StatusOK)
	if doc["id"] != repliesURL || doc["@context"] == nil {
		t.Errorf("collection %v", doc)
	}
	if first, _ := doc["first"].(map[string]any); len(first["items"].([]any)) != forum.RepliesPageSize || first["next"] != repliesURL+"?page=2" {
		t.Errorf("collection's first page %v", doc["first"])
	}

	// The answered reply lists the nested one; a post nobody answered has
	// an empty first page and no next.
	sub, _ := h.activity(postPath(s.reply), http.StatusOK)["replies"].(map[string]any)
	if items := sub["first"].(map[string]any)["items"].([]any); len(items) != 1 || items[0] != "http://forum.test"+postPath(nested) {
		t.Errorf("replies of the answered reply: %v", sub)
	}
	leaf, _ := h.activity(postPath(nested), http.StatusOK)["replies"].(map[string]any)
	if first := leaf["first"].(map[string]any); len(first["items"].([]any)) != 0 || first["next"] != nil {
		t.Errorf("replies of an unanswered post: %v", leaf)
	}
	for _, path := range []string{postPath(s.first) + "/replies?page=9", postPath(gone) + "/replies"} {
		if rec := h.get(path, acceptAP); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, rec.Code)
		}
	}
}
