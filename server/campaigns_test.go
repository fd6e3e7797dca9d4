package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/models"
)

// TestCampaign: staff create a campaign over the API and the form; a
// visitor signs up through its link; posts with the hashtag, participants,
// the new member and a remote reply show day by day with progress.
func TestCampaign(t *testing.T) {
	ts := newTestServer(t)
	start := time.Date(2030, 5, 1, 0, 0, 0, 0, time.UTC)
	now := start.Add(-time.Hour)
	ts.Svc.SetClock(func() time.Time { return now })
	ts.Category("help")
	staff := ts.token(t, "mod1", models.RoleModerator)
	member := ts.token(t, "member1", models.RoleMember)

	body := `{"name":"Spring garden","hashtag":"#Garden","starts_at":"2030-05-01","ends_at":"2030-05-08","target":4}`
	if code, _ := ts.api(t, http.MethodPost, "/api/v1/campaigns", member, body); code != http.StatusForbidden {
		t.Errorf("member creates campaign: %d", code)
	}
	code, camp := ts.api(t, http.MethodPost, "/api/v1/campaigns", staff, body)
	if code != http.StatusCreated || camp["slug"] != "spring-garden" || camp["hashtag"] != "garden" ||
		!strings.HasSuffix(camp["signup_url"].(string), "/signup?campaign=spring-garden") {
		t.Fatalf("create: %d %v", code, camp)
	}
	if code, b := ts.api(t, http.MethodPost, "/api/v1/campaigns", staff, `{"name":"x","hashtag":"no spaces","starts_at":"2030-05-08","ends_at":"2030-05-01"}`); code != http.StatusUnprocessableEntity {
		t.Errorf("bad campaign: %d %v", code, b)
	}

	now = start.Add(2 * time.Hour) // day 1
	visitor := ts.browser()
	if r := visitor.get("/signup?campaign=spring-garden"); !strings.Contains(r.Body, `name="campaign" value="spring-garden"`) {
		t.Fatalf("signup form lacks the campaign")
	}
	res := visitor.post("/signup", url.Values{"username": {"gardener"}, "email": {"g@example.com"}, "password": {"correct horse"}, "campaign": {"spring-garden"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("signup: %d", res.StatusCode)
	}
	// A newcomer starts in the sandbox; a moderator vouches so the
	// campaign post is published rather than held.
	if _, err := ts.Svc.Vouch(ts.Ctx, ts.User("vouch_mod", models.RoleModerator), "gardener", "campaign guest"); err != nil {
		t.Fatal(err)
	}
	gardener, _ := ts.Store.UserByUsername(ts.Ctx, "gardener")
	th, _ := ts.Thread(gardener, "help", "My tomatoes", "Look at them #garden")
	ts.Reply(ts.User("other", models.RoleMember), th.ID, "no hashtag here, #gardening is another tag")
	now = start.Add(26 * time.Hour) // day 2
	ts.Reply(ts.User("friend", models.RoleMember), th.ID, "Lovely #Garden")
	remote := ts.User("remote1", models.RoleMember)
	if err := ts.Store.UpdateUserFields(ts.Ctx, remote.ID, map[string]any{"domain": "social.example"}); err != nil {
		t.Fatal(err)
	}
	ts.Reply(remote, th.ID, "Nice from the fediverse")
	now = start.Add(50 * time.Hour)

	code, rep := ts.api(t, http.MethodGet, "/api/v1/campaigns/spring-garden", staff, "")
	if code != http.StatusOK || rep["posts"] != float64(2) || rep["participants"] != float64(2) || rep["new_members"] != float64(1) ||
		rep["remote_interactions"] != float64(1) || rep["progress"] != 0.5 {
		t.Fatalf("report: %d %v", code, rep)
	}
	days := rep["days"].([]any)
	d1, d2 := days[0].(map[string]any), days[1].(map[string]any)
	if len(days) != 3 || d1["posts"] != float64(1) || d1["new_members"] != float64(1) || d2["posts"] != float64(1) || d2["remote_interactions"] != float64(1) {
		t.Errorf("days: %v", days)
	}
	if code, _ := ts.api(t, http.MethodGet, "/api/v1/campaigns/spring-garden", member, ""); code != http.StatusForbidden {
		t.Errorf("member report: %d", code)
	}
	_, list := ts.api(t, http.MethodGet, "/api/v1/campaigns", staff, "")
	if l, _ := list["campaigns"].([]any); len(l) != 1 {
		t.Errorf("list: %v", list)
	}

	// The hashtag in the thread's first post tags the thread, so the
	// campaign's tag page lists it.
	if code, tag := ts.api(t, http.MethodGet, "/api/v1/tags/garden", "", ""); code != http.StatusOK || tag["thread_count"] != float64(1) {
		t.Errorf("tag page: %d %v", code, tag)
	}
	mod := ts.browser()
	mod.login("mod1")
	page := mod.get("/community/campaigns/spring-garden")
	for _, want := range []string{"Spring garden", `<progress id="cp-progress" max="100" value="50">`, "<svg", "2030-05-02"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("campaign page lacks %q", want)
		}
	}
	bad := mod.post("/community/campaigns", url.Values{"name": {"Autumn"}, "hashtag": {"au tumn"}, "starts_at": {"2030-09-01T00:00"}, "ends_at": {"2030-09-30T00:00"}})
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, `value="au tumn"`) {
		t.Errorf("bad form: %d", bad.StatusCode)
	}
	ok := mod.post("/community/campaigns", url.Values{"name": {"Autumn"}, "hashtag": {"autumn"}, "starts_at": {"2030-09-01T00:00"}, "ends_at": {"2030-09-30T00:00"}, "target": {"10"}})
	if ok.StatusCode != http.StatusSeeOther || ok.Header.Get("Location") != "/community/campaigns/autumn" {
		t.Errorf("form create: %d %s", ok.StatusCode, ok.Header.Get("Location"))
	}
}

// TestCampaignWithoutTarget: a campaign with no target shows no progress
// bar stuck at "0% of a target of 0 posts".
func TestCampaignWithoutTarget(t *testing.T) {
	ts := newTestServer(t)
	staff := ts.token(t, "mod1", models.RoleModerator)
	if code, b := ts.api(t, http.MethodPost, "/api/v1/campaigns", staff, `{"name":"Open ended","hashtag":"open","starts_at":"2030-05-01","ends_at":"2030-05-08"}`); code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, b)
	}
	b := ts.browser()
	b.login("mod1")
	r := b.get("/community/campaigns/open-ended")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Posts with #open") {
		t.Fatalf("campaign page: %d", r.StatusCode)
	}
	if strings.Contains(r.Body, "<progress") || strings.Contains(r.Body, "target of 0 posts") {
		t.Error("a campaign without a target shows a progress bar")
	}
}
