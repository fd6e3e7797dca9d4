package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-fed/httpsig"

	"github.com/hearth/hearth/clock"
)

// fediPeer is the smallest remote server a delivery needs: one actor (mia)
// whose key Hearth can fetch, and an inbox that either accepts (202) or,
// while down, answers 503 as an overloaded or restarting server does.
type fediPeer struct {
	srv  *httptest.Server
	key  *rsa.PrivateKey
	mu   sync.Mutex
	up   bool
	got  [][]byte // bodies accepted
	lost int      // deliveries refused while down
}

func newFediPeer(t *testing.T) *fediPeer {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &fediPeer{key: key, up: true}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *fediPeer) actor() string { return p.srv.URL + "/users/mia" }

func (p *fediPeer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && r.URL.Path == "/users/mia" {
		der, _ := x509.MarshalPKIXPublicKey(&p.key.PublicKey)
		pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
		w.Header().Set("Content-Type", "application/activity+json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"@context":          []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
			"id":                p.actor(),
			"type":              "Person",
			"preferredUsername": "mia",
			"inbox":             p.actor() + "/inbox",
			"outbox":            p.actor() + "/outbox",
			"followers":         p.actor() + "/followers",
			"publicKey":         map[string]any{"id": p.actor() + "#main-key", "owner": p.actor(), "publicKeyPem": string(pemKey)},
		})
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/users/mia/inbox" {
		http.NotFound(w, r)
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.up || r.Header.Get("Signature") == "" {
		p.lost++
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	p.got = append(p.got, body)
	w.WriteHeader(http.StatusAccepted)
}

func (p *fediPeer) setUp(up bool) {
	p.mu.Lock()
	p.up = up
	p.mu.Unlock()
}

// received reports whether an accepted delivery contains s, and how many
// deliveries were refused so far.
func (p *fediPeer) received(s string) (bool, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, b := range p.got {
		if bytes.Contains(b, []byte(s)) {
			return true, p.lost
		}
	}
	return false, p.lost
}

// follow sends mia's signed Follow of a Hearth actor to its inbox.
func (p *fediPeer) follow(t *testing.T, client *http.Client, object string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams",
		"id":       p.actor() + "#follows/1", "type": "Follow",
		"actor": p.actor(), "object": object,
	})
	req, err := http.NewRequest(http.MethodPost, object+"/inbox", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/activity+json")
	req.Header.Set("Date", clock.Now().UTC().Format(http.TimeFormat))
	req.Header.Set("Host", req.URL.Host)
	signer, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256,
		[]string{httpsig.RequestTarget, "host", "date", "digest"}, httpsig.Signature, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := signer.SignRequest(p.key, p.actor()+"#main-key", req, body); err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("Follow: %d, want 202", resp.StatusCode)
	}
}

// waitFor polls cond every 20 ms until it holds or the deadline passes.
func waitFor(t *testing.T, within time.Duration, what string, logs *syncBuffer, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not happen within %s\nhearth's log:\n%s", what, within, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startServe runs `hearth serve` on addr and waits for /healthz. The
// channel closes when the process has exited.
func startServe(t *testing.T, ctx context.Context, dir, addr string, logs *syncBuffer) (*exec.Cmd, <-chan struct{}) {
	t.Helper()
	cmd := hearthCmd(t, ctx, []string{"HEARTH_FEDERATION_RETRY_BASE=1s"}, "serve", "--data-dir", dir,
		"--addr", addr, "--url", "http://"+addr, "--federation-allow-private")
	cmd.Stdout, cmd.Stderr = io.Discard, logs
	exited := startProcess(t, cmd).done
	client := &http.Client{Timeout: 2 * time.Second}
	waitFor(t, 30*time.Second, "/healthz answering", logs, func() bool {
		select {
		case <-exited:
			t.Fatalf("hearth serve exited early\n%s", logs.String())
		default:
		}
		resp, err := client.Get("http://" + addr + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return cmd, exited
}

// TestDeliverySurvivesKill: a delivery pending when `hearth serve` is killed
// with SIGKILL reaches its peer after a restart on the same database
// (issue 4: at-least-once, nothing lost on kill -9). The retry base is 1 s
// (HEARTH_FEDERATION_RETRY_BASE, the knob for tests and labs) so the retry
// after restart comes within seconds rather than the production 30 s.
func TestDeliverySurvivesKill(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, nil, "admin", "create-user", "--data-dir", dir, "--username", "alice",
		"--email", "a@example.com", "--password", "password123", "--role", "admin")
	token := strings.TrimSpace(mustRun(t, nil, "admin", "create-token", "--data-dir", dir, "--username", "alice").stdout)
	peer := newFediPeer(t)
	addr := freeAddr(t)
	base := "http://" + addr
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	client := &http.Client{Timeout: 5 * time.Second}

	logs := &syncBuffer{}
	cmd, exited := startServe(t, ctx, dir, addr, logs)
	resp, cat := callAPI(t, client, "POST", base+"/api/v1/categories", token,
		map[string]string{"name": "Durable", "slug": "durable", "description": "kill -9 test"})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/v1/categories: %d %v", resp.StatusCode, cat)
	}
	peer.follow(t, client, base+"/c/durable")
	waitFor(t, 30*time.Second, "the Accept of mia's Follow", logs, func() bool {
		ok, _ := peer.received(`"Accept"`)
		return ok
	})

	// The peer goes down; a new thread's delivery to it fails and waits
	// for its retry in the database.
	peer.setUp(false)
	resp, thread := callAPI(t, client, "POST", base+"/api/v1/threads", token,
		map[string]string{"category": "durable", "title": "Survives kill -9", "body": "Still here."})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/v1/threads: %d %v", resp.StatusCode, thread)
	}
	postURL := fmt.Sprintf("%s/p/%d", base, int64(thread["first_post_id"].(float64)))
	waitFor(t, 30*time.Second, "a refused delivery of the new thread", logs, func() bool {
		_, lost := peer.received(postURL)
		return lost > 0
	})
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-exited
	if ok, _ := peer.received(postURL); ok {
		t.Fatal("the peer got the thread while down; the test proves nothing")
	}

	peer.setUp(true)
	logs2 := &syncBuffer{}
	startServe(t, ctx, dir, addr, logs2)
	waitFor(t, 45*time.Second, "delivery of the thread after the restart", logs2, func() bool {
		ok, _ := peer.received(postURL)
		return ok
	})
}
