package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// remotePoll stores a followed fediverse account's Question that is no
// reply here, as federation's inbox does, and has follower follow them.
func remotePoll(t *testing.T, ts *testServer, follower *models.User, status string) *models.Poll {
	t.Helper()
	a, err := ts.Store.RemoteActorByAPID(ts.Ctx, "https://social.example/users/carol")
	if err != nil {
		a, err = ts.Store.UpsertRemoteActor(ts.Ctx, &models.RemoteActor{APID: "https://social.example/users/carol",
			Inbox: "https://social.example/users/carol/inbox", PreferredUsername: "carol", Name: "Carol Remote", Domain: "social.example"})
		if err != nil {
			t.Fatal(err)
		}
	}
	if follower != nil {
		if _, err := ts.Store.FollowingOf(ts.Ctx, follower.ID, a.ID); err != nil {
			if err := ts.Store.CreateFollowing(ts.Ctx, &models.Following{UserID: follower.ID, RemoteActorID: a.ID,
				FollowActivityID: "https://hearth.test/follows/" + status, Accepted: true}); err != nil {
				t.Fatal(err)
			}
		}
	}
	p, err := ts.Svc.StoreRemotePoll(ts.Ctx, a, forum.RemoteQuestion{APID: "https://social.example/users/carol/statuses/" + status,
		Options: []string{"Tea", "Coffee"}, Votes: []int{3, 1}, Voters: 4}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRemotePollPage(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	member := ts.browser()
	member.signup("bob")
	bob, err := ts.Store.UserByUsername(ts.Ctx, "bob")
	if err != nil {
		t.Fatal(err)
	}
	p := remotePoll(t, ts, bob, "1")
	path := fmt.Sprintf("/polls/%d", p.ID)

	anon := ts.browser().get(path)
	if anon.StatusCode != http.StatusOK || !strings.Contains(anon.Body, "Log in to vote") ||
		!strings.Contains(anon.Body, "Carol Remote") || !strings.Contains(anon.Body, "@carol@social.example") ||
		!strings.Contains(anon.Body, `href="https://social.example/users/carol/statuses/1"`) || !strings.Contains(anon.Body, "Tea") {
		t.Fatalf("anonymous page: %d %s", anon.StatusCode, anon.Body)
	}
	if strings.Contains(anon.Body, "votes</span>") || strings.Contains(anon.Body, "poll-results") || strings.Contains(anon.Body, `action="`+path+`/vote"`) {
		t.Errorf("anonymous sees results or the form: %s", anon.Body)
	}

	page := member.get(path)
	if !strings.Contains(page.Body, `action="`+path+`/vote"`) || !strings.Contains(page.Body, `name="_csrf"`) {
		t.Fatalf("member sees no vote form: %s", page.Body)
	}
	if r := member.postRaw(path+"/vote", url.Values{"option": {"1"}}); r.StatusCode == http.StatusSeeOther {
		t.Fatalf("vote without CSRF accepted")
	}
	r := member.post(path+"/vote", url.Values{"option": {"1"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != path {
		t.Fatalf("vote: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	after := member.get(path)
	if !strings.Contains(after.Body, "Thanks, your vote is counted.") || !strings.Contains(after.Body, "poll-results") ||
		!strings.Contains(after.Body, "your vote") {
		t.Errorf("after voting: %s", after.Body)
	}
	r = member.post(path+"/vote", url.Values{"option": {"0"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != path+fmt.Sprintf("#poll-%d", p.ID) {
		t.Fatalf("second vote: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if again := member.get(path); !strings.Contains(again.Body, "already voted") {
		t.Errorf("no flash for a refused vote: %s", again.Body)
	}

	if r := member.get("/polls/99999"); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown poll: %d", r.StatusCode)
	}

	alice := ts.token(t, "alice", models.RoleMember)
	code, out := ts.api(t, "POST", "/api/v1/threads", alice, `{"category":"general","title":"Lunch?","body":"Where?",
		"poll":{"options":["Pizza","Sushi"]}}`)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, out)
	}
	r = ts.browser().get(fmt.Sprintf("/polls/%.0f", out["poll_id"]))
	if r.StatusCode != http.StatusMovedPermanently || !strings.HasPrefix(r.Header.Get("Location"), fmt.Sprintf("/t/%.0f", out["id"])) {
		t.Errorf("local poll: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
}

func TestFollowedPollsList(t *testing.T) {
	ts := newTestServer(t)
	member := ts.browser()
	member.signup("bob")
	bob, _ := ts.Store.UserByUsername(ts.Ctx, "bob")
	other := ts.browser()
	other.signup("dan")

	if r := ts.browser().get("/polls"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("anonymous list: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := other.get("/polls"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "No open polls") {
		t.Errorf("empty list: %d %s", r.StatusCode, r.Body)
	}
	var ids []int64
	for i := range forum.FollowedPollsPage + 2 {
		ids = append(ids, remotePoll(t, ts, bob, fmt.Sprint(100+i)).ID)
	}
	// A closed one is not listed.
	closed := remotePoll(t, ts, bob, "closed")
	past := ts.Svc.Now().Add(-time.Hour)
	if err := ts.Store.SetPollTallies(ts.Ctx, closed.ID, []int{0, 0}, 0, nil, &past, ts.Svc.Now()); err != nil {
		t.Fatal(err)
	}

	first := member.get("/polls")
	newest := fmt.Sprintf(`href="/polls/%d"`, ids[len(ids)-1])
	oldest := fmt.Sprintf(`href="/polls/%d"`, ids[0])
	if first.StatusCode != http.StatusOK || !strings.Contains(first.Body, newest) || strings.Contains(first.Body, oldest) ||
		strings.Contains(first.Body, fmt.Sprintf(`href="/polls/%d"`, closed.ID)) {
		t.Fatalf("first page: %d %s", first.StatusCode, first.Body)
	}
	next := fmt.Sprintf(`/polls?before=%d`, ids[2])
	if !strings.Contains(first.Body, next) {
		t.Fatalf("no next link %q", next)
	}
	second := member.get(next)
	if !strings.Contains(second.Body, oldest) || strings.Contains(second.Body, newest) || strings.Contains(second.Body, "Older polls") {
		t.Errorf("second page: %s", second.Body)
	}
	if r := other.get("/polls"); strings.Contains(r.Body, newest) {
		t.Errorf("a member who follows nobody sees polls")
	}
}
