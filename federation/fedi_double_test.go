package federation

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/go-fed/httpsig"

	"github.com/hearth/hearth/clock"
)

// fediDouble is a stand-in for another fediverse server on the test
// network: it serves WebFinger, actors and statuses in that server's JSON
// shapes, signs what it sends the way that server does, verifies Hearth's
// signatures the way that server does, and records what Hearth delivers.
// The server-specific parts are a doubleFlavor (mastodon_double_test.go,
// gotosocial_double_test.go); the flows are in doubles_test.go.
type fediDouble struct {
	t      *testing.T
	flavor doubleFlavor
	host   string // e.g. masto.test
	base   string // http://masto.test
	client *http.Client

	mu       sync.Mutex
	keys     map[string]*rsa.PrivateKey      // account name → key; the instance actor's under instanceName
	statuses map[string]map[string]any       // id → Note, served at its id
	received []map[string]any                // verified activities Hearth delivered
	inboxes  []string                        // the inbox each received activity came to
	dropped  []string                        // why an accepted delivery was not kept (GoToSocial's rules)
	fetched  map[string]map[string]any       // Announce handling: objects fetched by id
	refused  []string                        // requests answered 401/403, and why
	seq      int                             // ids for activities and statuses
	pubCache map[string]*rsa.PublicKey       // Hearth keys, by keyId
	hooks    map[string]func(map[string]any) // per activity type, after recording
	files    map[string][]byte               // path → media served as is (avatars)
}

// doubleFlavor is what differs between server implementations on the wire.
type doubleFlavor interface {
	name() string
	userAgent(d *fediDouble) string
	// contentType is the Content-Type the server puts on deliveries.
	contentType() string
	actorURL(d *fediDouble, name string) string
	keyID(d *fediDouble, name string) string
	instanceName(d *fediDouble) string
	// actor is the account's actor document.
	actor(d *fediDouble, name string, pub string) map[string]any
	// webfinger answers acct:name@host.
	webfinger(d *fediDouble, name string) map[string]any
	// signPOST sets the headers the server signs and signs them.
	signPOST(d *fediDouble, r *http.Request, body []byte, keyID string, key *rsa.PrivateKey) error
	// serveExtra handles server-specific routes (the key stub); false
	// when it is not one.
	serveExtra(d *fediDouble, w http.ResponseWriter, r *http.Request) bool
	// requireSignedGET is authorized-fetch mode.
	requireSignedGET() bool
	// keep decides whether a verified delivery is kept; the reason is
	// recorded when it is not.
	keep(d *fediDouble, act map[string]any, inbox string) (bool, string)
	// noteExtras adds the fields the server puts on every status.
	noteExtras(d *fediDouble, note map[string]any)
}

const instanceKey = "\x00instance"

func newFediDouble(t *testing.T, n *network, host string, flavor doubleFlavor, client *http.Client, accounts ...string) *fediDouble {
	t.Helper()
	d := &fediDouble{t: t, flavor: flavor, host: host, base: "http://" + host, client: client,
		keys: map[string]*rsa.PrivateKey{}, statuses: map[string]map[string]any{},
		fetched: map[string]map[string]any{}, pubCache: map[string]*rsa.PublicKey{},
		hooks: map[string]func(map[string]any){}}
	for _, name := range append([]string{instanceKey}, accounts...) {
		d.keys[name] = testSigner(t).key
	}
	n.add(t, host, d)
	return d
}

func (d *fediDouble) actorURL(name string) string {
	if name == instanceKey {
		return d.flavor.actorURL(d, d.flavor.instanceName(d))
	}
	return d.flavor.actorURL(d, name)
}

func (d *fediDouble) keyIDOf(name string) string {
	if name == instanceKey {
		return d.flavor.keyID(d, d.flavor.instanceName(d))
	}
	return d.flavor.keyID(d, name)
}

func (d *fediDouble) handle(name string) string { return "@" + name + "@" + d.host }

func (d *fediDouble) nextID(kind string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seq++
	return fmt.Sprintf("%s/%s/%d", d.base, kind, d.seq)
}

// account resolves a path's account name (the instance actor included).
func (d *fediDouble) account(name string) (string, bool) {
	if name == d.flavor.instanceName(d) {
		return instanceKey, true
	}
	_, ok := d.keys[name]
	return name, ok && name != instanceKey
}

func (d *fediDouble) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if d.flavor.serveExtra(d, w, r) {
		return
	}
	if r.Method == http.MethodPost {
		d.serveInbox(w, r)
		return
	}
	d.mu.Lock()
	file, isFile := d.files[r.URL.Path]
	d.mu.Unlock()
	if isFile && r.Method == http.MethodGet {
		// Media, as servers serve it: unsigned, from a static path.
		_, _ = w.Write(file)
		return
	}
	if r.URL.Path == "/.well-known/webfinger" {
		res := strings.TrimPrefix(r.URL.Query().Get("resource"), "acct:")
		name, host, _ := strings.Cut(res, "@")
		if _, ok := d.account(name); !ok || host != d.host {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/jrd+json")
		_ = json.NewEncoder(w).Encode(d.flavor.webfinger(d, name))
		return
	}
	if d.flavor.requireSignedGET() {
		if !strings.HasPrefix(r.Header.Get("User-Agent"), "hearth/") {
			d.refuse(w, http.StatusForbidden, "GET without a User-Agent naming the software")
			return
		}
		if err := d.verify(r, nil); err != nil {
			d.refuse(w, http.StatusUnauthorized, "unsigned or badly signed GET "+r.URL.Path+": "+err.Error())
			return
		}
	}
	d.mu.Lock()
	status, ok := d.statuses[d.base+r.URL.Path]
	d.mu.Unlock()
	if ok {
		writeDoubleJSON(w, status)
		return
	}
	if rest, ok := strings.CutPrefix(r.URL.Path, "/users/"); ok && !strings.Contains(rest, "/") {
		if name, ok := d.account(rest); ok {
			pub, _ := publicKeyPEM(&d.keys[name].PublicKey)
			writeDoubleJSON(w, d.flavor.actor(d, rest, pub))
			return
		}
	}
	http.NotFound(w, r)
}

func writeDoubleJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", `application/activity+json; charset=utf-8`)
	_ = json.NewEncoder(w).Encode(v)
}

func (d *fediDouble) refuse(w http.ResponseWriter, code int, why string) {
	d.mu.Lock()
	d.refused = append(d.refused, why)
	d.mu.Unlock()
	http.Error(w, why, code)
}

// serveInbox verifies a delivery as the server would (signature with a key
// fetched from Hearth, Digest over the body, a Hearth User-Agent), keeps
// it, and handles an Announce the way Mastodon does: by fetching its
// object.
func (d *fediDouble) serveInbox(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxInboxBody))
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	if !strings.HasPrefix(r.Header.Get("User-Agent"), "hearth/") {
		d.refuse(w, http.StatusForbidden, "no User-Agent")
		return
	}
	if err := d.verify(r, body); err != nil {
		d.refuse(w, http.StatusUnauthorized, "inbox: "+err.Error())
		return
	}
	var act map[string]any
	if err := json.Unmarshal(body, &act); err != nil {
		http.Error(w, "json", http.StatusBadRequest)
		return
	}
	if keep, why := d.flavor.keep(d, act, r.URL.Path); !keep {
		d.mu.Lock()
		d.dropped = append(d.dropped, why)
		d.mu.Unlock()
		w.WriteHeader(http.StatusAccepted) // servers do not tell why
		return
	}
	d.mu.Lock()
	d.received = append(d.received, act)
	d.inboxes = append(d.inboxes, r.URL.Path)
	hook := d.hooks[fmt.Sprint(act["type"])]
	d.mu.Unlock()
	if act["type"] == "Announce" {
		if id, ok := act["object"].(string); ok {
			if doc, err := d.fetch(id); err == nil {
				d.mu.Lock()
				d.fetched[id] = doc
				d.mu.Unlock()
			} else {
				d.t.Errorf("%s double: fetching the announced %s: %v", d.flavor.name(), id, err)
			}
		}
	}
	if hook != nil {
		hook(act)
	}
	w.WriteHeader(http.StatusAccepted)
}

// verify checks a Hearth request's signature (and for a body its Digest).
func (d *fediDouble) verify(r *http.Request, body []byte) error {
	if r.Header.Get("Signature") == "" {
		return errUnsigned
	}
	if body != nil {
		if err := checkDigest(r.Header.Get("Digest"), body); err != nil {
			return err
		}
		p, err := parseSignatureHeader(r.Header.Get("Signature"))
		if err != nil || !p.signs("digest") {
			return fmt.Errorf("digest not signed")
		}
	}
	v, err := httpsig.NewVerifier(r)
	if err != nil {
		return err
	}
	key, err := d.hearthKey(v.KeyId())
	if err != nil {
		return err
	}
	return v.Verify(key, httpsig.RSA_SHA256)
}

// hearthKey fetches (once) the public key a Hearth keyId names.
func (d *fediDouble) hearthKey(keyID string) (*rsa.PublicKey, error) {
	d.mu.Lock()
	k, ok := d.pubCache[keyID]
	d.mu.Unlock()
	if ok {
		return k, nil
	}
	doc, err := d.fetch(keyID)
	if err != nil {
		return nil, err
	}
	pk, _ := doc["publicKey"].(map[string]any)
	if pk == nil || pk["id"] != keyID || pk["owner"] != doc["id"] {
		return nil, fmt.Errorf("key %s not in %v", keyID, doc["id"])
	}
	k, err = ParsePublicKeyPEM(fmt.Sprint(pk["publicKeyPem"]))
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.pubCache[keyID] = k
	d.mu.Unlock()
	return k, nil
}

// fetch GETs an ActivityPub document signed by the double's instance actor,
// as both servers do.
func (d *fediDouble) fetch(rawURL string) (map[string]any, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	u.Fragment = ""
	req, _ := http.NewRequest(http.MethodGet, u.String(), nil)
	req.Header.Set("Accept", acceptMastodon)
	req.Header.Set("User-Agent", d.flavor.userAgent(d))
	req.Header.Set("Date", clock.Now().UTC().Format(http.TimeFormat))
	req.Header.Set("Host", u.Host)
	s, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256,
		[]string{httpsig.RequestTarget, "host", "date"}, httpsig.Signature, 0)
	if err != nil {
		return nil, err
	}
	if err := s.SignRequest(d.keys[instanceKey], d.keyIDOf(instanceKey), req, nil); err != nil {
		return nil, err
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %d", rawURL, resp.StatusCode)
	}
	var doc map[string]any
	return doc, json.NewDecoder(resp.Body).Decode(&doc)
}

// send delivers act from account name to a Hearth inbox, signed the way the
// server signs; it returns the status.
func (d *fediDouble) send(name, inbox string, act map[string]any) int {
	d.t.Helper()
	body, err := json.Marshal(act)
	must(d.t, err)
	req, err := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(body))
	must(d.t, err)
	req.Header.Set("Content-Type", d.flavor.contentType())
	req.Header.Set("User-Agent", d.flavor.userAgent(d))
	must(d.t, d.flavor.signPOST(d, req, body, d.keyIDOf(name), d.keys[name]))
	resp, err := d.client.Do(req)
	must(d.t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// signCavage signs r's listed headers with key, labelling the algorithm as
// label (httpsig writes hs2019; Mastodon writes rsa-sha256).
func signCavage(r *http.Request, body []byte, headers []string, keyID string, key *rsa.PrivateKey, label string) error {
	r.Header.Set("Date", clock.Now().UTC().Format(http.TimeFormat))
	r.Header.Set("Host", r.URL.Host)
	s, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256, headers, httpsig.Signature, 0)
	if err != nil {
		return err
	}
	if err := s.SignRequest(key, keyID, r, body); err != nil {
		return err
	}
	r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), `algorithm="hs2019"`, `algorithm="`+label+`"`, 1))
	return nil
}

// receivedOfType lists the kept deliveries of one activity type.
func (d *fediDouble) receivedOfType(typ string) []map[string]any {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []map[string]any
	for _, a := range d.received {
		if a["type"] == typ {
			out = append(out, a)
		}
	}
	return out
}

// status stores a Note the double serves at its id (so Hearth can fetch it).
func (d *fediDouble) status(note map[string]any) {
	d.mu.Lock()
	d.statuses[fmt.Sprint(note["id"])] = note
	d.mu.Unlock()
}
