package federation

import (
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// inboxAcceptPost is what an inbox takes, sent with a 415 (as Accept-Post,
// RFC 7694's header for a POST target) so a peer's operator can see why.
const inboxAcceptPost = activityJSON + `, ` + ldJSON + `; profile="` + asProfile + `"`

// isActivityMediaType reports whether a Content-Type names an
// ActivityStreams document: application/activity+json, or
// application/ld+json without a profile or with the ActivityStreams one
// among its profiles (what ActivityPub servers must accept). Type and
// parameter names are case-insensitive; a charset, if given, must be UTF-8,
// the only encoding JSON has. Mastodon, Lemmy and Misskey send
// application/activity+json; GoToSocial sends the ld+json form.
func isActivityMediaType(contentType string) bool {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		return false
	}
	switch mt {
	case activityJSON:
		return true
	case ldJSON:
		p, ok := params["profile"]
		return !ok || hasProfile(p, asProfile)
	}
	return false
}

// unsupportedMediaType answers an inbox POST whose body is not declared as
// an activity. The inbox checks this before reading the body or verifying
// the signature: it costs nothing (no key fetch, no database) and tells the
// sender nothing about its signature or the addressed actor.
func unsupportedMediaType(c echo.Context) error {
	c.Response().Header().Set("Accept-Post", inboxAcceptPost)
	return writeError(c, http.StatusUnsupportedMediaType, "unsupported_media_type",
		"send activities with Content-Type: application/activity+json (or application/ld+json with the ActivityStreams profile)")
}
