package federation

import (
	"context"
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/go-fed/httpsig"

	"github.com/hearth/hearth/clock"
	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/models"
)

func secureMode(c *config.Config) { c.FederationSecureMode = true }

// getAs sends a GET to rawURL over client, signed with key under keyID
// (unsigned when key is nil), and returns the status.
func getAs(t *testing.T, client *http.Client, rawURL, accept, keyID string, key *rsa.PrivateKey) int {
	t.Helper()
	u, err := url.Parse(rawURL)
	must(t, err)
	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	must(t, err)
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", "test")
	req.Header.Set("Date", clock.Now().UTC().Format(http.TimeFormat))
	req.Header.Set("Host", u.Host)
	if key != nil {
		s, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256,
			[]string{httpsig.RequestTarget, "host", "date"}, httpsig.Signature, 0)
		must(t, err)
		must(t, s.SignRequest(key, keyID, req, nil))
	}
	resp, err := client.Do(req)
	must(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// TestSecureMode: with --federation-secure-mode every ActivityPub GET
// (actors, posts, threads, collections, on negotiated and plain routes)
// needs a valid signature by a server that is not suspended; the instance
// actor, WebFinger and NodeInfo stay open, but a suspended server's signed
// WebFinger lookup is refused; HTML pages are not affected. Without the
// mode, the same unsigned requests are served.
func TestSecureMode(t *testing.T) {
	n := newNetwork()
	h := newPeer(t, n, "hearth.test", secureMode)
	plain := newPeer(t, n, "plain.test")
	friend := newFediDouble(t, n, "remote.test", mastodonFlavor{}, h.fed.client, "mia")
	foe := newFediDouble(t, n, "blocked.test", mastodonFlavor{}, h.fed.client, "eve")
	ctx := context.Background()
	for _, p := range []*harness{h, plain} {
		alice := p.env.User("alice", models.RoleMember)
		p.env.Category("general")
		p.env.Thread(alice, "general", "Hello", "First.")
	}
	_, err := h.env.Svc.BlockInstance(ctx, h.env.User("boss", models.RoleAdmin), "blocked.test", models.BlockSuspend, "spam")
	must(t, err)
	var firstPost int64
	must(t, h.env.Store.DB(ctx).Model(&models.Post{}).Select("MIN(id)").Scan(&firstPost).Error)

	type signer struct {
		keyID string
		key   *rsa.PrivateKey
	}
	unsigned := signer{}
	good := signer{friend.keyIDOf(instanceKey), friend.keys[instanceKey]}
	goodUser := signer{friend.keyIDOf("mia"), friend.keys["mia"]}
	blocked := signer{foe.keyIDOf(instanceKey), foe.keys[instanceKey]}
	forged := signer{friend.keyIDOf(instanceKey), testSigner(t).key} // not remote.test's key
	const html = "text/html"
	docs := []string{"/u/alice", "/c/general", fmt.Sprintf("/p/%d", firstPost), "/t/1",
		"/u/alice/followers", "/u/alice/outbox", "/c/general/outbox", "/actor/followers"}
	type tc struct {
		path, accept string
		as           signer
		want         int
	}
	var cases []tc
	for _, d := range docs {
		cases = append(cases,
			tc{d, acceptAP, unsigned, http.StatusUnauthorized},
			tc{d, acceptAP, forged, http.StatusUnauthorized},
			tc{d, acceptAP, blocked, http.StatusForbidden},
			tc{d, acceptAP, good, http.StatusOK},
		)
	}
	cases = append(cases,
		tc{"/u/alice", acceptAP, goodUser, http.StatusOK}, // any actor's key, not only an instance actor's
		tc{"/u/alice", html, unsigned, http.StatusOK},     // the page
		tc{"/actor", acceptAP, unsigned, http.StatusOK},
		tc{"/.well-known/webfinger?resource=acct:alice@hearth.test", "application/jrd+json", unsigned, http.StatusOK},
		tc{"/.well-known/webfinger?resource=acct:alice@hearth.test", "application/jrd+json", good, http.StatusOK},
		tc{"/.well-known/webfinger?resource=acct:alice@hearth.test", "application/jrd+json", blocked, http.StatusForbidden},
		tc{"/.well-known/nodeinfo", "application/json", unsigned, http.StatusOK},
		tc{"/nodeinfo/2.1", "application/json", unsigned, http.StatusOK},
	)
	for _, c := range cases {
		name := fmt.Sprintf("%s %s signed by %q", c.path, c.accept, c.as.keyID)
		if got := getAs(t, h.fed.client, "http://hearth.test"+c.path, c.accept, c.as.keyID, c.as.key); got != c.want {
			t.Errorf("%s: %d, want %d", name, got, c.want)
		}
	}
	// The same unsigned reads succeed on an instance not in secure mode.
	for _, d := range docs {
		if got := getAs(t, h.fed.client, "http://plain.test"+d, acceptAP, "", nil); got != http.StatusOK {
			t.Errorf("plain %s unsigned: %d", d, got)
		}
	}
}

// TestSecureModeTwoHearths: two Hearth instances, both in secure mode,
// still federate: bob on b.test follows alice on a.test (b fetches a's
// actor with its signed GET; a verifies the Follow by fetching bob's key
// from b, signed; b verifies that fetch with a's open instance actor) and
// a's Accept is taken by b.
func TestSecureModeTwoHearths(t *testing.T) {
	n := newNetwork()
	a := newPeer(t, n, "a.test", secureMode)
	b := newPeer(t, n, "b.test", secureMode)
	ctx := context.Background()
	a.env.User("alice", models.RoleMember)
	bob := b.env.User("bob", models.RoleMember)
	must(t, b.fed.FollowRemote(ctx, bob, "http://a.test/u/alice"))
	drain(t, a, b)
	alice, err := a.env.Store.UserByUsername(ctx, "alice")
	must(t, err)
	if n, _ := a.env.Store.CountFollowers(ctx, models.ActorTypeUser, alice.ID); n != 1 {
		t.Fatalf("alice's followers on a.test: %d", n)
	}
	remote, err := b.env.Store.RemoteActorByAPID(ctx, "http://a.test/u/alice")
	must(t, err)
	row, err := b.env.Store.FollowingOf(ctx, bob.ID, remote.ID)
	must(t, err)
	if !row.Accepted {
		t.Error("b.test never took a.test's Accept")
	}
}
