package federation

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"
	"github.com/labstack/echo/v4"
)

// Media types of ActivityPub documents.
const (
	activityJSON = "application/activity+json"
	ldJSON       = "application/ld+json"
	asProfile    = "https://www.w3.org/ns/activitystreams"
)

// jsonLDContext is the @context of every document Hearth emits: the
// ActivityStreams and security vocabularies plus, inline, the Mastodon
// ("toot") terms it uses, as Mastodon itself sends them. go-fed's own
// @context names "http://joinmastodon.org/ns" as a whole vocabulary, which
// is not a JSON-LD context document, and its order changes from call to
// call (it comes from a map); a fixed value is both correct and stable.
var jsonLDContext = []any{
	asProfile,
	"https://w3id.org/security/v1",
	map[string]any{
		"manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
		"sensitive":                 "as:sensitive",
		"Hashtag":                   "as:Hashtag",
		"toot":                      "http://joinmastodon.org/ns#",
		"discoverable":              "toot:discoverable",
		"indexable":                 "toot:indexable",
		"pt":                        "https://joinpeertube.org/ns#",
		"commentsEnabled":           "pt:commentsEnabled",
	},
}

// groupContext is jsonLDContext with the term a category's Group adds:
// featured, its pinned threads. Only documents that carry featured declare
// it (GoToSocial logs an error for an actor whose context names a
// featured it does not have); members have no pinned posts, so a Person
// declares none.
var groupContext = func() []any {
	terms := map[string]any{"featured": map[string]string{"@id": "toot:featured", "@type": "@id"}}
	for k, v := range jsonLDContext[2].(map[string]any) {
		terms[k] = v
	}
	return []any{jsonLDContext[0], jsonLDContext[1], terms}
}()

// serialize turns a go-fed value into its JSON-LD map with Hearth's
// @context. Callers add what go-fed v1.0.0 cannot express to the map
// afterwards.
func serialize(t vocab.Type) (map[string]any, error) {
	m, err := streams.Serialize(t)
	if err != nil {
		return nil, err
	}
	m["@context"] = jsonLDContext
	return m, nil
}

// asArray makes the named properties JSON arrays even when they hold one
// value: go-fed writes a lone value bare, which ActivityStreams allows, but
// some peers (strictly typed ones) only accept arrays for addressing and tags.
func asArray(m map[string]any, keys ...string) {
	for _, k := range keys {
		v, ok := m[k]
		if !ok {
			continue
		}
		if _, isArray := v.([]any); !isArray {
			m[k] = []any{v}
		}
	}
}

// encode writes v as JSON without escaping <, > and & (documents carry HTML
// in content and summary; the \u003c escapes would be valid but unreadable
// to anyone debugging federation by hand).
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeJSON answers with v as JSON of the given media type.
func writeJSON(c echo.Context, status int, contentType string, v any) error {
	b, err := encode(v)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	// Remote servers fetch from their back ends, but browser-based clients
	// (and tools like the fediverse's web explorers) read these too.
	h.Set("Access-Control-Allow-Origin", "*")
	return c.Blob(status, contentType, b)
}

// writeActivity answers with an ActivityPub document.
func writeActivity(c echo.Context, status int, v any) error {
	return writeJSON(c, status, activityJSON, v)
}

// writeError answers with the JSON API's error shape, so a client reading
// Hearth's JSON sees one error format everywhere.
func writeError(c echo.Context, status int, code, message string) error {
	return writeJSON(c, status, echo.MIMEApplicationJSON, map[string]any{
		"error": map[string]string{"code": code, "message": message},
	})
}

func notFound(c echo.Context) error {
	return writeError(c, http.StatusNotFound, "not_found", "no such actor or object here")
}
