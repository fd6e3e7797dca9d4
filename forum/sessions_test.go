package forum_test

import (
	"errors"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

func TestSessionsListAndSignOut(t *testing.T) {
	env := forumtest.New(t)
	now := time.Now().UTC().Truncate(time.Second)
	env.Svc.SetClock(func() time.Time { return now })
	alice := env.User("alice", models.RoleMember)
	bob := env.User("bob", models.RoleMember)
	const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
	laptop, err := env.Svc.StartSession(env.Ctx, alice.ID, "192.0.2.1", firefox)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Minute)
	phone, _ := env.Svc.StartSession(env.Ctx, alice.ID, "192.0.2.2", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")
	now = now.Add(time.Minute)
	tablet, _ := env.Svc.StartSession(env.Ctx, alice.ID, "192.0.2.3", "")
	bobs, _ := env.Svc.StartSession(env.Ctx, bob.ID, "198.51.100.1", firefox)

	l, err := env.Svc.Sessions(env.Ctx, alice, laptop)
	if err != nil || len(l) != 3 {
		t.Fatalf("alice's sessions: %+v %v", l, err)
	}
	// Newest first; "this device" marked; browser named; ids are not
	// the cookie.
	want := []struct {
		browser, addr string
		current       bool
	}{{"Unknown browser", "192.0.2.3", false}, {"Safari on iPhone", "192.0.2.2", false}, {"Firefox on Linux", "192.0.2.1", true}}
	for i, w := range want {
		if l[i].Browser != w.browser || l[i].Addr != w.addr || l[i].Current != w.current {
			t.Errorf("session %d: got %+v, want %+v", i, l[i], w)
		}
		if l[i].PublicID == "" || l[i].PublicID == laptop || l[i].PublicID == phone || l[i].PublicID == tablet {
			t.Errorf("session %d: public id %q is empty or the cookie", i, l[i].PublicID)
		}
	}
	bobList, _ := env.Svc.Sessions(env.Ctx, bob, bobs)
	// Alice cannot sign out Bob's session: it is not hers to see or end.
	if err := env.Svc.EndOwnSession(env.Ctx, alice, bobList[0].PublicID); !errors.Is(err, forum.ErrNotFound) {
		t.Fatalf("alice ended bob's session: %v", err)
	}
	if _, err := env.Svc.SessionUser(env.Ctx, bobs); err != nil {
		t.Fatalf("bob's session died: %v", err)
	}
	if err := env.Svc.EndOwnSession(env.Ctx, alice, l[1].PublicID); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Svc.SessionUser(env.Ctx, phone); !errors.Is(err, forum.ErrUnauthorized) {
		t.Fatalf("signed-out session still works: %v", err)
	}
	n, err := env.Svc.EndOtherSessions(env.Ctx, alice, laptop)
	if err != nil || n != 1 {
		t.Fatalf("sign out everywhere else: %d %v", n, err)
	}
	if _, err := env.Svc.SessionUser(env.Ctx, laptop); err != nil {
		t.Fatalf("this device was signed out too: %v", err)
	}
	if _, err := env.Svc.SessionUser(env.Ctx, bobs); err != nil {
		t.Fatalf("bob's session died: %v", err)
	}
}

func TestBrowserName(t *testing.T) {
	for _, tc := range []struct{ ua, want string }{
		{"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox on Linux"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "Chrome on Windows"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0", "Edge on Windows"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari on macOS"},
		{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36", "Chrome on Android"},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0", "Opera on Linux"},
		{"curl/8.5.0", "curl"},
		{"Mozilla/5.0 (X11; Linux x86_64)", "A browser on Linux"},
		{"", "Unknown browser"},
	} {
		if got := forum.BrowserName(tc.ua); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.ua, got, tc.want)
		}
	}
}

func FuzzBrowserName(f *testing.F) {
	f.Add("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
	f.Add("")
	f.Fuzz(func(t *testing.T, ua string) {
		if got := forum.BrowserName(ua); got == "" || len(got) > 40 {
			t.Fatalf("%q gave %q", ua, got)
		}
	})
}
