package federation

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/hearth/hearth/models"
)

func TestNodeInfoLinks(t *testing.T) {
	h := newHarness(t)
	rec := h.get("/.well-known/nodeinfo", "")
	var doc struct{ Links []struct{ Rel, Href string } }
	must(t, json.Unmarshal(rec.Body.Bytes(), &doc))
	if rec.Code != http.StatusOK || len(doc.Links) != 1 ||
		doc.Links[0].Rel != "http://nodeinfo.diaspora.software/ns/schema/2.1" || doc.Links[0].Href != "http://forum.test/nodeinfo/2.1" {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
}

func TestNodeInfo(t *testing.T) {
	h := newHarness(t)
	s := h.scene() // boss, alice, Bob; alice and Bob posted (3 posts)
	ctx := h.env.Ctx
	reader := h.env.User("reader", models.RoleMember) // never posts, but logs in
	_, err := h.env.Svc.StartSession(ctx, reader.ID, "127.0.0.1", "test")
	must(t, err)
	h.env.User("lurker", models.RoleMember) // neither
	old := h.env.User("oldtimer", models.RoleMember)
	_, p := h.env.Thread(old, "general", "Long ago", "old news")
	must(t, h.env.Store.UpdatePostFields(ctx, p.ID, map[string]any{"created_at": h.env.Svc.Now().AddDate(0, -3, 0)}))
	must(t, h.env.Svc.DeletePost(ctx, s.bob, s.reply.ID))

	get := func() nodeInfo {
		rec := h.get("/nodeinfo/2.1", "")
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"` {
			t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
		var doc nodeInfo
		must(t, json.Unmarshal(rec.Body.Bytes(), &doc))
		return doc
	}
	doc := get()
	if doc.Version != "2.1" || doc.Software.Name != "hearth" || doc.Software.Version != "1.2.3-test" ||
		len(doc.Protocols) != 1 || doc.Protocols[0] != "activitypub" || !doc.OpenRegistrations || doc.Metadata == nil {
		t.Errorf("nodeinfo %+v", doc)
	}
	// 6 accounts; alice, Bob and reader were active this month, oldtimer
	// only this half-year; 4 posts of which one is deleted.
	want := nodeInfoUsage{Users: nodeInfoUsers{Total: 6, ActiveMonth: 3, ActiveHalfyear: 4}, LocalPosts: 3}
	if doc.Usage != want {
		t.Errorf("usage %+v, want %+v", doc.Usage, want)
	}

	// Counts are reused for a while, then refreshed.
	h.env.Reply(s.alice, s.thread.ID, "one more")
	if got := get().Usage.LocalPosts; got != 3 {
		t.Errorf("counts recomputed within the TTL: %d", got)
	}
	now := h.env.Svc.Now().Add(usageTTL + time.Minute)
	h.fed.now = func() time.Time { return now }
	if got := get().Usage.LocalPosts; got != 4 {
		t.Errorf("counts not refreshed after the TTL: %d", got)
	}
}

func TestNodeInfoRawShape(t *testing.T) {
	h := newHarness(t)
	var raw map[string]any
	must(t, json.Unmarshal(h.get("/nodeinfo/2.1", "").Body.Bytes(), &raw))
	usage, _ := raw["usage"].(map[string]any)
	users, _ := usage["users"].(map[string]any)
	for _, k := range []string{"total", "activeMonth", "activeHalfyear"} {
		if _, ok := users[k].(float64); !ok {
			t.Errorf("usage.users.%s missing", k)
		}
	}
	if _, ok := usage["localPosts"].(float64); !ok {
		t.Error("usage.localPosts missing")
	}
	// Only the forum's name until the operator sets a description or a
	// contact address (see TestSiteSettingsReachTheFediverse).
	if m, ok := raw["metadata"].(map[string]any); !ok || len(m) != 1 || m["nodeName"] != "Hearth" {
		t.Errorf("metadata %v", raw["metadata"])
	}
}
