package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// sessionIDs returns the member's sessions' public ids, newest first.
func sessionIDs(t *testing.T, ts *testServer, name string) []string {
	t.Helper()
	l, err := ts.Svc.Sessions(ts.Ctx, mustUser(t, ts, name), "")
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(l))
	for i, s := range l {
		ids[i] = s.PublicID
	}
	return ids
}

func TestSessionsOnSettings(t *testing.T) {
	ts := newTestServer(t)
	ts.User("alice", models.RoleMember)
	ts.User("bob", models.RoleMember)
	laptop, phone, other := ts.browser(), ts.browser(), ts.browser()
	laptop.logIn("alice")
	phone.logIn("alice")
	other.logIn("bob")
	page := laptop.get("/settings")
	if !strings.Contains(page.Body, "Where you are signed in") || strings.Count(page.Body, "this device") != 1 ||
		strings.Count(page.Body, `/sign-out"`) != 1 || !strings.Contains(page.Body, "Sign out everywhere else") {
		t.Fatalf("sessions section:\n%s", page.Body)
	}
	ids := sessionIDs(t, ts, "alice") // phone's first: it logged in last
	bobs := sessionIDs(t, ts, "bob")

	// Bob cannot sign out Alice's phone; nor can anyone without CSRF.
	if r := other.post("/settings/sessions/"+ids[0]+"/sign-out", nil); r.StatusCode != http.StatusNotFound {
		t.Fatalf("bob signed out alice's session: %d", r.StatusCode)
	}
	if r := laptop.postRaw("/settings/sessions/"+ids[0]+"/sign-out", url.Values{}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-out without CSRF: %d", r.StatusCode)
	}
	if r := phone.get("/settings"); r.StatusCode != http.StatusOK {
		t.Fatalf("phone signed out by a refused request: %d", r.StatusCode)
	}
	if r := laptop.post("/settings/sessions/"+ids[0]+"/sign-out", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out the phone: %d", r.StatusCode)
	}
	if r := phone.get("/settings"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("phone still signed in: %d", r.StatusCode)
	}
	phone.logIn("alice")
	if r := laptop.post("/settings/sessions/sign-out-others", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out everywhere else: %d", r.StatusCode)
	}
	if r := phone.get("/settings"); r.StatusCode != http.StatusSeeOther {
		t.Fatal("phone survived sign out everywhere else")
	}
	if r := laptop.get("/settings"); r.StatusCode != http.StatusOK {
		t.Fatal("this device was signed out")
	}
	if got := sessionIDs(t, ts, "bob"); len(got) != 1 || got[0] != bobs[0] {
		t.Fatalf("bob's sessions changed: %v", got)
	}
}

func TestSessionsAPI(t *testing.T) {
	ts := newTestServer(t)
	aliceToken := ts.token(t, "alice", models.RoleMember)
	bobToken := ts.token(t, "bob", models.RoleMember)
	b := ts.browser()
	b.logIn("alice")
	ids := sessionIDs(t, ts, "alice")

	if code, _ := ts.api(t, http.MethodGet, "/api/v1/me/sessions", "", ""); code != http.StatusUnauthorized {
		t.Fatalf("visitor list: %d", code)
	}
	if code, _ := ts.api(t, http.MethodDelete, "/api/v1/me/sessions/"+ids[0], "", ""); code != http.StatusUnauthorized {
		t.Fatalf("visitor delete: %d", code)
	}
	code, body := ts.api(t, http.MethodGet, "/api/v1/me/sessions", aliceToken, "")
	l, _ := body["sessions"].([]any)
	if code != http.StatusOK || len(l) != 1 {
		t.Fatalf("alice's list: %d %v", code, body)
	}
	s := l[0].(map[string]any)
	if s["id"] != ids[0] || s["browser"] == "" || s["current"] != false {
		t.Fatalf("session JSON: %v", s)
	}
	// Another member's session is not there to delete.
	if code, _ := ts.api(t, http.MethodDelete, "/api/v1/me/sessions/"+ids[0], bobToken, ""); code != http.StatusNotFound {
		t.Fatalf("bob deleted alice's session: %d", code)
	}
	if r := b.get("/settings"); r.StatusCode != http.StatusOK {
		t.Fatal("alice's session died")
	}
	// Through the session itself (cookie + CSRF header), "current" is marked.
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/api/v1/me/sessions", nil)
	req.Header.Set("Accept", "application/json")
	if r := b.do(req); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `"current":true`) {
		t.Fatalf("list through the session: %d %s", r.StatusCode, r.Body)
	}
	if code, _ := ts.api(t, http.MethodDelete, "/api/v1/me/sessions/"+ids[0], aliceToken, ""); code != http.StatusNoContent {
		t.Fatalf("alice deletes her session: %d", code)
	}
	if r := b.get("/settings"); r.StatusCode != http.StatusSeeOther {
		t.Fatal("deleted session still works")
	}
}
