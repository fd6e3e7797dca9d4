package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/hearth/hearth/models"
)

// signedGet fetches an ActivityPub document, signed as the instance actor:
// servers in authorized-fetch mode and GoToSocial refuse unsigned GETs.
func (f *Federation) signedGet(ctx context.Context, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: fetch %q: %v", errRefusedURL, rawURL, err)
	}
	if err := checkURL(u, f.cfg.FederationAllowPrivate); err != nil {
		return nil, fmt.Errorf("%w: %v", errRefusedURL, err)
	}
	u.Fragment = ""
	resp, err := f.doSignedGet(ctx, u, acceptHeader)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &fetchStatusError{url: u.Redacted(), code: resp.StatusCode}
	}
	return readLimited(resp.Body)
}

// fetchStatusError is a fetch the server answered with something other
// than 200.
type fetchStatusError struct {
	url  string
	code int
}

func (e *fetchStatusError) Error() string { return fmt.Sprintf("fetch %s: status %d", e.url, e.code) }

// fetchIsFinal reports whether a failed fetch will fail again: the server
// said the document is not there or not for us (4xx other than timeouts
// and rate limits). Network errors, timeouts and 5xx may pass.
func fetchIsFinal(err error) bool {
	var se *fetchStatusError
	if errors.As(err, &se) {
		return se.code >= 400 && se.code < 500 && se.code != http.StatusRequestTimeout && se.code != http.StatusTooManyRequests
	}
	return errors.Is(err, errForbiddenAddress) || errors.Is(err, errRefusedURL)
}

// errRefusedURL is a URL Hearth will never fetch (not http(s), no host).
var errRefusedURL = errors.New("refused URL")

// doSignedGet sends a GET signed by the instance actor with Hearth's
// User-Agent, as every outbound GET must be (servers in authorized-fetch
// mode and GoToSocial refuse unsigned ones). u must already have passed
// checkURL; the caller closes the body.
func (f *Federation) doSignedGet(ctx context.Context, u *url.URL, accept string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", f.userAgent)
	signer, err := f.InstanceSigner(ctx)
	if err != nil {
		return nil, err
	}
	if err := signer.Sign(req, nil); err != nil {
		return nil, err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u.Redacted(), err)
	}
	return resp, nil
}

// acceptHeader is what Hearth asks for when fetching: what Mastodon sends.
const acceptHeader = `application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"`

// remoteActorDoc is the part of a remote actor document Hearth keeps.
// Fields are decoded loosely: servers differ in what they send as an
// object, a string or an array.
type remoteActorDoc struct {
	ID                string          `json:"id"`
	Type              json.RawMessage `json:"type"`
	Inbox             string          `json:"inbox"`
	PreferredUsername string          `json:"preferredUsername"`
	Name              string          `json:"name"`
	Icon              json.RawMessage `json:"icon"`
	Endpoints         struct {
		SharedInbox string `json:"sharedInbox"`
	} `json:"endpoints"`
	PublicKey   json.RawMessage `json:"publicKey"`
	Followers   json.RawMessage `json:"followers"`
	AlsoKnownAs json.RawMessage `json:"alsoKnownAs"`
	Summary     string          `json:"summary"`
	URL         json.RawMessage `json:"url"`
	Outbox      string          `json:"outbox"`
}

type publicKeyDoc struct {
	ID           string `json:"id"`
	Owner        string `json:"owner"`
	PublicKeyPem string `json:"publicKeyPem"`
}

// parseRemoteActor turns a fetched actor document into a cache row. The
// document must claim the id it was fetched from (or the URL's host, when
// fetched by key id), else anyone could serve anyone's actor.
func parseRemoteActor(body []byte, fetched string) (*models.RemoteActor, error) {
	var d remoteActorDoc
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, fmt.Errorf("actor document: %w", err)
	}
	id, err := url.Parse(d.ID)
	if err != nil || d.ID == "" {
		return nil, errors.New("actor document has no valid id")
	}
	src, _ := url.Parse(fetched)
	if src == nil || !strings.EqualFold(src.Host, id.Host) {
		return nil, fmt.Errorf("actor %s was served by another host", d.ID)
	}
	if _, err := url.Parse(d.Inbox); err != nil || d.Inbox == "" {
		return nil, fmt.Errorf("actor %s has no inbox", d.ID)
	}
	var key publicKeyDoc
	if len(d.PublicKey) > 0 && d.PublicKey[0] == '[' {
		var keys []publicKeyDoc
		if json.Unmarshal(d.PublicKey, &keys) == nil && len(keys) > 0 {
			key = keys[0]
		}
	} else if len(d.PublicKey) > 0 {
		_ = json.Unmarshal(d.PublicKey, &key)
	}
	if key.Owner != "" && key.Owner != d.ID {
		return nil, fmt.Errorf("actor %s publishes a key owned by %s", d.ID, key.Owner)
	}
	return &models.RemoteActor{
		APID: d.ID, Inbox: d.Inbox, SharedInbox: d.Endpoints.SharedInbox,
		PublicKeyPEM: key.PublicKeyPem, KeyID: key.ID,
		PreferredUsername: truncateString(d.PreferredUsername, 300), Name: truncateString(d.Name, 300),
		Domain: strings.ToLower(id.Host), IconURL: iconURL(d.Icon),
		FollowersURL: truncateString(absoluteURL(idOf(d.Followers)), 2048),
		AlsoKnownAs:  strings.Join(aliasList(d.AlsoKnownAs), "\n"),
		Summary:      truncateString(d.Summary, 10000), ProfileURL: truncateString(firstID(d.URL), 2048),
		Outbox: truncateString(d.Outbox, 2048),
	}, nil
}

// maxAliases bounds the alsoKnownAs kept per actor: Mastodon lets an
// account list a handful of aliases; more is noise or abuse.
const maxAliases = 20

// aliasList reads alsoKnownAs (a link, or a list of links or objects)
// into absolute actor ids, at most maxAliases of them.
func aliasList(raw json.RawMessage) []string {
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		items = []json.RawMessage{raw}
	}
	var out []string
	for _, it := range items {
		if id := absoluteURL(idOf(it)); id != "" && len(out) < maxAliases {
			out = append(out, id)
		}
	}
	return out
}

// absoluteURL is s when it is an absolute http(s) URL short enough to
// store, else "".
func absoluteURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || len(s) > 2048 || strings.ContainsRune(s, '\n') {
		return ""
	}
	return s
}

// iconURL finds the url of an icon given as an Image, a list of them or a
// bare link.
func iconURL(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var img struct {
		URL string `json:"url"`
	}
	if json.Unmarshal(raw, &img) == nil {
		return img.URL
	}
	var imgs []struct {
		URL string `json:"url"`
	}
	if json.Unmarshal(raw, &imgs) == nil && len(imgs) > 0 {
		return imgs[0].URL
	}
	return ""
}

func truncateString(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// remoteActor returns the actor with the given id from the cache, fetching
// and caching it when missing or when refresh is set.
func (f *Federation) remoteActor(ctx context.Context, id string, refresh bool) (*models.RemoteActor, error) {
	if !refresh {
		a, err := f.store.RemoteActorByAPID(ctx, id)
		if err == nil || !errors.Is(err, models.ErrNotFound) {
			return a, err
		}
	}
	body, err := f.signedGet(ctx, id)
	if err != nil {
		return nil, err
	}
	a, err := parseRemoteActor(body, id)
	if err != nil {
		return nil, err
	}
	if a.APID != stripFragment(id) {
		return nil, fmt.Errorf("fetched %s but the document is %s", id, a.APID)
	}
	a.FetchedAt = f.now()
	return f.cacheActor(ctx, a, body)
}

// actorForKey finds the actor owning keyID, fetching the key's document
// (the actor itself, keyId being {actor}#main-key on every server Hearth
// talks to) when not cached or when refresh is set.
func (f *Federation) actorForKey(ctx context.Context, keyID string, refresh bool) (*models.RemoteActor, error) {
	if !refresh {
		a, err := f.store.RemoteActorByKeyID(ctx, keyID)
		if err == nil || !errors.Is(err, models.ErrNotFound) {
			return a, err
		}
	}
	body, err := f.signedGet(ctx, keyID)
	if err != nil {
		return nil, err
	}
	if owner := keyStubOwner(body, keyID); owner != "" {
		// GoToSocial's keyId is {actor}/main-key, which serves a stub
		// (the key and its owner, no inbox): the owner's document is
		// the actor, and it must publish this very key.
		body, err = f.signedGet(ctx, owner)
		if err != nil {
			return nil, err
		}
	}
	a, err := parseRemoteActor(body, keyID)
	if err != nil {
		return nil, err
	}
	if a.KeyID != keyID {
		return nil, fmt.Errorf("key %s is not published by %s", keyID, a.APID)
	}
	a.FetchedAt = f.now()
	return f.cacheActor(ctx, a, body)
}

// keyStubOwner is the owner of keyID when body is a key document that is
// not a whole actor (no inbox), and the owner is on the key's host; else "".
func keyStubOwner(body []byte, keyID string) string {
	var d remoteActorDoc
	if json.Unmarshal(body, &d) != nil || d.Inbox != "" {
		return ""
	}
	var key publicKeyDoc
	if json.Unmarshal(d.PublicKey, &key) != nil || key.ID != keyID || key.Owner == "" || key.Owner == keyID {
		return ""
	}
	if !strings.EqualFold(hostOf(key.Owner), hostOf(keyID)) {
		return ""
	}
	return key.Owner
}

func stripFragment(s string) string {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		return s[:i]
	}
	return s
}

// cacheActor stores a fetched actor and its ActivityStreams type, which
// fan-out uses to tell group-aware followers (groupAwareTypes) from people.
// The type is refreshed with every fetch of the actor.
func (f *Federation) cacheActor(ctx context.Context, a *models.RemoteActor, body []byte) (*models.RemoteActor, error) {
	stored, err := f.store.UpsertRemoteActor(ctx, a)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Type any `json:"type"`
	}
	_ = json.Unmarshal(body, &doc) // parseRemoteActor already accepted the document
	kind, _ := doc.Type.(string)
	if list, ok := doc.Type.([]any); ok && len(list) > 0 {
		kind, _ = list[0].(string)
	}
	if kind != "" {
		if err := f.store.SetRemoteActorType(ctx, stored.APID, kind); err != nil {
			return nil, err
		}
		f.groupFollowed.invalidate()
	}
	return stored, nil
}
