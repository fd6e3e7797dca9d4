package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/models"
)

func TestPollAPI(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	alice := ts.token(t, "alice", models.RoleMember)
	bob := ts.token(t, "bob", models.RoleMember)
	closes := ts.Svc.Now().Add(time.Hour).Format(time.RFC3339)

	code, out := ts.api(t, "POST", "/api/v1/threads", alice, `{"category":"general","title":"Lunch?","body":"Where to eat?",
		"poll":{"options":["Pizza","Sushi","Salad"],"multiple":false,"closes_at":"`+closes+`"}}`)
	if code != http.StatusCreated || out["poll_id"] == nil {
		t.Fatalf("create: %d %v", code, out)
	}
	pollPath := fmt.Sprintf("/api/v1/polls/%.0f", out["poll_id"])

	code, poll := ts.api(t, "GET", pollPath, bob, "")
	opts, _ := poll["options"].([]any)
	if code != http.StatusOK || len(opts) != 3 || poll["voters_count"] != nil || poll["can_vote"] != true {
		t.Fatalf("before voting: %d %v", code, poll)
	}
	if o, _ := opts[0].(map[string]any); o["title"] != "Pizza" || o["votes_count"] != nil {
		t.Fatalf("option before voting: %v", o)
	}

	code, poll = ts.api(t, "POST", pollPath+"/votes", bob, `{"options":[1]}`)
	if code != http.StatusCreated || poll["voters_count"] != float64(1) || poll["voted"] != true {
		t.Fatalf("vote: %d %v", code, poll)
	}
	if own, _ := poll["own_votes"].([]any); len(own) != 1 || own[0] != float64(1) {
		t.Errorf("own_votes %v", poll["own_votes"])
	}
	opts, _ = poll["options"].([]any)
	if o, _ := opts[1].(map[string]any); o["votes_count"] != float64(1) || o["percent"] != float64(100) {
		t.Errorf("tally %v", o)
	}

	bad := map[string]struct {
		token, body string
		status      int
	}{
		"twice":             {bob, `{"options":[0]}`, http.StatusConflict},
		"out of range":      {alice, `{"options":[3]}`, http.StatusUnprocessableEntity},
		"several in single": {alice, `{"options":[0,1]}`, http.StatusUnprocessableEntity},
		"no options":        {alice, `{"options":[]}`, http.StatusUnprocessableEntity},
		"names, not index":  {alice, `{"options":["Pizza"]}`, http.StatusBadRequest},
		"malformed":         {alice, `{"options":`, http.StatusBadRequest},
		"anonymous":         {"", `{"options":[0]}`, http.StatusUnauthorized},
	}
	for name, tc := range bad {
		code, out := ts.api(t, "POST", pollPath+"/votes", tc.token, tc.body)
		if code != tc.status {
			t.Errorf("%s: %d %v, want %d", name, code, out, tc.status)
		}
		if e, _ := out["error"].(map[string]any); e["code"] == nil || e["message"] == "" {
			t.Errorf("%s: error shape %v", name, out)
		}
	}
	if _, poll := ts.api(t, "GET", pollPath, bob, ""); poll["voters_count"] != float64(1) {
		t.Errorf("refused votes changed the poll: %v", poll)
	}
	code, th := ts.api(t, "GET", fmt.Sprintf("/api/v1/threads/%.0f", out["id"]), bob, "")
	if polls, _ := th["polls"].([]any); code != http.StatusOK || len(polls) != 1 || polls[0].(map[string]any)["voted"] != true {
		t.Errorf("thread JSON polls: %d %v", code, th["polls"])
	}
	if code, _ := ts.api(t, "GET", "/api/v1/polls/99999", bob, ""); code != http.StatusNotFound {
		t.Errorf("unknown poll: %d", code)
	}

	// Malformed polls on create: 422 with the field, and no thread.
	for name, body := range map[string]string{
		"one option": `{"options":["only"]}`,
		"past close": `{"options":["a","b"],"closes_at":"2001-01-01T00:00:00Z"}`,
		"duplicates": `{"options":["a","A"]}`,
		"no options": `{}`,
	} {
		code, out := ts.api(t, "POST", "/api/v1/threads", alice, `{"category":"general","title":"Bad poll","body":"x","poll":`+body+`}`)
		if e, _ := out["error"].(map[string]any); code != http.StatusUnprocessableEntity || e["fields"] == nil {
			t.Errorf("%s: %d %v", name, code, out)
		}
	}
	if code, out := ts.api(t, "GET", "/api/v1/categories/general/threads", alice, ""); code != http.StatusOK || len(out["threads"].([]any)) != 1 {
		t.Errorf("refused polls left threads: %v", out)
	}
}

func TestPollOnThreadPage(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	asker := ts.browser()
	asker.signup("asker")

	// A malformed poll keeps what was typed.
	r := asker.post("/new", url.Values{"category": {"general"}, "title": {"Team colour"}, "body": {"Vote please"},
		"poll_options": {"Red only"}, "poll_closes_at": {"tomorrow-ish"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Red only") ||
		!strings.Contains(r.Body, "tomorrow-ish") || !strings.Contains(r.Body, "nt-poll-closes-error") {
		t.Fatalf("bad poll form: %d", r.StatusCode)
	}
	r = asker.post("/new", url.Values{"category": {"general"}, "title": {"Team colour"}, "body": {"Vote please"},
		"poll_options": {"Red only"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "nt-poll-options-error") || !strings.Contains(r.Body, "Red only") {
		t.Fatalf("one-option poll form: %d", r.StatusCode)
	}

	r = asker.post("/new", url.Values{"category": {"general"}, "title": {"Team colour"}, "body": {"Vote please"},
		"poll_options": {"Red\r\nGreen\r\n\r\nBlue\r\n"}, "poll_closes_at": {ts.Svc.Now().Add(48 * time.Hour).Format("2006-01-02T15:04")}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("new thread with poll: %d %s", r.StatusCode, r.Body)
	}
	threadPath := r.Header.Get("Location")
	th, _ := ts.Store.ThreadByID(ts.Ctx, mustInt(strings.Split(threadPath, "/")[2]))
	poll, err := ts.Store.PollByPostID(ts.Ctx, th.FirstPostID)
	if err != nil {
		t.Fatal(err)
	}
	action := fmt.Sprintf(`action="/polls/%d/vote"`, poll.ID)

	anon := ts.browser()
	if r := anon.get(threadPath); !strings.Contains(r.Body, "Log in to vote") || strings.Contains(r.Body, action) || strings.Contains(r.Body, "poll-bar") {
		t.Fatal("a visitor sees a vote form or results")
	}
	voter := ts.browser()
	voter.signup("voter")
	page := voter.get(threadPath)
	if !strings.Contains(page.Body, action) || !strings.Contains(page.Body, `type="radio" name="option" value="2"`) || strings.Contains(page.Body, "poll-bar") {
		t.Fatalf("voter's page has no vote form:\n%s", page.Body)
	}
	// Without the CSRF token: refused, nothing counted.
	if r := voter.postRaw(fmt.Sprintf("/polls/%d/vote", poll.ID), url.Values{"option": {"2"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("vote without CSRF: %d", r.StatusCode)
	}
	// Nothing ticked: back to the poll with a message, nothing counted.
	anchor := fmt.Sprintf("#poll-%d", poll.ID)
	if r := voter.post(fmt.Sprintf("/polls/%d/vote", poll.ID), nil); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != threadPath+anchor {
		t.Fatalf("empty vote: %d %q %s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	if page := voter.get(threadPath); !strings.Contains(page.Body, "tick an option first") || !strings.Contains(page.Body, action) {
		t.Fatalf("empty vote message:\n%s", page.Body)
	}
	if r := voter.post(fmt.Sprintf("/polls/%d/vote", poll.ID), url.Values{"option": {"2"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("vote: %d %s", r.StatusCode, r.Body)
	}
	page = voter.get(threadPath)
	if strings.Contains(page.Body, action) || !strings.Contains(page.Body, "100% · 1 vote") || !strings.Contains(page.Body, "your vote") {
		t.Fatalf("after voting the page shows no results:\n%s", page.Body)
	}
	if r := voter.post(fmt.Sprintf("/polls/%d/vote", poll.ID), url.Values{"option": {"0"}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != threadPath+anchor {
		t.Fatalf("second vote: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if page := voter.get(threadPath); !strings.Contains(page.Body, "already voted in this poll; your first vote stands") {
		t.Fatalf("second vote message:\n%s", page.Body)
	}
	// The asker has not voted: the form, no results (their page's poll is
	// not a cached fragment shared with the voter).
	if r := asker.get(threadPath); !strings.Contains(r.Body, action) || strings.Contains(r.Body, "poll-bar") {
		t.Fatal("the asker sees the voter's view of the poll")
	}
	if r := asker.post(fmt.Sprintf("/polls/%d/vote", poll.ID), url.Values{"option": {"7"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("out of range: %d", r.StatusCode)
	}
	if page := asker.get(threadPath); !strings.Contains(page.Body, "option 7 does not exist") {
		t.Fatalf("out of range message:\n%s", page.Body)
	}
	if p, _ := ts.Store.PollByID(ts.Ctx, poll.ID); p.VotersCount != 1 {
		t.Errorf("voters %d", p.VotersCount)
	}
}

// TestNewThreadFormShowsEveryError: an unreadable closing time does not
// hide the other mistakes; the member sees them all at once, with what
// they typed, and nothing is created.
func TestNewThreadFormShowsEveryError(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	asker := ts.browser()
	asker.signup("asker")
	r := asker.post("/new", url.Values{"category": {"general"}, "title": {"x"}, "body": {""},
		"poll_options": {"Only one"}, "poll_closes_at": {"next friday"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", r.StatusCode)
	}
	for _, want := range []string{"nt-title-error", "nt-body-error", "nt-poll-options-error", "nt-poll-closes-error", `value="next friday"`, "Only one"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	if n, _ := ts.Store.CountVisiblePosts(ts.Ctx); n != 0 {
		t.Errorf("%d posts created", n)
	}
}
