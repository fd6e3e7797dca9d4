package federation

import (
	"crypto/rsa"
	"net/http"
	"strings"
)

// interopFlavor is a fediverse server's actor shape and signing habits,
// enough for its fixtures (testdata/interop/<server>) to be sent to Hearth
// by an actor that looks like one of its own. Mastodon and GoToSocial have
// fuller doubles (mastodon_double_test.go, gotosocial_double_test.go).
type interopFlavor struct {
	server   string
	agent    string
	ct       string
	userPath func(name string) string // path of an account's actor
	instance string                   // path of the instance actor
	keyFrag  string                   // keyId = actor + keyFrag
	shared   string                   // shared inbox path
	headers  []string                 // what a POST signs
	label    string                   // the algorithm it writes
}

// The shapes, from each server's actor serializer:
//   - misskey: packages/backend/src/core/activitypub/ApRendererService.ts
//     renderPerson (/users/{id}, #main-key, sharedInbox /inbox; the
//     instance actor is a Person too), ApRequestService (signs
//     (request-target) date host digest, rsa-sha256);
//   - lemmy: crates/apub/objects/src/objects/person.rs (/u/{name},
//     #main-key, sharedInbox /inbox), the site actor at the root;
//     activitypub_federation signs (request-target) content-type date
//     digest host, hs2019;
//   - nodebb: src/activitypub/mocks.js actors.user (/uid/{uid}, #key,
//     sharedInbox /inbox), the instance actor /actor; signatures.js signs
//     (request-target) host date digest;
//   - mbin: src/Factory/ActivityPub/PersonFactory.php (/u/{name},
//     #main-key, sharedInbox /f/inbox), InstanceFactory.php (/i/actor).
var interopFlavors = map[string]interopFlavor{
	"misskey": {server: "misskey", agent: "Misskey/2025.4.0 (http://remote.test)", ct: "application/activity+json",
		userPath: func(n string) string { return "/users/9zq0" + n }, instance: "/users/9zq0instance", keyFrag: "#main-key",
		shared: "/inbox", headers: []string{"(request-target)", "date", "host", "digest"}, label: "rsa-sha256"},
	"lemmy": {server: "lemmy", agent: "Lemmy/0.19.12; +http://remote.test", ct: "application/activity+json",
		userPath: func(n string) string { return "/u/" + n }, instance: "/", keyFrag: "#main-key",
		shared: "/inbox", headers: []string{"(request-target)", "content-type", "date", "digest", "host"}, label: "hs2019"},
	"nodebb": {server: "nodebb", agent: "NodeBB/4.4.0", ct: "application/activity+json",
		userPath: func(n string) string { return "/uid/" + map[string]string{"mia": "5"}[n] }, instance: "/actor", keyFrag: "#key",
		shared: "/inbox", headers: []string{"(request-target)", "host", "date", "digest"}, label: "hs2019"},
	"mbin": {server: "mbin", agent: "Mbin/1.8.0 (+http://remote.test/agent)", ct: "application/activity+json",
		userPath: func(n string) string { return "/u/" + n }, instance: "/i/actor", keyFrag: "#main-key",
		shared: "/f/inbox", headers: []string{"(request-target)", "host", "date", "digest", "content-type"}, label: "rsa-sha256"},
}

func (f interopFlavor) name() string                           { return f.server }
func (f interopFlavor) userAgent(*fediDouble) string           { return f.agent }
func (f interopFlavor) contentType() string                    { return f.ct }
func (f interopFlavor) instanceName(d *fediDouble) string      { return d.host }
func (f interopFlavor) requireSignedGET() bool                 { return false }
func (f interopFlavor) noteExtras(*fediDouble, map[string]any) {}
func (f interopFlavor) keep(*fediDouble, map[string]any, string) (bool, string) {
	return true, ""
}

func (f interopFlavor) actorURL(d *fediDouble, name string) string {
	if name == f.instanceName(d) {
		return d.base + f.instance
	}
	return d.base + f.userPath(name)
}

func (f interopFlavor) keyID(d *fediDouble, name string) string {
	return f.actorURL(d, name) + f.keyFrag
}

func (f interopFlavor) actor(d *fediDouble, name, pub string) map[string]any {
	id := f.actorURL(d, name)
	typ, username := "Person", name
	if name == f.instanceName(d) {
		typ = "Application"
		if f.server == "misskey" {
			typ, username = "Person", "instance.actor"
		}
	}
	return map[string]any{
		"@context":          []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id":                id,
		"type":              typ,
		"preferredUsername": username,
		"name":              strings.ToUpper(username[:1]) + username[1:],
		"inbox":             id + "/inbox",
		"outbox":            id + "/outbox",
		"followers":         id + "/followers",
		"following":         id + "/following",
		"endpoints":         map[string]any{"sharedInbox": d.base + f.shared},
		"publicKey":         map[string]any{"id": f.keyID(d, name), "owner": id, "publicKeyPem": pub},
		"url":               id,
	}
}

func (f interopFlavor) webfinger(d *fediDouble, name string) map[string]any {
	return map[string]any{"subject": "acct:" + name + "@" + d.host,
		"links": []any{map[string]any{"rel": relSelf, "type": activityJSON, "href": f.actorURL(d, name)}}}
}

func (f interopFlavor) signPOST(d *fediDouble, r *http.Request, body []byte, keyID string, key *rsa.PrivateKey) error {
	return signCavage(r, body, f.headers, keyID, key, f.label)
}

// serveExtra serves the actors at this server's paths.
func (f interopFlavor) serveExtra(d *fediDouble, w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodGet {
		return false
	}
	for name := range d.keys {
		acct := name
		if name == instanceKey {
			acct = f.instanceName(d)
		}
		if d.base+r.URL.Path == f.actorURL(d, acct) {
			pub, _ := publicKeyPEM(&d.keys[name].PublicKey)
			writeDoubleJSON(w, f.actor(d, acct, pub))
			return true
		}
	}
	return false
}
