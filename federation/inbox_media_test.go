package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// The Content-Type headers real servers put on deliveries (read from their
// sources): Mastodon's delivery worker, Lemmy's activitypub-federation crate
// and Misskey's ApRequestCreator send application/activity+json;
// GoToSocial's transport sends the JSON-LD form with the profile.
const (
	ctMastodon   = "application/activity+json"
	ctLemmy      = "application/activity+json"
	ctMisskey    = "application/activity+json"
	ctGoToSocial = `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`
)

var inboxMediaTypes = []struct {
	ct string
	ok bool
}{
	{ctMastodon, true},
	{ctLemmy, true},
	{ctMisskey, true},
	{ctGoToSocial, true},
	{"application/activity+json; charset=utf-8", true},
	{"application/activity+json;charset=UTF-8", true},
	{"Application/Activity+JSON", true},
	{"application/ld+json", true},
	{`application/ld+json;profile="https://www.w3.org/ns/activitystreams";charset=utf-8`, true},
	{`APPLICATION/LD+JSON; PROFILE="https://www.w3.org/ns/activitystreams"`, true},
	{`application/ld+json; profile="https://www.w3.org/ns/activitystreams https://example.org/ext"`, true},
	{"", false},
	{"application/json", false},
	{"text/plain", false},
	{"text/html; charset=utf-8", false},
	{"application/x-www-form-urlencoded", false},
	{"multipart/form-data; boundary=x", false},
	{"application/jrd+json", false},
	{"application/activity+json; charset=latin1", false},
	{`application/ld+json; profile="https://example.org/not-activitystreams"`, false},
	{"application/activity+json; charset", false}, // malformed parameter
	{"application/activity+jsonx", false},
	{"*/*", false},
}

func TestIsActivityMediaType(t *testing.T) {
	for _, tc := range inboxMediaTypes {
		if got := isActivityMediaType(tc.ct); got != tc.ok {
			t.Errorf("isActivityMediaType(%q) = %v, want %v", tc.ct, got, tc.ok)
		}
	}
}

// TestInboxMediaType: every inbox route takes a signed activity under each
// type real servers send and answers 415, storing nothing, for anything
// else. The 415 comes before the signature check and the actor lookup: an
// unsigned or mis-signed body, or one to an inbox that does not exist, gets
// 415 rather than 401 or 404 when its type is wrong.
func TestInboxMediaType(t *testing.T) {
	n := newNetwork()
	a := newPeer(t, n, "a.test")
	a.env.Category("general")
	a.env.User("alice", models.RoleMember)
	eve := &fakeRemote{signer: eveSigner(t)}
	n.add(t, "remote.test", eve)
	ctx := context.Background()
	seq := 0
	post := func(path, ct string, signed bool) (int, string) {
		t.Helper()
		seq++
		id := fmt.Sprintf("http://remote.test/activities/media-%d", seq)
		body, _ := json.Marshal(followActivity(id, "http://remote.test/users/eve", "http://a.test/c/general"))
		signer := eve.signer
		if !signed {
			signer = nil
		}
		code := signedPostWith(t, a.fed.client, signer, "http://a.test"+path, body,
			func(r *http.Request) { r.Header.Set("Content-Type", ct) }, nil)
		return code, id
	}
	for _, path := range []string{"/inbox", "/u/alice/inbox", "/c/general/inbox", "/actor/inbox"} {
		for _, tc := range inboxMediaTypes {
			want := http.StatusUnsupportedMediaType
			if tc.ok {
				want = http.StatusAccepted
			}
			code, id := post(path, tc.ct, true)
			if code != want {
				t.Errorf("POST %s as %q: %d, want %d", path, tc.ct, code, want)
			}
			_, err := a.env.Store.InboxByActivityID(ctx, id)
			if stored := err == nil; stored != tc.ok {
				t.Errorf("POST %s as %q: stored = %v", path, tc.ct, stored)
			}
		}
	}
	for _, tc := range []struct {
		name, path string
		signed     bool
	}{
		{"unsigned", "/inbox", false},
		{"no such member", "/u/nobody/inbox", true},
		{"no such category", "/c/nowhere/inbox", true},
	} {
		if code, _ := post(tc.path, "application/json", tc.signed); code != http.StatusUnsupportedMediaType {
			t.Errorf("%s with application/json: %d, want 415 first", tc.name, code)
		}
	}
	// The answer says what to send.
	req := httptest.NewRequest(http.MethodPost, "/inbox", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "text/plain")
	rec := httptest.NewRecorder()
	a.e.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnsupportedMediaType || rec.Header().Get("Accept-Post") != inboxAcceptPost {
		t.Errorf("415 answer: %d, Accept-Post %q", rec.Code, rec.Header().Get("Accept-Post"))
	}
}

// TestDeliveryTo415IsPermanent: an inbox that refuses the media type will
// refuse every retry too, so the job is dead after one attempt; Hearth's
// own deliveries carry application/activity+json.
func TestDeliveryTo415IsPermanent(t *testing.T) {
	n := newNetwork()
	a := newPeer(t, n, "a.test")
	var sent []string
	n.add(t, "peer.test", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sent = append(sent, r.Header.Get("Content-Type"))
		w.WriteHeader(http.StatusUnsupportedMediaType)
	}))
	ctx := context.Background()
	act := map[string]any{"id": "http://a.test/actor#x", "type": "Update", "actor": "http://a.test/actor"}
	must(t, a.fed.enqueue(ctx, a.fed.instanceRef(), act, []string{"http://peer.test/inbox"}))
	if _, err := a.fed.deliverDue(ctx); err != nil {
		t.Fatal(err)
	}
	jobs, err := a.env.Store.DeliveriesTo(ctx, "http://peer.test/inbox")
	must(t, err)
	if len(jobs) != 1 || jobs[0].State != models.QueueFailed || jobs[0].Attempts != 1 {
		t.Fatalf("after a 415: %+v", jobs)
	}
	if len(sent) != 1 || !isActivityMediaType(sent[0]) {
		t.Errorf("Hearth delivered with Content-Type %q", sent)
	}
}
