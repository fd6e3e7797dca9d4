package federation

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

const (
	nodeInfoSchema = "http://nodeinfo.diaspora.software/ns/schema/2.1"
	nodeInfoType   = `application/json; profile="` + nodeInfoSchema + `#"`
	softwareName   = "hearth"
	repositoryURL  = "https://github.com/hearth/hearth"
)

// nodeInfoLinks answers /.well-known/nodeinfo: where the NodeInfo document
// is. Crawlers and servers (Mastodon shows the software name) start here.
func (f *Federation) nodeInfoLinks(c echo.Context) error {
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, map[string]any{
		"links": []map[string]string{{"rel": nodeInfoSchema, "href": f.base + "/nodeinfo/2.1"}},
	})
}

// nodeInfo is the NodeInfo 2.1 document.
type nodeInfo struct {
	Version           string           `json:"version"`
	Software          nodeInfoSoftware `json:"software"`
	Protocols         []string         `json:"protocols"`
	Services          nodeInfoServices `json:"services"`
	OpenRegistrations bool             `json:"openRegistrations"`
	Usage             nodeInfoUsage    `json:"usage"`
	Metadata          map[string]any   `json:"metadata"`
}

type nodeInfoSoftware struct {
	Name       string `json:"name"`
	Version    string `json:"version"`
	Repository string `json:"repository,omitempty"`
	Homepage   string `json:"homepage,omitempty"`
}

type nodeInfoServices struct {
	Inbound  []string `json:"inbound"`
	Outbound []string `json:"outbound"`
}

type nodeInfoUsage struct {
	Users      nodeInfoUsers `json:"users"`
	LocalPosts int64         `json:"localPosts"`
}

type nodeInfoUsers struct {
	Total          int64 `json:"total"`
	ActiveMonth    int64 `json:"activeMonth"`
	ActiveHalfyear int64 `json:"activeHalfyear"`
}

// nodeInfo answers /nodeinfo/2.1.
func (f *Federation) nodeInfo(c echo.Context) error {
	u, err := f.instanceUsage(c.Request().Context())
	if err != nil {
		return f.serverError(c, err)
	}
	site, err := f.svc.Site(c.Request().Context())
	if err != nil {
		return f.serverError(c, err)
	}
	version := f.cfg.Version
	if version == "" {
		version = "unknown" // the schema wants a string; builds without -X main.Version
	}
	doc := nodeInfo{
		Version:   "2.1",
		Software:  nodeInfoSoftware{Name: softwareName, Version: version, Repository: repositoryURL},
		Protocols: []string{"activitypub"},
		Services:  nodeInfoServices{Inbound: []string{}, Outbound: []string{"rss2.0", "atom1.0"}},
		// Anyone may sign up at /signup; there is no invitation mode yet.
		OpenRegistrations: true,
		Usage: nodeInfoUsage{
			Users:      nodeInfoUsers{Total: u.Users, ActiveMonth: u.ActiveMonth, ActiveHalfyear: u.ActiveHalfyear},
			LocalPosts: u.LocalPosts,
		},
		Metadata: siteMetadata(site),
	}
	return writeJSON(c, http.StatusOK, nodeInfoType, doc)
}

// instanceUsage returns the forum's counts, reusing them for usageTTL. The
// lock is held across the counting on purpose: when the cache expires under
// a burst of crawlers, one of them counts and the rest wait for its result.
func (f *Federation) instanceUsage(ctx context.Context) (forum.InstanceUsage, error) {
	f.usageMu.Lock()
	defer f.usageMu.Unlock()
	if !f.usageAt.IsZero() && f.now().Sub(f.usageAt) < usageTTL {
		return f.usage, nil
	}
	u, err := f.svc.Usage(ctx)
	if err != nil {
		return u, err
	}
	f.usage, f.usageAt = u, f.now()
	return u, nil
}

// siteMetadata is what NodeInfo's free-form metadata says about the forum:
// the operator's name and description (nodeName and nodeDescription, which
// Mastodon, Misskey and fediverse directories read) and, when set, the
// contact address.
func siteMetadata(site *forum.Site) map[string]any {
	m := map[string]any{"nodeName": site.Name}
	if site.Description != "" {
		m["nodeDescription"] = site.Description
	}
	if site.ContactEmail != "" {
		m["contactEmail"] = site.ContactEmail
	}
	return m
}
