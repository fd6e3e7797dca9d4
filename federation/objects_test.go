package federation

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

func postPath(p *models.Post) string { return "/p/" + strconv.FormatInt(p.ID, 10) }

func TestNoteDocuments(t *testing.T) {
	h := newHarness(t)
	s := h.scene()
	golden(t, "note_first", h.activity(postPath(s.first), http.StatusOK))
	golden(t, "note_reply", h.activity(postPath(s.reply), http.StatusOK))
	golden(t, "thread_context", h.activity("/t/"+strconv.FormatInt(s.thread.ID, 10), http.StatusOK))
}

// TestNoteShapes checks, independently of the golden files, what Mastodon
// needs to show a post and place it in its conversation.
func TestNoteShapes(t *testing.T) {
	h := newHarness(t)
	s := h.scene()
	first := h.activity(postPath(s.first), http.StatusOK)
	reply := h.activity(postPath(s.reply), http.StatusOK)
	plain := h.activity(postPath(s.plain), http.StatusOK)
	threadURL := "http://forum.test/t/" + strconv.FormatInt(s.thread.ID, 10)
	firstURL := "http://forum.test" + postPath(s.first)

	if first["type"] != "Note" || first["attributedTo"] != "http://forum.test/u/alice" {
		t.Errorf("first post: %v", first)
	}
	for _, key := range []string{"name", "summary", "source"} {
		// name is a content warning on GoToSocial, summary everywhere;
		// source would hold the body without the title (NodeBB would take
		// its first sentence as the title).
		if _, ok := first[key]; ok {
			t.Errorf("a thread start carries %s: %v", key, first[key])
		}
	}
	if _, ok := first["inReplyTo"]; ok {
		t.Error("a thread's first post answers nothing")
	}
	for _, key := range []string{"name", "summary"} {
		if _, ok := reply[key]; ok {
			t.Errorf("a reply carries %s", key)
		}
	}
	if html, _ := reply["content"].(string); html != s.reply.HTML || strings.Contains(html, "Hello, fediverse") {
		t.Errorf("reply content %q: the title opens only the thread start", html)
	}
	if reply["inReplyTo"] != firstURL || plain["inReplyTo"] != firstURL {
		t.Errorf("inReplyTo: explicit %v, implicit %v; want %s", reply["inReplyTo"], plain["inReplyTo"], firstURL)
	}
	for _, doc := range []map[string]any{first, reply, plain} {
		if doc["context"] != threadURL || doc["audience"] != "http://forum.test/c/general" {
			t.Errorf("%v: context %v audience %v", doc["id"], doc["context"], doc["audience"])
		}
		if to, _ := doc["to"].([]any); len(to) != 1 || to[0] != publicAddress {
			t.Errorf("%v: to %v", doc["id"], doc["to"])
		}
	}
	if html, _ := first["content"].(string); html != "<p><strong>Hello, fediverse</strong></p>"+s.first.HTML || s.first.HTML == "" {
		t.Errorf("content %q is not the title then the stored sanitised HTML", html)
	}
	src, _ := reply["source"].(map[string]any)
	if src["mediaType"] != "text/markdown" || src["content"] != s.reply.Body {
		t.Errorf("reply source %v", src)
	}
	cc, _ := first["cc"].([]any)
	wantCC := []string{"http://forum.test/c/general/followers", "http://forum.test/u/alice/followers", "http://forum.test/c/general", "http://forum.test/u/bob"}
	if len(cc) != len(wantCC) {
		t.Fatalf("cc %v, want %v", cc, wantCC)
	}
	for i := range wantCC {
		if cc[i] != wantCC[i] {
			t.Errorf("cc %v, want %v", cc, wantCC)
		}
	}
	tags, _ := first["tag"].([]any)
	want := []map[string]any{
		{"type": "Mention", "href": "http://forum.test/u/bob", "name": "@Bob@forum.test"},
		{"type": "Hashtag", "href": "http://forum.test/tags/golang", "name": "#golang"},
		{"type": "Hashtag", "href": "http://forum.test/tags/go", "name": "#go"},
	}
	if len(tags) != len(want) {
		t.Fatalf("tag %v, want %v", tags, want)
	}
	for i, w := range want {
		got, _ := tags[i].(map[string]any)
		for k, v := range w {
			if got[k] != v {
				t.Errorf("tag %d: %s = %v, want %v", i, k, got[k], v)
			}
		}
	}
	if _, ok := first["updated"]; ok {
		t.Error("unedited post has updated")
	}
	if _, ok := reply["updated"]; !ok {
		t.Error("edited post has no updated")
	}
	// A remote handle is not resolved yet, so it is neither tagged nor addressed.
	if tags, _ := reply["tag"].([]any); len(tags) != 1 {
		t.Errorf("reply tags %v: want only @alice", tags)
	}
	if plain["url"] != threadURL+"#post-3" {
		t.Errorf("url %v", plain["url"])
	}
}

// TestDeletedIsGone: deleted posts and threads answer 410 with a Tombstone,
// so peers that fetch them drop their copies.
func TestDeletedIsGone(t *testing.T) {
	h := newHarness(t)
	s := h.scene()
	must(t, h.env.Svc.DeletePost(h.env.Ctx, s.bob, s.reply.ID))
	doc := h.activity(postPath(s.reply), http.StatusGone)
	if doc["type"] != "Tombstone" || doc["formerType"] != "Note" || doc["id"] != "http://forum.test"+postPath(s.reply) || doc["deleted"] == nil {
		t.Errorf("tombstone %v", doc)
	}
	golden(t, "tombstone", doc)
	// Browsers still get the page (the server shows its placeholder).
	if rec := h.get(postPath(s.reply), acceptBrowser); rec.Code != http.StatusOK {
		t.Errorf("browser got %d", rec.Code)
	}
	// A deleted thread takes its posts with it.
	must(t, h.env.Store.UpdateThreadFields(h.env.Ctx, s.thread.ID, map[string]any{"deleted_at": s.first.CreatedAt}))
	h.activity(postPath(s.first), http.StatusGone)
	if doc := h.activity("/t/"+strconv.FormatInt(s.thread.ID, 10), http.StatusGone); doc["formerType"] != "OrderedCollection" {
		t.Errorf("thread tombstone %v", doc)
	}
}

// TestThreadContextPaging: a long thread's context is paged by post
// number, every page lists the right ids, and the pages link up.
func TestThreadContextPaging(t *testing.T) {
	h := newHarness(t)
	s := h.scene()
	author := s.alice
	for i := 0; i < contextPageSize+5; i++ {
		_, err := h.env.Svc.Reply(h.env.Ctx, author, s.thread.ID, forum.NewReply{Body: "reply " + strconv.Itoa(i)})
		must(t, err)
	}
	total := contextPageSize + 5 + 3
	base := "/t/" + strconv.FormatInt(s.thread.ID, 10)
	id := "http://forum.test" + base
	coll := h.activity(base, http.StatusOK)
	if coll["type"] != "OrderedCollection" || coll["totalItems"] != float64(total) || coll["first"] != id+"?page=1" || coll["last"] != id+"?page=2" {
		t.Fatalf("collection %v", coll)
	}
	if _, ok := coll["orderedItems"]; ok {
		t.Error("a long thread's collection lists items itself")
	}
	if coll["attributedTo"] != "http://forum.test/c/general" || coll["name"] != "Hello, fediverse" {
		t.Errorf("context owner/name: %v %v", coll["attributedTo"], coll["name"])
	}
	p1 := h.activity(base+"?page=1", http.StatusOK)
	p2 := h.activity(base+"?page=2", http.StatusOK)
	items1, _ := p1["orderedItems"].([]any)
	items2, _ := p2["orderedItems"].([]any)
	if p1["type"] != "OrderedCollectionPage" || p1["partOf"] != id || p1["next"] != id+"?page=2" || p1["prev"] != nil || len(items1) != contextPageSize {
		t.Errorf("page 1: %v (%d items)", p1, len(items1))
	}
	if p2["prev"] != id+"?page=1" || p2["next"] != nil || len(items2) != total-contextPageSize {
		t.Errorf("page 2: %v (%d items)", p2, len(items2))
	}
	if items1[0] != "http://forum.test"+postPath(s.first) || items1[1] != "http://forum.test"+postPath(s.reply) {
		t.Errorf("page 1 starts %v", items1[:2])
	}
	for _, q := range []string{"?page=3", "?page=0", "?page=-1", "?page=x"} {
		if rec := h.get(base+q, acceptAP); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d", q, rec.Code)
		}
	}
}

func TestEmptyCollections(t *testing.T) {
	h := newHarness(t)
	h.scene()
	for _, path := range []string{"/u/alice/outbox", "/u/alice/followers", "/c/general/following", "/actor/outbox"} {
		id := "http://forum.test" + path
		coll := h.activity(path, http.StatusOK)
		if coll["type"] != "OrderedCollection" || coll["totalItems"] != float64(0) || coll["first"] != id+"?page=1" {
			t.Errorf("%s: %v", path, coll)
		}
		page := h.activity(path+"?page=1", http.StatusOK)
		if items, ok := page["orderedItems"].([]any); !ok || len(items) != 0 || page["partOf"] != id || page["type"] != "OrderedCollectionPage" {
			t.Errorf("%s?page=1: %v", path, page)
		}
	}
	golden(t, "followers", h.activity("/c/general/followers", http.StatusOK))
	golden(t, "outbox_page", h.activity("/u/alice/outbox?page=1", http.StatusOK))
}
