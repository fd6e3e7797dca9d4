package federation

import (
	"crypto/rsa"
	"fmt"
	"net/http"
	"strings"
)

// gotosocialFlavor is GoToSocial on the wire, as its federation docs
// (docs.gotosocial.org/en/latest/federation/…) describe it:
//   - every GET and POST to its ActivityPub endpoints must be signed
//     (authorized fetch always on): unsigned requests get 401;
//   - keyId is {actor}/main-key (a path, not a fragment), and that URL
//     serves a stub actor (id, type, preferredUsername, publicKey, no
//     inbox) without asking for a signature, so keys can be bootstrapped;
//   - outgoing POSTs sign (request-target) host date digest, GETs
//     (request-target) host date, with algorithm="hs2019" (really RSA-SHA256);
//   - no shared inbox: deliveries go to each account's inbox;
//   - the instance actor is /users/{domain};
//   - a reply is only accepted for one of its accounts' statuses when the
//     reply mentions that account (a Mention tag whose href is the actor).
type gotosocialFlavor struct{}

func (gotosocialFlavor) name() string { return "gotosocial" }

func (gotosocialFlavor) userAgent(d *fediDouble) string {
	return "gotosocial (+" + d.base + ") gotosocial/0.17.3"
}

// contentType: GoToSocial's transport posts with the JSON-LD form.
func (gotosocialFlavor) contentType() string { return ctGoToSocial }

func (gotosocialFlavor) actorURL(d *fediDouble, name string) string { return d.base + "/users/" + name }

func (f gotosocialFlavor) keyID(d *fediDouble, name string) string {
	return f.actorURL(d, name) + "/main-key"
}

func (gotosocialFlavor) instanceName(d *fediDouble) string { return d.host }

func (f gotosocialFlavor) actor(d *fediDouble, name, pub string) map[string]any {
	id := f.actorURL(d, name)
	typ := "Person"
	if name == f.instanceName(d) {
		typ = "Application"
	}
	return map[string]any{
		"@context": []any{"https://w3id.org/security/v1", "https://www.w3.org/ns/activitystreams",
			map[string]any{"discoverable": "toot:discoverable", "featured": map[string]any{"@id": "toot:featured", "@type": "@id"},
				"manuallyApprovesFollowers": "as:manuallyApprovesFollowers", "toot": "http://joinmastodon.org/ns#"}},
		"id": id, "type": typ,
		"preferredUsername":         name,
		"name":                      name + " (gts)",
		"summary":                   "<p>posting from my gotosocial</p>",
		"url":                       d.base + "/@" + name,
		"inbox":                     id + "/inbox",
		"outbox":                    id + "/outbox",
		"followers":                 id + "/followers",
		"following":                 id + "/following",
		"featured":                  id + "/collections/featured",
		"manuallyApprovesFollowers": false,
		"discoverable":              true,
		"published":                 "2024-02-03T04:05:06Z",
		"publicKey":                 map[string]any{"id": id + "/main-key", "owner": id, "publicKeyPem": pub},
		"icon":                      map[string]any{"type": "Image", "mediaType": "image/webp", "url": d.base + "/fileserver/" + name + "/avatar.webp"},
	}
}

func (f gotosocialFlavor) webfinger(d *fediDouble, name string) map[string]any {
	return map[string]any{
		"subject": "acct:" + name + "@" + d.host,
		"aliases": []any{f.actorURL(d, name), d.base + "/@" + name},
		"links": []any{
			map[string]any{"rel": relProfilePage, "type": "text/html", "href": d.base + "/@" + name},
			map[string]any{"rel": relSelf, "type": activityJSON, "href": f.actorURL(d, name)},
		},
	}
}

func (gotosocialFlavor) signPOST(d *fediDouble, r *http.Request, body []byte, keyID string, key *rsa.PrivateKey) error {
	return signCavage(r, body, []string{"(request-target)", "host", "date", "digest"}, keyID, key, "hs2019")
}

// serveExtra answers the key stub, which GoToSocial serves unsigned.
func (f gotosocialFlavor) serveExtra(d *fediDouble, w http.ResponseWriter, r *http.Request) bool {
	rest, ok := strings.CutPrefix(r.URL.Path, "/users/")
	if r.Method != http.MethodGet || !ok || !strings.HasSuffix(rest, "/main-key") {
		return false
	}
	name, ok := d.account(strings.TrimSuffix(rest, "/main-key"))
	if !ok {
		http.NotFound(w, r)
		return true
	}
	shown := strings.TrimSuffix(rest, "/main-key")
	pub, _ := publicKeyPEM(&d.keys[name].PublicKey)
	id := f.actorURL(d, shown)
	writeDoubleJSON(w, map[string]any{
		"@context":          []any{"https://w3id.org/security/v1", "https://www.w3.org/ns/activitystreams"},
		"id":                id,
		"type":              "Person",
		"preferredUsername": shown,
		"publicKey":         map[string]any{"id": id + "/main-key", "owner": id, "publicKeyPem": pub},
	})
	return true
}

func (gotosocialFlavor) requireSignedGET() bool { return true }

// keep drops a reply to one of the double's accounts' statuses that does
// not mention that account, as GoToSocial does.
func (f gotosocialFlavor) keep(d *fediDouble, act map[string]any, inbox string) (bool, string) {
	if act["type"] != "Create" {
		return true, ""
	}
	note, _ := act["object"].(map[string]any)
	parent, _ := note["inReplyTo"].(string)
	if note == nil || !strings.HasPrefix(parent, d.base+"/users/") {
		return true, ""
	}
	owner := parent[:strings.Index(parent, "/statuses/")]
	tags, _ := note["tag"].([]any)
	for _, t := range tags {
		if m, _ := t.(map[string]any); m["type"] == "Mention" && m["href"] == owner {
			return true, ""
		}
	}
	return false, fmt.Sprintf("reply %v to %s does not mention %s", note["id"], parent, owner)
}

// noteExtras are the fields GoToSocial adds to every status.
func (gotosocialFlavor) noteExtras(d *fediDouble, note map[string]any) {
	note["@context"] = []any{"https://gotosocial.org/ns", "https://www.w3.org/ns/activitystreams"}
	note["sensitive"] = false
	note["attachment"] = []any{}
	note["interactionPolicy"] = map[string]any{
		"canLike":     map[string]any{"always": []any{publicAddress}, "approvalRequired": []any{}},
		"canReply":    map[string]any{"always": []any{publicAddress}, "approvalRequired": []any{}},
		"canAnnounce": map[string]any{"always": []any{publicAddress}, "approvalRequired": []any{}},
	}
}
