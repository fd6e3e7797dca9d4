package federation

import (
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// negotiatedPrefix is where Negotiate re-routes requests for ActivityPub
// documents. Rewriting the path, rather than answering inside the
// pre-routing middleware, lets the answer go through everything the server
// wraps its routes in (request id, logging, metrics, panic recovery).
const negotiatedPrefix = "/_ap"

// negotiable matches the page URLs that are also ActivityPub ids: members,
// their replies from the Following feed, categories, posts and threads (with or without the thread's slug; feeds
// such as /t/1/feed.rss have a dot, which slugs never do).
var negotiable = regexp.MustCompile(`^/(?:u/[^/]+(?:/notes/[0-9]+)?|c/[^/]+|p/[0-9]+|t/[0-9]+(?:/[a-z0-9-]+)?)$`)

// Negotiate is an Echo Pre-middleware: a GET or HEAD of a member, category,
// post or thread URL whose Accept header prefers ActivityPub JSON is routed
// to the federation handlers; anything else (a browser) goes on to the HTML
// page. Both answers carry Vary: Accept, so no cache serves one to the other.
func (f *Federation) Negotiate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || !negotiable.MatchString(r.URL.Path) {
			return next(c)
		}
		c.Response().Header().Add(echo.HeaderVary, "Accept")
		if wantsActivity(strings.Join(r.Header.Values(echo.HeaderAccept), ",")) {
			r.URL.Path = negotiatedPrefix + r.URL.Path
			if r.URL.RawPath != "" {
				r.URL.RawPath = negotiatedPrefix + r.URL.RawPath
			}
		}
		return next(c)
	}
}

// wantsActivity reports whether an Accept header prefers an ActivityStreams
// document to HTML: application/activity+json, or application/ld+json with
// the ActivityStreams profile, at a quality above zero and at least that of
// any HTML type (wildcards count as HTML, so browsers get pages). A bare
// application/ld+json counts too: older Mastodon and others send it without
// the profile.
func wantsActivity(accept string) bool {
	ap, html := -1.0, -1.0
	for _, part := range splitAccept(accept) {
		mt, params, err := mime.ParseMediaType(part)
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(s, 64); err != nil || q < 0 || q > 1 {
				continue
			}
		}
		switch mt {
		case activityJSON:
			ap = max(ap, q)
		case ldJSON:
			if p, ok := params["profile"]; !ok || hasProfile(p, asProfile) {
				ap = max(ap, q)
			}
		case "text/html", "application/xhtml+xml", "text/*", "*/*":
			html = max(html, q)
		}
	}
	return ap > 0 && ap >= html
}

// hasProfile reports whether a space-separated profile list (JSON-LD allows
// several) names want.
func hasProfile(list, want string) bool {
	for _, p := range strings.Fields(list) {
		if p == want {
			return true
		}
	}
	return false
}

// splitAccept splits an Accept header on the commas between media ranges,
// leaving commas inside quoted parameter values alone.
func splitAccept(s string) []string {
	var parts []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case '\\':
			if quoted {
				i++
			}
		case ',':
			if !quoted {
				parts = append(parts, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(parts, strings.TrimSpace(s[start:]))
}
