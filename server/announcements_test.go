package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/models"
)

// TestScheduledAnnouncement: staff schedule a thread over the API (202) and
// the form; members cannot; once published it shows as a banner on every
// page, including anonymous pages served from the cache.
func TestScheduledAnnouncement(t *testing.T) {
	ts := newTestServer(t)
	now := time.Date(2030, 6, 1, 9, 0, 0, 0, time.UTC)
	ts.Svc.SetClock(func() time.Time { return now })
	ts.Category("news")
	th, _ := ts.Thread(ts.User("writer", models.RoleMember), "news", "An ordinary thread", "body")
	staff := ts.token(t, "boss", models.RoleAdmin)
	member := ts.token(t, "m1", models.RoleMember)
	body := `{"category":"news","title":"Meetup next week","body":"Come!","publish_at":"2030-06-01T12:00:00Z","banner_until":"2030-06-08T00:00:00Z"}`
	if code, _ := ts.api(t, http.MethodPost, "/api/v1/threads", member, body); code != http.StatusForbidden {
		t.Errorf("member schedules: %d", code)
	}
	code, res := ts.api(t, http.MethodPost, "/api/v1/threads", staff, body)
	if code != http.StatusAccepted || res["state"] != "pending" || res["id"] != nil {
		t.Fatalf("schedule: %d %v", code, res)
	}
	anon := ts.browser()
	page := "/t/" + strconv.FormatInt(th.ID, 10)
	if r := anon.get(page); strings.Contains(r.Body, "Meetup next week") {
		t.Fatal("scheduled thread visible before its time")
	}
	if r := anon.get(page); r.Header.Get("X-Hearth-Cache") != "hit" {
		t.Fatalf("second anonymous view not cached: %q", r.Header.Get("X-Hearth-Cache"))
	}
	if r := anon.get("/search?q=Meetup"); strings.Contains(r.Body, "Meetup next week") {
		t.Fatal("scheduled thread found by search before its time")
	}

	now = now.Add(3 * time.Hour)
	if n, err := ts.Svc.PublishDue(ts.Ctx); err != nil || n != 1 {
		t.Fatalf("publish: %d %v", n, err)
	}
	r := anon.get(page)
	if !strings.Contains(r.Body, `class="site-banner"`) || !strings.Contains(r.Body, "Meetup next week") || r.Header.Get("X-Hearth-Cache") == "hit" {
		t.Fatalf("banner missing on the cached page (cache %q)", r.Header.Get("X-Hearth-Cache"))
	}
	if r := anon.get("/"); !strings.Contains(r.Body, "Meetup next week") {
		t.Error("banner missing on the home page")
	}

	mod := ts.browser()
	mod.login("boss")
	list := mod.get("/community/announcements")
	if !strings.Contains(list.Body, "Meetup next week") || !strings.Contains(list.Body, "published") || !strings.Contains(list.Body, "End banner") {
		t.Fatalf("announcements page: %d", list.StatusCode)
	}
	bad := mod.post("/community/announcements", url.Values{"category": {"news"}, "title": {"Later"}, "body": {"x"}, "publish_at": {"whenever"}})
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, `value="whenever"`) {
		t.Errorf("bad form: %d", bad.StatusCode)
	}
	ok := mod.post("/community/announcements", url.Values{"category": {"news"}, "title": {"Later on"}, "body": {"x"}, "publish_at": {"2030-07-01T10:00"}})
	if ok.StatusCode != http.StatusSeeOther || !strings.Contains(mod.get("/community/announcements").Body, "scheduled") {
		t.Errorf("form schedule: %d", ok.StatusCode)
	}
	var id int64
	if err := ts.Store.DB(ts.Ctx).Raw("SELECT id FROM scheduled_threads WHERE title = ?", "Meetup next week").Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	mod.post("/community/announcements/"+strconv.FormatInt(id, 10)+"/end-banner", nil)
	if r := anon.get(page); strings.Contains(r.Body, `class="site-banner"`) {
		t.Error("banner still shown after it was ended")
	}
	if r := ts.browser().get("/community/announcements"); r.StatusCode == http.StatusOK {
		t.Error("anonymous visitors must not see the announcements page")
	}
}
