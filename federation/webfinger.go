package federation

import (
	"errors"
	"html"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

const (
	jrdJSON         = "application/jrd+json"
	relSelf         = "self"
	relProfilePage  = "http://webfinger.net/rel/profile-page"
	maxResourceSize = 1024 // no real handle or actor URL comes close
)

var errMalformedResource = errors.New("resource must be acct:name@host or an actor URL")

// webfingerQuery is a parsed WebFinger resource: either an acct: handle
// (name and host) or an actor URL.
type webfingerQuery struct {
	name, host string
	url        *url.URL
}

// parseResource reads WebFinger's resource parameter: "acct:name@host"
// (also without "acct:" or with a leading "@", as people paste handles), or
// an http(s) actor URL. The host may carry a port. It checks form only;
// whether the name or URL is ours is for the caller.
func parseResource(s string) (webfingerQuery, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxResourceSize {
		return webfingerQuery{}, errMalformedResource
	}
	lower := strings.ToLower(s)
	if strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") {
		u, err := url.Parse(s)
		if err != nil || u.Host == "" || u.User != nil {
			return webfingerQuery{}, errMalformedResource
		}
		return webfingerQuery{url: u}, nil
	}
	if strings.HasPrefix(lower, "acct:") {
		s = s[len("acct:"):]
	} else if strings.Contains(s, ":") && !strings.Contains(s, "@") {
		return webfingerQuery{}, errMalformedResource // another scheme, e.g. mailto:
	}
	s = strings.TrimPrefix(s, "@")
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return webfingerQuery{}, errMalformedResource
	}
	name, err := url.PathUnescape(s[:at]) // RFC 7565 allows percent-encoding
	host := s[at+1:]
	if err != nil || name == "" || strings.ContainsAny(name, "@/") || strings.ContainsAny(host, "/?#@ ") {
		return webfingerQuery{}, errMalformedResource
	}
	return webfingerQuery{name: name, host: strings.ToLower(host)}, nil
}

// jrd is a WebFinger answer (RFC 7033).
type jrd struct {
	Subject string    `json:"subject"`
	Aliases []string  `json:"aliases,omitempty"`
	Links   []jrdLink `json:"links"`
}

type jrdLink struct {
	Rel  string `json:"rel"`
	Type string `json:"type,omitempty"`
	Href string `json:"href,omitempty"`
}

// webfinger answers GET /.well-known/webfinger?resource=…: how Mastodon and
// every other server turn @name@host into an actor id. Members and
// categories share the namespace; the instance actor is named after the
// host (see instanceActor).
func (f *Federation) webfinger(c echo.Context) error {
	c.Response().Header().Set("Access-Control-Allow-Origin", "*")
	q, err := parseResource(c.QueryParam("resource"))
	if err != nil {
		return writeError(c, http.StatusBadRequest, "bad_resource", err.Error())
	}
	name, kind, ok := f.localName(q)
	if !ok {
		return notFound(c)
	}
	var subject, actor, page string
	if kind == kindInstance || (kind == kindAny && (strings.EqualFold(name, f.instanceName) || strings.EqualFold(name, f.host))) {
		subject, actor, page = f.instanceName, f.instanceRef().url, f.base+"/"
	} else {
		la, err := f.svc.ActorByName(c.Request().Context(), name)
		switch {
		case errors.Is(err, forum.ErrNotFound):
			return notFound(c)
		case err != nil:
			return f.serverError(c, err)
		case la.User != nil && la.User.IsRemote():
			return notFound(c) // a remote author's row is not an actor here
		case la.User != nil && kind != kindCategory:
			subject, actor = la.User.Username, f.userURL(la.User.Username)
		case la.Category != nil && kind != kindUser:
			// An old name of a renamed category answers too, with the
			// current name as subject and the same, stable actor id.
			subject, actor, page = la.Category.Slug, f.categoryRef(la.Category).url, f.categoryURL(la.Category.Slug)
		default:
			return notFound(c) // a /u/ URL naming a category, or the reverse
		}
		if page == "" {
			page = actor
		}
	}
	links := []jrdLink{
		{Rel: relSelf, Type: activityJSON, Href: actor},
		{Rel: relProfilePage, Type: "text/html", Href: page},
	}
	if rels := c.QueryParams()["rel"]; len(rels) > 0 {
		links = filterLinks(links, rels) // RFC 7033 4.3: rel narrows the links
	}
	return writeJSON(c, http.StatusOK, jrdJSON, jrd{Subject: "acct:" + subject + "@" + f.host, Aliases: []string{actor}, Links: links})
}

// What an actor URL's path says it names; acct: handles say nothing.
const (
	kindAny = iota
	kindUser
	kindCategory
	kindInstance
)

// localName returns the actor name a query asks about and what kind of
// actor its URL path implies, if the query is about this server.
func (f *Federation) localName(q webfingerQuery) (name string, kind int, ok bool) {
	if q.url == nil {
		return q.name, kindAny, strings.EqualFold(q.host, f.host)
	}
	base, _ := url.Parse(f.base)
	if !strings.EqualFold(q.url.Scheme, base.Scheme) || !strings.EqualFold(q.url.Host, base.Host) {
		return "", kindAny, false
	}
	path := q.url.Path
	if path == "/actor" {
		return "", kindInstance, true
	}
	for prefix, k := range map[string]int{"/u/": kindUser, "/c/": kindCategory} {
		if name, ok := strings.CutPrefix(path, prefix); ok && name != "" && !strings.Contains(name, "/") {
			return name, k, true
		}
	}
	return "", kindAny, false
}

func filterLinks(links []jrdLink, rels []string) []jrdLink {
	var out []jrdLink
	for _, l := range links {
		for _, r := range rels {
			if l.Rel == r {
				out = append(out, l)
				break
			}
		}
	}
	if out == nil {
		out = []jrdLink{} // "links": [] rather than null
	}
	return out
}

// hostMeta answers /.well-known/host-meta: the XRD that points older
// software (and Mastodon, on hosts whose WebFinger lives elsewhere) at the
// WebFinger endpoint.
func (f *Federation) hostMeta(c echo.Context) error {
	c.Response().Header().Set("Access-Control-Allow-Origin", "*")
	body := `<?xml version="1.0" encoding="UTF-8"?>
<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">
  <Link rel="lrdd" template="` + html.EscapeString(f.base) + `/.well-known/webfinger?resource={uri}"/>
</XRD>
`
	return c.Blob(http.StatusOK, "application/xrd+xml; charset=utf-8", []byte(body))
}
