package server_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// TestThreadPageBoosts: a post's fediverse boosts show on the thread page
// for visitors and members, and an Undo shows at once, through the page
// and fragment caches. The author is told in their notifications, and the
// community figures count them.
func TestThreadPageBoosts(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	author := ts.browser()
	author.signup("alice")
	alice, err := ts.Store.UserByUsername(ts.Ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	th, first := ts.Thread(alice, "general", "Boost me", "Worth sharing.")
	path := fmt.Sprintf("/t/%d", th.ID)
	anon := ts.browser()
	if r := anon.get(path); strings.Contains(r.Body, "boost-total") {
		t.Fatalf("boosts shown before any: %s", r.Body)
	}

	mia, rin := ts.RemoteUser("mia", "social.example"), ts.RemoteUser("rin", "social.example")
	for name, u := range map[string]*models.User{"mia": mia, "rin": rin} {
		if _, err := ts.Svc.BoostFromRemote(ts.Ctx, u, first.ID, "https://social.example/users/"+name+"/statuses/1/activity"); err != nil {
			t.Fatal(err)
		}
	}
	for who, b := range map[string]*browser{"visitor": anon, "author": author} {
		if r := b.get(path); !strings.Contains(r.Body, "2 boosts") {
			t.Errorf("%s does not see 2 boosts: %s", who, r.Body)
		}
	}
	if r := author.get("/notifications"); !strings.Contains(r.Body, "boosted your post in") || !strings.Contains(r.Body, "Boost me") {
		t.Errorf("notifications: %s", r.Body)
	}

	if _, err := ts.Svc.UnboostFromRemote(ts.Ctx, rin, "https://social.example/users/rin/statuses/1/activity", 0); err != nil {
		t.Fatal(err)
	}
	for who, b := range map[string]*browser{"visitor": anon, "author": author} {
		if r := b.get(path); !strings.Contains(r.Body, "1 boost</span>") {
			t.Errorf("%s does not see 1 boost after the Undo: %s", who, r.Body)
		}
	}

	if code, out := ts.api(t, http.MethodGet, fmt.Sprintf("/api/v1/threads/%d", th.ID), "", ""); code != http.StatusOK ||
		out["posts"].([]any)[0].(map[string]any)["boost_count"] != float64(1) {
		t.Errorf("API thread: %d %v", code, out["posts"])
	}
	staff := ts.token(t, "boss", models.RoleAdmin)
	code, stats := ts.api(t, http.MethodGet, "/api/v1/community/stats", staff, "")
	if code != http.StatusOK || stats["remote_boosts"] != float64(1) || stats["remote_replies"] != float64(0) {
		t.Errorf("stats: %d remote_boosts %v remote_replies %v", code, stats["remote_boosts"], stats["remote_replies"])
	}
	cats, _ := stats["categories"].([]any)
	var general map[string]any
	for _, c := range cats {
		if m := c.(map[string]any); m["category"] == "general" {
			general = m
		}
	}
	if general == nil || general["remote_boosts"] != float64(1) {
		t.Errorf("stats per category: %v", cats)
	}
	boss := ts.browser()
	boss.login("boss")
	page := boss.get("/community")
	if !strings.Contains(page.Body, `<th scope="col">Boosts</th>`) || !strings.Contains(page.Body, "<td>0</td><td>1</td></tr>") {
		t.Errorf("community category table lacks the boosts: %s", page.Body)
	}
	res := boss.get("/community/stats.csv")
	rows, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("csv: %v %v", rows, err)
	}
	head, today := rows[0], rows[len(rows)-1]
	if head[len(head)-1] != "remote_boosts" || today[len(today)-1] != "1" {
		t.Errorf("csv: header %v, today %v", head, today)
	}
}
