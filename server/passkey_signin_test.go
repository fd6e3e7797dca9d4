package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

func TestPasskeySignInWithoutPassword(t *testing.T) {
	ts := newTestServer(t)
	ts.User("alice", models.RoleMember)
	ts.User("bob", models.RoleMember)
	alice, _ := ts.Store.UserByUsername(ts.Ctx, "alice")
	bob, _ := ts.Store.UserByUsername(ts.Ctx, "bob")
	aliceID, bobID := strconv.FormatInt(alice.ID, 10), strconv.FormatInt(bob.ID, 10)
	key, stranger := newSoftKey(t), newSoftKey(t)
	{
		b := ts.browser()
		b.logIn("alice")
		if r := b.addPasskey(key, "phone"); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("add passkey: %d\n%s", r.StatusCode, r.Body)
		}
	}
	if p := ts.browser().get("/login"); !strings.Contains(p.Body, "Log in with a passkey") || !strings.Contains(p.Body, "your password works without it") {
		t.Fatalf("login page offers no passkey:\n%s", p.Body)
	}

	refusals := []struct {
		name   string
		answer func(ch string) string
	}{
		{"no user verification", func(ch string) string { return key.assertWith(ch, 0x01, aliceID) }},
		{"claims another member", func(ch string) string { return key.assertWith(ch, 0x05, bobID) }},
		{"unknown credential", func(ch string) string { return stranger.assertWith(ch, 0x05, aliceID) }},
		{"wrong origin", func(ch string) string {
			k := *key
			k.origin = "http://evil.test"
			defer func() { key.count = k.count }()
			return k.assertWith(ch, 0x05, aliceID)
		}},
	}
	for _, c := range refusals {
		t.Run(c.name, func(t *testing.T) {
			b := ts.browser()
			bg, r := b.begin("/login/passkey/begin")
			if r.StatusCode != http.StatusOK || len(bg.Options.PublicKey.AllowCredentials) != 0 {
				t.Fatalf("begin: %d %+v", r.StatusCode, bg.Options.PublicKey.AllowCredentials)
			}
			r = b.post("/login/passkey", url.Values{"token": {bg.Token}, "credential": {c.answer(bg.Options.PublicKey.Challenge)}})
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "that passkey was not accepted") || b.hasCookie("hearth_session") {
				t.Fatalf("%d session=%v\n%s", r.StatusCode, b.hasCookie("hearth_session"), r.Body)
			}
		})
	}

	b := ts.browser()
	bg, _ := b.begin("/login/passkey/begin")
	answer := key.assertWith(bg.Options.PublicKey.Challenge, 0x05, aliceID)
	r := b.post("/login/passkey", url.Values{"token": {bg.Token}, "credential": {answer}, "next": {"/settings"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/settings" || !b.hasCookie("hearth_session") {
		t.Fatalf("passkey login: %d %q\n%s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	if s := b.get("/settings"); !strings.Contains(s.Body, "phone") {
		t.Fatal("not logged in as alice")
	}
	// The same answer again (replayed challenge) gets nobody in.
	again := ts.browser()
	if r := again.post("/login/passkey", url.Values{"token": {bg.Token}, "credential": {answer}}); r.StatusCode != http.StatusUnprocessableEntity || again.hasCookie("hearth_session") {
		t.Fatalf("replay: %d", r.StatusCode)
	}
	if r := again.post("/login/passkey", url.Values{}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "needs JavaScript") {
		t.Fatalf("without JavaScript: %d", r.StatusCode)
	}

	// Failures count against this address's login limits.
	var last *response
	for i := 0; i < 40 && (last == nil || last.StatusCode != http.StatusTooManyRequests); i++ {
		bg, _ := again.begin("/login/passkey/begin")
		last = again.post("/login/passkey", url.Values{"token": {bg.Token}, "credential": {stranger.assertWith(bg.Options.PublicKey.Challenge, 0x05, aliceID)}})
	}
	if last.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("40 failed passkey logins were never limited: %d", last.StatusCode)
	}
}

func TestPasskeySignInRefusesSuspended(t *testing.T) {
	ts := newTestServer(t)
	ts.User("alice", models.RoleMember)
	admin := ts.User("carol", models.RoleAdmin)
	alice, _ := ts.Store.UserByUsername(ts.Ctx, "alice")
	key := newSoftKey(t)
	b := ts.browser()
	b.logIn("alice")
	b.addPasskey(key, "phone")
	b.post("/logout", nil)
	if _, err := ts.Svc.Suspend(ts.Ctx, admin, "alice", "", "spam"); err != nil {
		t.Fatal(err)
	}
	bg, _ := b.begin("/login/passkey/begin")
	r := b.post("/login/passkey", url.Values{"token": {bg.Token}, "credential": {key.assertWith(bg.Options.PublicKey.Challenge, 0x05, strconv.FormatInt(alice.ID, 10))}})
	if r.StatusCode == http.StatusSeeOther || b.hasCookie("hearth_session") || !strings.Contains(r.Body, "Appeal this suspension") {
		t.Fatalf("a suspended member logged in with a passkey: %d", r.StatusCode)
	}
}
