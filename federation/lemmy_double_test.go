package federation

import (
	"crypto/rsa"
	"fmt"
	"net/http"
	"strings"
)

// lemmyFlavor is Lemmy 0.19 on the wire, as its source describes it
// (github.com/LemmyNet/lemmy):
//   - people at /u/{name} (Person), communities at /c/{name}, the site's
//     instance actor at / (Application), keyId {actor}#main-key, a shared
//     inbox at /inbox (crates/apub/objects/src/objects/person.rs);
//   - NodeInfo at /.well-known/nodeinfo → /nodeinfo/2.1 with
//     software.name "lemmy" (crates/routes/src/nodeinfo.rs);
//   - a person follows a community from their Person actor, so a Hearth
//     category learns that the follower is group-aware only from NodeInfo;
//   - what a community relays is an Announce whose object is the whole
//     activity, embedded (assets/lemmy/activities/community/
//     announce_create_page.json). On receipt (crates/apub/activities/src/
//     community/announce.rs) Lemmy checks that the Announce's actor is the
//     community the inner activity belongs to and that both are public
//     (verify_visibility), then handles the inner activity; keep does the
//     same checks, so an Announce Lemmy would refuse is dropped here.
type lemmyFlavor struct{}

func (lemmyFlavor) name() string { return "lemmy" }

func (lemmyFlavor) userAgent(d *fediDouble) string {
	return "Lemmy/0.19.5; +" + d.base
}

func (lemmyFlavor) contentType() string { return activityJSON }

func (f lemmyFlavor) actorURL(d *fediDouble, name string) string {
	if name == f.instanceName(d) {
		return d.base + "/"
	}
	return d.base + "/u/" + name
}

func (f lemmyFlavor) keyID(d *fediDouble, name string) string {
	return f.actorURL(d, name) + "#main-key"
}

func (lemmyFlavor) instanceName(d *fediDouble) string { return d.host }

func (f lemmyFlavor) actor(d *fediDouble, name, pub string) map[string]any {
	id := f.actorURL(d, name)
	typ := "Person"
	if name == f.instanceName(d) {
		typ = "Application"
	}
	return map[string]any{
		"@context":          []any{"https://join-lemmy.org/context.json", "https://www.w3.org/ns/activitystreams"},
		"id":                id,
		"type":              typ,
		"preferredUsername": name,
		"inbox":             strings.TrimRight(id, "/") + "/inbox",
		"outbox":            strings.TrimRight(id, "/") + "/outbox",
		"publicKey":         map[string]any{"id": id + "#main-key", "owner": id, "publicKeyPem": pub},
		"endpoints":         map[string]any{"sharedInbox": d.base + "/inbox"},
		"published":         "2024-01-01T00:00:00Z",
	}
}

func (f lemmyFlavor) webfinger(d *fediDouble, name string) map[string]any {
	return map[string]any{
		"subject": "acct:" + name + "@" + d.host,
		"links": []any{
			map[string]any{"rel": relProfilePage, "type": "text/html", "href": f.actorURL(d, name)},
			map[string]any{"rel": relSelf, "type": activityJSON, "href": f.actorURL(d, name),
				"properties": map[string]any{"https://www.w3.org/ns/activitystreams#type": "Person"}},
		},
	}
}

// signPOST: activitypub-federation signs these headers with hs2019.
func (lemmyFlavor) signPOST(d *fediDouble, r *http.Request, body []byte, keyID string, key *rsa.PrivateKey) error {
	return signCavage(r, body, []string{"(request-target)", "content-type", "date", "digest", "host"}, keyID, key, "hs2019")
}

func (f lemmyFlavor) serveExtra(d *fediDouble, w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodGet {
		return false
	}
	switch path := r.URL.Path; {
	case path == "/.well-known/nodeinfo":
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"links":[{"rel":"http://nodeinfo.diaspora.software/ns/schema/2.1","href":"%s/nodeinfo/2.1"}]}`, d.base)
		return true
	case path == "/nodeinfo/2.1":
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprint(w, `{"version":"2.1","software":{"name":"lemmy","version":"0.19.5","repository":"https://github.com/LemmyNet/lemmy"},"protocols":["activitypub"],"services":{"inbound":[],"outbound":[]},"openRegistrations":true,"usage":{"users":{"total":10},"localPosts":3}}`)
		return true
	case path == "/":
		pub, _ := publicKeyPEM(&d.keys[instanceKey].PublicKey)
		writeDoubleJSON(w, f.actor(d, f.instanceName(d), pub))
		return true
	case strings.HasPrefix(path, "/u/") && !strings.Contains(path[3:], "/"):
		name, ok := d.account(path[3:])
		if !ok {
			return false
		}
		pub, _ := publicKeyPEM(&d.keys[name].PublicKey)
		writeDoubleJSON(w, f.actor(d, path[3:], pub))
		return true
	}
	return false
}

func (lemmyFlavor) requireSignedGET() bool { return false }

// keep applies Lemmy's checks on a community's Announce: its actor must be
// the community the inner activity is about (Lemmy reads the inner
// activity's audience, else its to/cc), it must be public, and the inner
// activity must be embedded (Lemmy would otherwise fetch it by id) and
// public too, except a Like, which Mastodon addresses to nobody.
func (lemmyFlavor) keep(d *fediDouble, act map[string]any, inbox string) (bool, string) {
	if act["type"] != "Announce" {
		return true, ""
	}
	if !containsString(act["to"], publicAddress) && !containsString(act["cc"], publicAddress) {
		return false, "Announce not public"
	}
	inner, ok := act["object"].(map[string]any)
	if !ok {
		return true, "" // a bare Announce{Note}: Lemmy would fetch and show it
	}
	if inner["type"] != "Like" && !containsString(inner["to"], publicAddress) && !containsString(inner["cc"], publicAddress) {
		return false, fmt.Sprintf("inner %v not public", inner["type"])
	}
	group, _ := act["actor"].(string)
	if aud, _ := inner["audience"].(string); aud != "" && aud != group {
		return false, fmt.Sprintf("inner %v belongs to %s, announced by %s", inner["type"], aud, group)
	}
	return true, ""
}

func (lemmyFlavor) noteExtras(*fediDouble, map[string]any) {}
