package federation

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hearth/hearth/config"
)

// network routes made-up host names (a.test, b.test…) to httptest servers
// on 127.0.0.1, so instances talk over real HTTP by their public names.
type network struct {
	mu     sync.Mutex
	routes map[string]string // host name → 127.0.0.1:port
}

func newNetwork() *network { return &network{routes: map[string]string{}} }

// add serves h as host and returns the server.
func (n *network) add(t *testing.T, host string, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	n.mu.Lock()
	n.routes[host] = srv.Listener.Addr().String()
	n.mu.Unlock()
	return srv
}

// wrap routes known names, leaving the checking dialer underneath.
func (n *network) wrap(next dialFunc) dialFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if err == nil {
			n.mu.Lock()
			if to, ok := n.routes[host]; ok {
				addr = to
			}
			n.mu.Unlock()
		}
		return next(ctx, network, addr)
	}
}

// newPeer is a Hearth instance at http://host on the network; changes
// apply to its federation configuration.
func newPeer(t *testing.T, n *network, host string, changes ...func(*config.Config)) *harness {
	h := newHarnessWith(t, func(c *config.Config) {
		c.URL = "http://" + host
		c.FederationAllowPrivate = true
		for _, change := range changes {
			change(c)
		}
	})
	h.fed.client = newHTTPClient(true, n.wrap)
	// drain runs rounds of deliverDue with no waiting, and a job deferred
	// by the per-host limit is due only hostBusyDelay later, so the
	// instances here may send a whole batch to one inbox at once.
	// TestPerHostLimit puts the default limit back.
	h.fed.limiter = newHostLimiter(64, 64)
	name, _, _ := strings.Cut(host, ":") // the network routes by name; a port is kept in the URL
	n.add(t, name, h.e)
	return h
}

// signedPost sends body to url signed by s, the way a peer delivers.
func signedPost(t *testing.T, client *http.Client, s *Signer, url string, body []byte) int {
	t.Helper()
	return signedPostWith(t, client, s, url, body, nil, nil)
}

// signedPostWith is signedPost with hooks before signing (to set what is
// signed) and after (to tamper with what was signed). A nil s sends the
// request unsigned.
func signedPostWith(t *testing.T, client *http.Client, s *Signer, url string, body []byte, edit, after func(*http.Request)) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	must(t, err)
	req.Header.Set("Content-Type", activityJSON)
	if edit != nil {
		edit(req)
	}
	if s != nil {
		must(t, s.Sign(req, body))
	}
	if after != nil {
		after(req)
	}
	resp, err := client.Do(req)
	must(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// drain runs both instances' workers until neither has anything left.
func drain(t *testing.T, peers ...*harness) {
	t.Helper()
	ctx := context.Background()
	for range 10 {
		busy := 0
		for _, p := range peers {
			n, err := p.fed.deliverDue(ctx)
			must(t, err)
			m, err := p.fed.processInbox(ctx)
			must(t, err)
			busy += n + m
		}
		if busy == 0 {
			return
		}
	}
	t.Fatal("queues did not settle")
}
