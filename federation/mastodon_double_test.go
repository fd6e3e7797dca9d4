package federation

import (
	"crypto/rsa"
	"net/http"
	"strings"
)

// mastodonFlavor is Mastodon 4.x on the wire, as its documentation
// (docs.joinmastodon.org/spec/activitypub, /spec/security, /spec/webfinger)
// describes it:
//   - actors at /users/{name} with keyId {actor}#main-key, a shared inbox
//     at /inbox, the toot/security terms inline in @context, featured and
//     devices collections, an icon Image, url /@{name};
//   - the instance actor at /actor (Application, preferredUsername = the
//     domain), which signs fetches;
//   - POSTs signed over (request-target) host date digest content-type with
//     algorithm="rsa-sha256"; GETs over (request-target) host date (accept
//     is not signed);
//   - statuses at /users/{name}/statuses/{id}, replies addressed to Public
//     with the author's followers and the parent's author in cc and a
//     Mention tag for each person addressed.
//
// Signed GETs are optional (authorized fetch off, the default).
type mastodonFlavor struct{}

func (mastodonFlavor) name() string { return "mastodon" }

func (mastodonFlavor) userAgent(d *fediDouble) string {
	return "http.rb/5.2.0 (Mastodon/4.3.2; +" + d.base + "/)"
}

// contentType: Mastodon's delivery worker posts application/activity+json.
func (mastodonFlavor) contentType() string { return ctMastodon }

func (f mastodonFlavor) actorURL(d *fediDouble, name string) string {
	if name == f.instanceName(d) {
		return d.base + "/actor"
	}
	return d.base + "/users/" + name
}

func (f mastodonFlavor) keyID(d *fediDouble, name string) string {
	return f.actorURL(d, name) + "#main-key"
}

func (mastodonFlavor) instanceName(d *fediDouble) string { return d.host }

var mastodonContext = []any{
	"https://www.w3.org/ns/activitystreams",
	"https://w3id.org/security/v1",
	map[string]any{
		"manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
		"toot":                      "http://joinmastodon.org/ns#",
		"featured":                  map[string]any{"@id": "toot:featured", "@type": "@id"},
		"discoverable":              "toot:discoverable",
		"indexable":                 "toot:indexable",
		"Emoji":                     "toot:Emoji",
		"schema":                    "http://schema.org#",
		"PropertyValue":             "schema:PropertyValue",
		"value":                     "schema:value",
	},
}

func (f mastodonFlavor) actor(d *fediDouble, name, pub string) map[string]any {
	id := f.actorURL(d, name)
	typ, url := "Person", d.base+"/@"+name
	if name == f.instanceName(d) {
		typ, url = "Application", d.base+"/about/more?instance_actor=true"
	}
	return map[string]any{
		"@context":                  mastodonContext,
		"id":                        id,
		"type":                      typ,
		"following":                 id + "/following",
		"followers":                 id + "/followers",
		"inbox":                     id + "/inbox",
		"outbox":                    id + "/outbox",
		"featured":                  id + "/collections/featured",
		"featuredTags":              id + "/collections/tags",
		"preferredUsername":         name,
		"name":                      strings.ToUpper(name[:1]) + name[1:] + " on Mastodon",
		"summary":                   "<p>I toot.</p>",
		"url":                       url,
		"manuallyApprovesFollowers": false,
		"discoverable":              true,
		"indexable":                 true,
		"published":                 "2023-01-01T00:00:00Z",
		"memorial":                  false,
		"devices":                   id + "/collections/devices",
		"publicKey":                 map[string]any{"id": id + "#main-key", "owner": id, "publicKeyPem": pub},
		"tag":                       []any{},
		"attachment":                []any{},
		"endpoints":                 map[string]any{"sharedInbox": d.base + "/inbox"},
		"icon":                      map[string]any{"type": "Image", "mediaType": "image/png", "url": d.base + "/avatars/" + name + ".png"},
	}
}

func (f mastodonFlavor) webfinger(d *fediDouble, name string) map[string]any {
	return map[string]any{
		"subject": "acct:" + name + "@" + d.host,
		"aliases": []any{d.base + "/@" + name, f.actorURL(d, name)},
		"links": []any{
			map[string]any{"rel": relProfilePage, "type": "text/html", "href": d.base + "/@" + name},
			map[string]any{"rel": relSelf, "type": activityJSON, "href": f.actorURL(d, name)},
			map[string]any{"rel": "http://ostatus.org/schema/1.0/subscribe", "template": d.base + "/authorize_interaction?uri={uri}"},
		},
	}
}

func (mastodonFlavor) signPOST(d *fediDouble, r *http.Request, body []byte, keyID string, key *rsa.PrivateKey) error {
	return signCavage(r, body, []string{"(request-target)", "host", "date", "digest", "content-type"}, keyID, key, "rsa-sha256")
}

func (f mastodonFlavor) serveExtra(d *fediDouble, w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet && r.URL.Path == "/actor" {
		pub, _ := publicKeyPEM(&d.keys[instanceKey].PublicKey)
		writeDoubleJSON(w, f.actor(d, f.instanceName(d), pub))
		return true
	}
	return false
}

func (mastodonFlavor) requireSignedGET() bool { return false }

func (mastodonFlavor) keep(*fediDouble, map[string]any, string) (bool, string) { return true, "" }

// noteExtras are the fields Mastodon adds to every status.
func (mastodonFlavor) noteExtras(d *fediDouble, note map[string]any) {
	note["@context"] = []any{"https://www.w3.org/ns/activitystreams", map[string]any{
		"ostatus": "http://ostatus.org#", "atomUri": "ostatus:atomUri", "inReplyToAtomUri": "ostatus:inReplyToAtomUri",
		"conversation": "ostatus:conversation", "sensitive": "as:sensitive", "toot": "http://joinmastodon.org/ns#",
	}}
	note["summary"] = nil
	note["sensitive"] = false
	note["atomUri"] = note["id"]
	note["inReplyToAtomUri"] = note["inReplyTo"]
	note["conversation"] = "tag:" + d.host + ",2026-11-23:objectId=1:objectType=Conversation"
	note["contentMap"] = map[string]any{"en": note["content"]}
	note["attachment"] = []any{}
	note["replies"] = map[string]any{"id": note["id"].(string) + "/replies", "type": "Collection",
		"first": map[string]any{"type": "CollectionPage", "next": note["id"].(string) + "/replies?only_other_accounts=true&page=true", "partOf": note["id"].(string) + "/replies", "items": []any{}}}
}
