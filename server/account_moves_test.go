package server_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
)

// fakeAccounts resolves handles to accounts with the given aliases, as
// federation would after WebFinger and a fetch.
type fakeAccounts map[string]forum.AliasedAccount

func (f fakeAccounts) ResolveAccount(_ context.Context, handle string) (forum.AliasedAccount, error) {
	if a, ok := f[handle]; ok {
		return a, nil
	}
	return forum.AliasedAccount{}, errors.New("no such account")
}

// TestMovePage: the moving page through the real forms. Every form needs
// the CSRF token and the password; a refusal re-renders the page (422)
// with what was typed; adding an alias shows it; moving to an account that
// lists the member marks them moved, on the page and on their profile.
func TestMovePage(t *testing.T) {
	ts := newTestServer(t)
	ts.browser().signup("admin1")
	alice := ts.browser()
	alice.signup("alice")
	self := ts.Svc.MemberActorID(mustUser(t, ts, "alice"))
	ts.Svc.SetAccountResolver(fakeAccounts{
		"@alice@old.example": {ID: "https://old.example/users/alice"},
		"@alice@new.example": {ID: "https://new.example/users/alice", Aliases: []string{self}},
		"@other@new.example": {ID: "https://new.example/users/other"},
	})
	if res := alice.get("/settings"); !strings.Contains(res.Body, `href="/settings/move"`) {
		t.Fatal("the settings page does not link to the moving page")
	}
	if res := alice.get("/settings/move"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, self) {
		t.Fatalf("moving page: %d, shows the actor id: %v", res.StatusCode, strings.Contains(res.Body, self))
	}
	for _, path := range []string{"/settings/move", "/settings/aliases", "/settings/aliases/remove"} {
		if res := alice.postRaw(path, url.Values{"target": {"@alice@new.example"}, "alias": {"@alice@old.example"}, "password": {signupPassword}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s without CSRF: %d", path, res.StatusCode)
		}
	}
	for _, tc := range []struct {
		path  string
		form  url.Values
		field string
	}{
		{"/settings/aliases", url.Values{"alias": {"@alice@old.example"}, "password": {"wrong"}}, "that is not your current password"},
		{"/settings/aliases", url.Values{"alias": {"@nobody@old.example"}, "password": {signupPassword}}, "could not be found"},
		{"/settings/move", url.Values{"target": {"@other@new.example"}, "password": {signupPassword}}, "does not list this one"},
		{"/settings/move", url.Values{"target": {"@alice@new.example"}, "password": {"wrong"}}, "that is not your current password"},
	} {
		res := alice.post(tc.path, tc.form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, tc.field) {
			t.Errorf("POST %s %v: %d, want 422 saying %q", tc.path, tc.form, res.StatusCode, tc.field)
		}
		for _, k := range []string{"alias", "target"} {
			if v := tc.form.Get(k); v != "" && !strings.Contains(res.Body, `value="`+v+`"`) {
				t.Errorf("POST %s lost the typed %s", tc.path, k)
			}
		}
	}
	if res := alice.post("/settings/aliases", url.Values{"alias": {"@alice@old.example"}, "password": {signupPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add alias: %d", res.StatusCode)
	}
	if res := alice.get("/settings/move"); !strings.Contains(res.Body, "https://old.example/users/alice") {
		t.Error("the alias is not listed")
	}
	if res := alice.post("/settings/aliases/remove", url.Values{"alias": {"https://old.example/users/alice"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove alias: %d", res.StatusCode)
	}
	if u := mustUser(t, ts, "alice"); u.AlsoKnownAs != "" {
		t.Errorf("aliases after removal: %q", u.AlsoKnownAs)
	}
	if res := alice.post("/settings/move", url.Values{"target": {"@alice@new.example"}, "password": {signupPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("move: %d", res.StatusCode)
	}
	if u := mustUser(t, ts, "alice"); u.MovedTo != "https://new.example/users/alice" {
		t.Fatalf("moved_to: %q", u.MovedTo)
	}
	if res := ts.browser().get("/u/alice"); !strings.Contains(res.Body, "has moved to") || !strings.Contains(res.Body, "https://new.example/users/alice") {
		t.Error("the profile does not say where alice moved")
	}
}
