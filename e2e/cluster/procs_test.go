//go:build cluster

package cluster

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httputil"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// logBuf collects one process's log lines.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// sum adds field over the JSON log lines whose msg is msg.
func (l *logBuf) sum(msg, field string) int {
	n := 0
	sc := bufio.NewScanner(bytes.NewReader([]byte(l.String())))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) != nil || line["msg"] != msg {
			continue
		}
		if v, ok := line[field].(float64); ok {
			n += int(v)
		}
	}
	return n
}

// proc is one `hearth serve` on its own port.
type proc struct {
	addr   string
	cmd    *exec.Cmd
	exited chan struct{}
	logs   *logBuf // across restarts
}

// cluster is the processes, their shared settings and the proxy in front.
type cluster struct {
	t     *testing.T
	bin   string
	dsn   string
	url   string // the proxy's, which is the forum's public URL
	procs []*proc
}

func buildHearth(t *testing.T) string {
	bin := filepath.Join(t.TempDir(), "hearth")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/hearth")
	build.Dir = "../.." // the module root; go test runs in e2e/cluster
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/hearth: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// start runs p and waits until it answers /healthz.
func (c *cluster) start(p *proc) {
	t := c.t
	t.Helper()
	cmd := exec.Command(c.bin, "serve", "--addr", p.addr, "--url", c.url, "--db", c.dsn,
		"--data-dir", t.TempDir(), "--metrics-addr", "", "--federation-allow-private",
		"--federation-retry-base", "1s")
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p.cmd, p.exited = cmd, make(chan struct{})
	go func(done chan struct{}) { _ = cmd.Wait(); close(done) }(p.exited)
	client := &http.Client{Timeout: 2 * time.Second}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		select {
		case <-p.exited:
			t.Fatalf("hearth serve on %s exited before it was healthy:\n%s", p.addr, p.logs.String())
		default:
		}
		if resp, err := client.Get("http://" + p.addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("hearth serve on %s not healthy within 60 s:\n%s", p.addr, p.logs.String())
		}
	}
}

// stop sends SIGTERM (what systemd and container runtimes send) and waits.
func (c *cluster) stop(p *proc) {
	c.t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(35 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
		c.t.Fatalf("hearth serve on %s did not stop within 35 s of SIGTERM", p.addr)
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		c.t.Errorf("hearth serve on %s exited %d after SIGTERM:\n%s", p.addr, code, p.logs.String())
	}
}

// logSum adds a logged figure over every process.
func (c *cluster) logSum(msg, field string) int {
	n := 0
	for _, p := range c.procs {
		n += p.logs.sum(msg, field)
	}
	return n
}

// newProxy is the load balancer: round robin over the processes, and a
// request whose connection was refused (a process restarting) goes to the
// next one, as Caddy's and nginx's retries do: it never reached a process.
func newProxy(addrs []string) http.Handler {
	var next atomic.Uint64
	pick := func() string { return addrs[next.Add(1)%uint64(len(addrs))] }
	return &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Scheme, r.Out.URL.Host = "http", pick()
			r.Out.Host = r.In.Host // the public host, as --url names it
		},
		Transport: retryRefused{next: pick},
	}
}

type retryRefused struct{ next func() string }

func (rt retryRefused) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(io.LimitReader(req.Body, 8<<20))
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	for tries := 0; ; tries++ {
		if body != nil {
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		var op *net.OpError
		if err == nil || tries == 5 || !errors.As(err, &op) || op.Op != "dial" {
			return resp, err
		}
		u := *req.URL
		u.Host = rt.next()
		req = req.Clone(req.Context())
		req.URL = &u
	}
}

// jar is a cookie jar for a client of the proxy.
func newClient(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
