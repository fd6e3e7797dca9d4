package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/hearth/hearth/models"
)

// Peers' NodeInfo: which software a follower's server runs decides
// whether the category's Group relays every activity to it (groups.go).
// It is looked up once per host, when one of its actors follows a
// category, and kept on delivery_hosts.software.

// learnSoftware records the NodeInfo software name of actorID's host
// unless it is known already. A failure is logged, not returned: the
// Follow stands either way (its follower is then group-aware by actor
// type only), and the next Follow from that host tries again.
func (f *Federation) learnSoftware(ctx context.Context, actorID string) {
	u, err := url.Parse(actorID)
	if err != nil || u.Host == "" {
		return
	}
	host := strings.ToLower(u.Host)
	if h, err := f.store.DeliveryHostByName(ctx, host); err == nil && h.Software != "" {
		return
	} else if err != nil && !errors.Is(err, models.ErrNotFound) {
		f.log.Info("nodeinfo: host lookup", "host", host, "error", err)
		return
	}
	name, err := f.fetchSoftware(ctx, u.Scheme+"://"+u.Host)
	if err != nil {
		f.log.Info("nodeinfo: could not learn a peer's software", "host", host, "error", err)
		return
	}
	if err := f.store.SetHostSoftware(ctx, host, name, f.now()); err != nil {
		f.log.Info("nodeinfo: storing a peer's software", "host", host, "error", err)
		return
	}
	f.groupFollowed.invalidate()
}

// maxNodeInfoLinks bounds the links read from a discovery document.
const maxNodeInfoLinks = 10

// fetchSoftware reads origin's NodeInfo (the discovery document at
// /.well-known/nodeinfo, then the 2.x document it links to on the same
// host) and returns its software.name, lower-cased.
func (f *Federation) fetchSoftware(ctx context.Context, origin string) (string, error) {
	body, err := f.signedGet(ctx, origin+"/.well-known/nodeinfo")
	if err != nil {
		return "", err
	}
	href, err := nodeInfoHref(body, origin)
	if err != nil {
		return "", err
	}
	if body, err = f.signedGet(ctx, href); err != nil {
		return "", err
	}
	return nodeInfoSoftwareName(body)
}

// nodeInfoHref picks the NodeInfo 2.x document from a discovery document:
// the last listed (servers list them oldest first), and only one on
// origin's host, so a peer cannot send Hearth to fetch from elsewhere.
func nodeInfoHref(body []byte, origin string) (string, error) {
	var links struct {
		Links []struct {
			Rel  string `json:"rel"`
			Href string `json:"href"`
		} `json:"links"`
	}
	if err := json.Unmarshal(body, &links); err != nil {
		return "", fmt.Errorf("nodeinfo links: %w", err)
	}
	href := ""
	for i, l := range links.Links {
		if i == maxNodeInfoLinks {
			break
		}
		if strings.HasPrefix(l.Rel, "http://nodeinfo.diaspora.software/ns/schema/2.") && hostOf(l.Href) == hostOf(origin) {
			href = l.Href
		}
	}
	if href == "" {
		return "", errors.New("no NodeInfo 2.x document on the same host")
	}
	return href, nil
}

// nodeInfoSoftwareName reads software.name from a NodeInfo document,
// trimmed and lower-cased.
func nodeInfoSoftwareName(body []byte) (string, error) {
	var doc struct {
		Software struct {
			Name string `json:"name"`
		} `json:"software"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("nodeinfo: %w", err)
	}
	name := strings.ToLower(strings.TrimSpace(doc.Software.Name))
	if name == "" || len(name) > 64 {
		return "", errors.New("nodeinfo names no software")
	}
	return name, nil
}
